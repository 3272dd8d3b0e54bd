package io.modulets.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;

/**
 * The capture field of an application task class or a lambda class ({@link TaskClassFiles}), read and written
 * through the JDK's internal {@code Unsafe} at the field's offset, which a {@code ClassValue} keeps per class: a {@code
 * VarHandle} per class would not be a constant to the JIT (each call through an unknown handle), {@code
 * sun.misc.Unsafe} refuses the offset of a hidden class's field and warns on JDK 24 and later. The three operations
 * are method handles in static finals, which the JIT inlines to the intrinsics; {@code jdk.internal.misc} is exported
 * to this module in premain.
 */
final class TaskFields {
    /** No field: the class has none, or took none (a lambda spun before the agent, a class loaded before it). */
    static final long NONE = -1;

    private static final MethodHandle OFFSET;
    private static final MethodHandle GET;
    private static final MethodHandle COMPARE_AND_SET;
    /** False where {@code jdk.internal.misc} is not exported to this module (a unit test's JVM): no task has a field. */
    private static final boolean AVAILABLE;

    static {
        MethodHandle offset = null;
        MethodHandle get = null;
        MethodHandle compareAndSet = null;
        try {
            Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Object unsafe = lookup.findStatic(unsafeClass, "getUnsafe", MethodType.methodType(unsafeClass)).invoke();
            offset = lookup.findVirtual(unsafeClass, "objectFieldOffset",
                    MethodType.methodType(long.class, Class.class, String.class)).bindTo(unsafe);
            get = lookup.findVirtual(unsafeClass, "getReferenceVolatile",
                    MethodType.methodType(Object.class, Object.class, long.class)).bindTo(unsafe);
            compareAndSet = lookup.findVirtual(unsafeClass, "compareAndSetReference",
                    MethodType.methodType(boolean.class, Object.class, long.class, Object.class, Object.class))
                    .bindTo(unsafe);
        } catch (Throwable notExported) {
            offset = null;
        }
        AVAILABLE = offset != null;
        OFFSET = offset;
        GET = get;
        COMPARE_AND_SET = compareAndSet;
    }

    private static final ClassValue<Long> OFFSETS = new ClassValue<>() {
        @Override
        protected Long computeValue(Class<?> type) {
            return offsetIn(type);
        }
    };

    private TaskFields() {
    }

    /** The offset of {@code task}'s capture field, or {@link #NONE}. */
    static long offset(Object task) {
        return AVAILABLE ? OFFSETS.get(task.getClass()) : NONE;
    }

    /**
     * As {@link #offset(Object)}, through the thread's last class ({@link ThreadState#fieldClass}): a thread submits and
     * runs the same few task classes, a lambda's above all, and a {@code ClassValue} look-up is about 3 ns, twice per
     * task. A class that could keep a generation loaded is looked up each time rather than kept.
     */
    static long offset(Object task, ThreadState state) {
        Class<?> type = task.getClass();
        if (type == state.fieldClass) {
            return state.fieldOffset;
        }
        long offset = offset(task);
        if (outlivesEveryGeneration(type.getClassLoader())) {
            state.fieldClass = type;
            state.fieldOffset = offset;
        }
        return offset;
    }

    /**
     * Whether {@code loader} keeps no generation loaded: not a generation's loader, nor below one, nor an object of a
     * generation's class (a loader the generation's code made). A loader that only holds a generation's in a field of
     * its own is not seen; the thread keeps its class until it looks up another.
     */
    private static boolean outlivesEveryGeneration(ClassLoader loader) {
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l instanceof GenerationLoader || l.getClass().getClassLoader() instanceof GenerationLoader) {
                return false;
            }
        }
        return true;
    }

    /** The field's offset in {@code type} or the nearest superclass that implements a task interface itself. */
    private static long offsetIn(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (implementsTask(c)) {
                try {
                    return (long) OFFSET.invokeExact(c, Slots.FIELD);
                } catch (Throwable noField) {
                    return NONE; // InternalError: the class did not take the field
                }
            }
        }
        return NONE;
    }

    /** Whether {@code c} names {@code Runnable} or {@code Callable} among its own interfaces ({@link TaskClassFiles}). */
    private static boolean implementsTask(Class<?> c) {
        for (Class<?> i : c.getInterfaces()) {
            if (i == Runnable.class || i == Callable.class) {
                return true;
            }
        }
        return false;
    }

    static Object get(Object task, long offset) {
        try {
            return (Object) GET.invokeExact(task, offset);
        } catch (Throwable e) {
            throw new AssertionError(e); // Unsafe's get throws nothing
        }
    }

    static boolean compareAndSet(Object task, long offset, Object expected, Object value) {
        try {
            return (boolean) COMPARE_AND_SET.invokeExact(task, offset, expected, value);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
