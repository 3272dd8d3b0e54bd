package io.modulets.bootstrap;

/**
 * Binding by hand, for the agent's tests, the benchmarks and the test applications (no production path
 * calls these: the hooks bind through {@link Scope}).
 */
public final class TestSeams {
    private TestSeams() {
    }

    /**
     * Sets the current generation alone, as the registry's tests and the benchmarks do: the live set and
     * the boundary's epochs stay as they are (the lifecycle publishes through {@code BoundaryLinks}).
     */
    public static synchronized void setCurrent(ClassLoader generation) {
        Bindings.publish(Bindings.liveSet().withCurrentOnly(generation));
    }

    /** Starts ({@code draw} non-null) or ends a canary's draw alone, as {@link #setCurrent} sets current. */
    public static synchronized void setCanary(CanaryDraw draw) {
        Bindings.publish(Bindings.liveSet().withCanaryOnly(draw));
    }

    /** Runs {@code body} bound to {@code binding}, with its context class loader, as a task run; restores both. */
    public static void runBound(ClassLoader binding, Runnable body) {
        if (binding == null) {
            body.run();
            return;
        }
        // The scope's state in locals, as the pool and stage hooks keep it: here the JIT did not inline the seam
        // into the benchmarks that measure a bound run, and a Scope object would have been allocated per run.
        ThreadState state = ThreadState.current();
        ClassLoader previousBinding = state.bound;
        ClassLoader previousContext = Thread.currentThread().getContextClassLoader();
        boolean rebound = Scope.enter(state, binding, previousBinding, previousContext, true);
        try {
            body.run();
        } catch (Throwable failure) {
            Scope.failed(state, rebound, failure);
            throw failure;
        } finally {
            Scope.restore(state, previousBinding, previousContext, rebound, rebound);
        }
    }

    /**
     * Runs {@code body} as code outside any task (§2.4): references by name resolve in the current
     * generation at each call; the thread's binding is restored afterwards. The boundary
     * benchmarks measure unbound calls with it, on JMH threads that are otherwise bound.
     */
    public static void runUnbound(Runnable body) {
        ThreadState state = ThreadState.current();
        Thread thread = Thread.currentThread(); // the intrinsic, which the JIT knows to be the running thread
        ClassLoader previous = state.bound;
        ClassLoader previousContext = thread.getContextClassLoader();
        state.bound = null;
        if (previousContext instanceof GenerationLoader) {
            Bindings.setContext(thread, ClassLoader.getSystemClassLoader()); // no generation's loader without its binding
        }
        try {
            body.run();
        } finally {
            state.bound = previous;
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
