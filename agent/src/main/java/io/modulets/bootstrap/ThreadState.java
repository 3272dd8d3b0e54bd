package io.modulets.bootstrap;

/**
 * What the agent keeps per thread, behind one thread-local read: the thread's binding ({@link Bindings}), its
 * task runs ({@link TaskRuns}), its cells of the generations' live counts ({@link LiveCount}) and the connection
 * event it runs ({@link Connections}). A hook that binds a run reads it once and passes it on, so that binding,
 * counting the run and unbinding cost one {@code ThreadLocal.get()} where they cost five (two reads and two
 * writes of the binding's thread-local, a read of the runs' own at each end of the run).
 */
final class ThreadState {
    private static final ThreadLocal<ThreadState> STATES = new ThreadLocal<>() {
        @Override
        protected ThreadState initialValue() {
            return new ThreadState(Thread.currentThread());
        }
    };

    /** The binding of the task the thread runs, or null if it runs none. */
    ClassLoader bound;
    final TaskRuns.Stack runs = new TaskRuns.Stack();
    /** The thread's cells of the live counts of the generations it captures or releases tasks of. */
    final LiveCount.Cells liveCells = new LiveCount.Cells();
    /** The CompletableFuture stage whose firing on this thread counts as a run if this thread claims it ({@link StageHooks}). */
    Object firing;
    /** Whether this thread claimed {@link #firing}, so runs its function. */
    boolean firedHere;
    /**
     * The innermost connection event the thread runs ({@link Connections}), or null. A field here rather than a
     * thread-local of its own: an event loop enters and exits one for every read, and a thread-local removed at
     * each exit allocated its map entry (a weak reference) again at the next enter.
     */
    Connections.Event entered;
    /**
     * The class of the last task whose capture field this thread looked for, and that field's offset ({@link
     * TaskFields#offset(Object, ThreadState)}): a compare here instead of a {@code ClassValue} look-up at each capture
     * and each run. Never a class that could keep a generation loaded after it retired (TaskFields); a shell or JDK
     * class stays referenced until the thread looks for another.
     */
    Class<?> fieldClass;
    long fieldOffset;
    /** Whether the agent writes this thread's context class loader itself ({@link ContextWrites}): decided once. */
    final boolean writesOwnContext;

    /**
     * A started thread's first read: the binding its starter recorded, and its body's run at the bottom of its
     * stack ({@link ThreadHooks}), which is always after {@code start()} recorded them.
     */
    private ThreadState(Thread thread) {
        writesOwnContext = ContextWrites.allowedFor(thread.getClass());
        TaskRuns.Frame body = ThreadHooks.adoptStartedBody(thread);
        if (body != null) {
            runs.frames[0] = body;
            runs.depth = 1;
            bound = body.binding;
        }
    }

    /** The running thread's state. */
    static ThreadState current() {
        return STATES.get();
    }

    /** Forgets the running thread's state (its body ended): a later read starts afresh. */
    static void remove() {
        STATES.remove();
    }
}
