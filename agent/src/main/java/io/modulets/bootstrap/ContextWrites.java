package io.modulets.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The agent's own writes of the running thread's context class loader, as a task binds and its run restores it
 * (§2.5): a release store to {@code Thread.contextClassLoader} rather than a call of {@code setContextClassLoader}.
 * On JDK 25 the field is volatile, and the setter's write a fence; on both JDKs the setter runs the agent's hook
 * ({@link ThreadHooks#onSetContext}), which reads the thread's state again, for writes that are the agent's own. The
 * running thread is the only writer that matters to its own reads, and other threads (a pin report, a debugger) only
 * need to see the loader eventually.
 *
 * <p>A thread whose class overrides the setter still gets its override: the JDK's {@code InnocuousThread} refuses any
 * loader but null, and an application's thread may check or record the change. Where {@code java.lang} is not open
 * to the agent, every write goes through the setter.
 */
final class ContextWrites {
    private static final VarHandle FIELD = field();

    /** Whether a thread class keeps {@code Thread}'s own setter (its writes may then skip it). */
    private static final ClassValue<Boolean> PLAIN_SETTER = new ClassValue<Boolean>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("setContextClassLoader", ClassLoader.class).getDeclaringClass() == Thread.class;
            } catch (NoSuchMethodException | SecurityException e) {
                return false;
            }
        }
    };

    private ContextWrites() {
    }

    private static VarHandle field() {
        try {
            return MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findVarHandle(Thread.class, "contextClassLoader", ClassLoader.class);
        } catch (ReflectiveOperationException | RuntimeException notOpen) {
            return null;
        }
    }

    /** Whether a thread of class {@code type} may have its own context class loader written here (once per thread). */
    static boolean allowedFor(Class<?> type) {
        return FIELD != null && PLAIN_SETTER.get(type);
    }

    /** The write itself, for a running thread whose class {@link #allowedFor} allowed. */
    static void write(Thread running, ClassLoader loader) {
        FIELD.setRelease(running, loader);
    }
}
