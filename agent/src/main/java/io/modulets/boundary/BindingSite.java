package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SwitchPoint;

import io.modulets.bootstrap.Bindings;

/**
 * A site that resolves in the calling thread's binding (static members, {@code new}, class
 * literals, arrays): its cache is keyed by the binding, "binding == g" → g's handle.
 */
final class BindingSite extends InlineCacheSite {
    private static final MethodHandle IS_BINDING;

    static {
        try {
            IS_BINDING = MethodHandles.lookup().findStatic(BindingSite.class, "bindingIs",
                    MethodType.methodType(boolean.class, ClassLoader.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    BindingSite(MethodType type, Resolver resolver) {
        super(type, resolver);
    }

    /** The guard "the calling thread's binding is {@code generation}". */
    static MethodHandle isBinding(ClassLoader generation) {
        return MethodHandles.insertArguments(IS_BINDING, 0, generation);
    }

    private static boolean bindingIs(ClassLoader generation) {
        return Bindings.effective() == generation;
    }

    @Override
    Object relink(Object[] arguments) throws Throwable {
        ClassLoader generation = Bindings.effective();
        MethodHandle target = resolver.resolve(generation);
        SwitchPoint single = BoundaryLinks.singleFor(generation);
        if (single != null) {
            linkSingle(generation, single, target);
        } else {
            addEntry(generation, isBinding(generation), target);
        }
        return target.invokeWithArguments(arguments);
    }
}
