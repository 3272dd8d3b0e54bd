package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.GenerationLoader;

/**
 * A site that resolves on the generation of its first argument's class (instance methods and
 * fields, checkcast, instanceof): an object keeps its own code whoever calls it (§2.3). An
 * inline cache keyed by the receiver's class.
 */
final class ReceiverSite extends MutableCallSite {
    private static final int MAX_ENTRIES = 8;
    private static final MethodHandle IS_CLASS;
    private static final MethodHandle RELINK;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            IS_CLASS = lookup.findStatic(ReceiverSite.class, "isClass",
                    MethodType.methodType(boolean.class, Class.class, Object.class));
            RELINK = lookup.findVirtual(ReceiverSite.class, "relink",
                    MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Resolver resolver;
    private final MethodHandle fallback;
    private int entries;

    ReceiverSite(MethodType type, Resolver resolver) {
        super(type);
        this.resolver = resolver;
        this.fallback = RELINK.bindTo(this).asCollector(Object[].class, type.parameterCount()).asType(type);
        setTarget(fallback);
    }

    private static boolean isClass(Class<?> expected, Object receiver) {
        return receiver != null && receiver.getClass() == expected;
    }

    private Object relink(Object[] arguments) throws Throwable {
        Object receiver = arguments[0];
        if (receiver == null) {
            switch (resolver.kind()) {
                case CHECKCAST:
                    return null;
                case INSTANCEOF:
                    return false;
                default:
                    throw new NullPointerException();
            }
        }
        Class<?> receiverClass = receiver.getClass();
        ClassLoader own = receiverClass.getClassLoader();
        // A shell or JDK object where a swappable type is expected: judge it in the thread's binding.
        ClassLoader generation = own instanceof GenerationLoader ? own : Bindings.effective();
        MethodHandle target = resolver.resolve(generation);
        MethodType type = type();
        MethodHandle test = MethodHandles.insertArguments(IS_CLASS, 0, receiverClass)
                .asType(MethodType.methodType(boolean.class, type.parameterType(0)));
        synchronized (this) {
            MethodHandle rest = entries < MAX_ENTRIES ? getTarget() : fallback;
            entries = entries < MAX_ENTRIES ? entries + 1 : 1;
            setTarget(MethodHandles.guardWithTest(test, target, rest));
        }
        return target.invokeWithArguments(arguments);
    }
}
