package io.modulets.bootstrap;

/**
 * One binding of the running thread, from {@link #run} or {@link #bind} to {@link #close}: the thread's
 * binding and its context class loader (§2.5), and the task run it counts. Every hook that runs code
 * bound uses it the same way, except the three that run most tasks, which keep the same state in locals with
 * {@link #enter} and {@link #restore} ({@code ExecutorHooks.runCaptured}, {@code ForkJoinHooks.execTask},
 * {@code StageHooks.fireCompletion}: see why there):
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
 * <p>A scope does not escape the hook that opens it, so the JIT replaces it with its fields, as long as it
 * inlines {@link #open} into the hook: not once {@code open} was compiled on its own with {@link #enter} in it,
 * too large to inline, which happened in pools' worker loops (a scope allocated per task there, 32 bytes).
 */
final class Scope {
    private final ThreadState state;
    private final ClassLoader previousBinding;
    private final ClassLoader previousContext;
    /** Whether this scope changed the binding (a task run by its own submitter changes nothing). */
    private final boolean rebound;
    /** Whether it counts a task run in the generation's outcomes (a rejection that does not run the task does not). */
    private final boolean counted;

    // The constructor and the instance methods stay under the JIT's size for inlining a cold call (35
    // bytes of bytecode): a scope closed on an exception path is then still never allocated.
    private Scope(ThreadState state, ClassLoader previousBinding, ClassLoader previousContext, boolean rebound,
                  boolean counted) {
        this.state = state;
        this.previousBinding = previousBinding;
        this.previousContext = previousContext;
        this.rebound = rebound;
        this.counted = counted;
    }

    /**
     * Binds the running thread to {@code binding} and begins a task run, unless it is bound to it
     * already with it as its context class loader (a task run by its submitter: CallerRunsPolicy,
     * {@code invoke()} or a dependent stage inside a task; a nested run is part of the run around it).
     */
    static Scope run(ClassLoader binding) {
        return open(binding, true, ThreadState.current());
    }

    /** As {@link #run(ClassLoader)}, on the thread whose state the caller has read already. */
    static Scope run(ClassLoader binding, ThreadState state) {
        return open(binding, true, state);
    }

    /** As {@link #run}, without a task run: code that runs bound but is not the task's (a rejection handler). */
    static Scope bind(ClassLoader binding, ThreadState state) {
        return open(binding, false, state);
    }

    private static Scope open(ClassLoader binding, boolean counts, ThreadState state) {
        ClassLoader previousBinding = state.bound;
        ClassLoader previousContext = Thread.currentThread().getContextClassLoader();
        boolean rebound = enter(state, binding, previousBinding, previousContext, counts);
        return new Scope(state, previousBinding, previousContext, rebound, counts && rebound);
    }

    // The allocating method above stays small once compiled, and the work is here: a method whose
    // compiled code is large is not inlined into its callers, and a scope made in it would escape.
    static boolean enter(ThreadState state, ClassLoader binding, ClassLoader previousBinding,
                         ClassLoader previousContext, boolean counts) {
        boolean rebound = binding != null && Bindings.bind(state, binding, previousBinding, previousContext);
        if (counts && rebound) {
            TaskRuns.begin(state.runs, binding, false);
        }
        return rebound;
    }

    /** The running thread's state, read once when the scope opened. */
    ThreadState state() {
        return state;
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
        failed(state, counted, failure);
    }

    /** {@link #failed(Throwable)} with the scope's state passed in, for the hooks that keep it in locals. */
    static void failed(ThreadState state, boolean counted, Throwable failure) {
        if (counted) {
            TaskRuns.failed(state.runs, failure);
        }
    }

    /** Ends the run and restores the binding the thread had before, and its context class loader if the body changed it. */
    void close() {
        restore(state, previousBinding, previousContext, rebound, counted);
    }

    /** {@link #close} with the scope's state passed in, for the hooks that keep it in locals (class comment). */
    static void restore(ThreadState state, ClassLoader previousBinding, ClassLoader previousContext,
                        boolean rebound, boolean counted) {
        if (counted) {
            TaskRuns.end(state.runs, true);
        }
        if (rebound) {
            state.bound = previousBinding;
        }
        Thread thread = Thread.currentThread(); // the intrinsic, which the JIT knows to be the running thread
        if (thread.getContextClassLoader() != previousContext) {
            Bindings.setOwnContext(state, thread, previousContext);
        }
    }
}
