package io.modulets.bootstrap;

/**
 * One binding of the running thread, from {@link #run} or {@link #bind} to {@link #close}: the thread's
 * binding and its context class loader (§2.5), and the task run it counts. Every hook that runs code
 * bound uses it the same way:
 *
 * <pre>{@code
 * Scope scope = Scope.run(binding);
 * try {
 *     body.run();
 * } catch (Throwable failure) {
 *     scope.failed(failure);
 *     throw failure;
 * } finally {
 *     scope.close();
 * }
 * }</pre>
 *
 * <p>A scope does not escape the hook that opens it, so the JIT replaces it with its fields (the
 * capture benchmarks allocate no more per task than without it: docs/PERFORMANCE.md).
 */
final class Scope {
    private final Thread thread;
    private final ClassLoader previousBinding;
    private final ClassLoader previousContext;
    /** Whether this scope changed the binding (a task run by its own submitter changes nothing). */
    private final boolean rebound;
    /** Whether it counts a task run in the generation's outcomes (a rejection that does not run the task does not). */
    private final boolean counted;

    private Scope(Thread thread, ClassLoader binding, boolean counted) {
        this.thread = thread;
        this.previousBinding = Bindings.BOUND.get();
        this.previousContext = thread.getContextClassLoader();
        this.rebound = binding != null && Bindings.bind(thread, binding, previousBinding, previousContext);
        this.counted = counted && rebound;
        if (this.counted) {
            TaskRuns.begin(binding);
        }
    }

    /**
     * Binds the running thread to {@code binding} and begins a task run, unless it is bound to it
     * already with it as its context class loader (a task run by its submitter: CallerRunsPolicy,
     * {@code invoke()} or a dependent stage inside a task; a nested run is part of the run around it).
     */
    static Scope run(ClassLoader binding) {
        return new Scope(Thread.currentThread(), binding, true);
    }

    /** As {@link #run}, without a task run: code that runs bound but is not the task's (a rejection handler). */
    static Scope bind(ClassLoader binding) {
        return new Scope(Thread.currentThread(), binding, false);
    }

    /** Whether this scope bound the thread (else the thread already ran on the binding). */
    boolean rebound() {
        return rebound;
    }

    /**
     * The body threw {@code failure}: the run bound here failed. A nested run's throw counts only if it
     * leaves the body of the run around it (the code around may catch it).
     */
    void failed(Throwable failure) {
        if (counted) {
            TaskRuns.failed(failure);
        }
    }

    /** Ends the run and restores the binding the thread had before and its context class loader if the body changed it. */
    void close() {
        if (counted) {
            TaskRuns.end();
        }
        if (rebound) {
            Bindings.BOUND.set(previousBinding);
        }
        if (thread.getContextClassLoader() != previousContext) {
            Bindings.setContext(thread, previousContext);
        }
    }
}
