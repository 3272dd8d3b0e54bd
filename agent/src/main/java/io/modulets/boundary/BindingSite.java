package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;

import io.modulets.bootstrap.Bindings;

/**
 * A site that resolves in the calling thread's binding (static members, {@code new}, class
 * literals): an inline cache of guards "binding == g" → g's handle, grown on a miss.
 */
final class BindingSite extends MutableCallSite {
    private static final int MAX_ENTRIES = 8;
    private static final MethodHandle IS_BINDING;
    private static final MethodHandle RELINK;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            IS_BINDING = lookup.findStatic(BindingSite.class, "isBinding",
                    MethodType.methodType(boolean.class, ClassLoader.class));
            RELINK = lookup.findVirtual(BindingSite.class, "relink",
                    MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Resolver resolver;
    private final MethodHandle fallback;
    private int entries;

    BindingSite(MethodType type, Resolver resolver) {
        super(type);
        this.resolver = resolver;
        this.fallback = RELINK.bindTo(this).asCollector(Object[].class, type.parameterCount()).asType(type);
        setTarget(fallback);
    }

    private static boolean isBinding(ClassLoader generation) {
        return Bindings.effective() == generation;
    }

    /** A miss: resolve in the thread's binding, add a guard for it, and make the call. */
    private Object relink(Object[] arguments) throws Throwable {
        ClassLoader generation = Bindings.effective();
        MethodHandle target = resolver.resolve(generation);
        synchronized (this) {
            MethodHandle rest = entries < MAX_ENTRIES ? getTarget() : fallback;
            entries = entries < MAX_ENTRIES ? entries + 1 : 1;
            setTarget(MethodHandles.guardWithTest(MethodHandles.insertArguments(IS_BINDING, 0, generation),
                    target, rest));
        }
        return target.invokeWithArguments(arguments);
    }
}
