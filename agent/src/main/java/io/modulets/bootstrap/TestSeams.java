package io.modulets.bootstrap;

/**
 * Binding by hand, for the agent's tests, the benchmarks and the test applications (no production path
 * calls these: the hooks bind through {@link Scope}).
 */
public final class TestSeams {
    private TestSeams() {
    }

    /** Runs {@code body} bound to {@code binding}, with its context class loader, as a task run; restores both. */
    public static void runBound(ClassLoader binding, Runnable body) {
        if (binding == null) {
            body.run();
            return;
        }
        Scope scope = Scope.run(binding);
        try {
            body.run();
        } catch (Throwable failure) {
            scope.failed(failure);
            throw failure;
        } finally {
            scope.close();
        }
    }

    /**
     * Runs {@code body} as code outside any task (§2.4): references by name resolve in the current
     * generation at each call; the thread's binding is restored afterwards. The boundary
     * benchmarks measure unbound calls with it, on JMH threads that are otherwise bound.
     */
    public static void runUnbound(Runnable body) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = Bindings.BOUND.get();
        ClassLoader previousContext = thread.getContextClassLoader();
        Bindings.BOUND.set(null);
        if (previousContext instanceof GenerationLoader) {
            Bindings.setContext(thread, ClassLoader.getSystemClassLoader()); // no generation's loader without its binding
        }
        try {
            body.run();
        } finally {
            Bindings.BOUND.set(previous);
            if (thread.getContextClassLoader() != previousContext) {
                Bindings.setContext(thread, previousContext);
            }
        }
    }

    /**
     * The tasks captured and not yet run (their classes and bindings), the threads started and not
     * yet running, and the requests begun: what keeps generations live.
     */
    public static String describePending() {
        return "tasks: " + PendingTasks.describe() + " threads starting: " + ThreadHooks.describeStarting()
                + " requests: " + Requests.describe();
    }
}
