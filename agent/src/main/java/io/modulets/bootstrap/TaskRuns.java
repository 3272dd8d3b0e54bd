package io.modulets.bootstrap;

/**
 * The task runs in progress on each thread, so that a run's end can be counted in its generation's
 * {@link TaskOutcomes} as completed or failed, with its run time (what counts as a run and as a
 * failure: DESIGN §4, "Outcomes").
 *
 * <p>A run is what a run hook binds (a {@link Scope} that bound): it begins when the thread is
 * bound and ends when it is unbound (a CompletableFuture stage only if it fired its function: a
 * tentative run). Runs nest (a task of another generation run inline by this one), so
 * each thread has a small stack of frames, reused from run to run: a pool worker allocates its frames
 * once. A thread's own body is a run too, from {@code start()} to its exit: its frame is made by the
 * starting thread, kept with the thread's binding until the thread first reads it
 * ({@code ThreadHooks}), and becomes the bottom of the new thread's stack.
 *
 * <p>A failure is recorded in the innermost run of the thread, once: the first exception wins, so a
 * failure seen by two hooks (a FutureTask's {@code setException}, then its rethrow) counts once.
 */
final class TaskRuns {
    /** One run in progress. Never references a class of the generation: the exception is kept by name. */
    static final class Frame {
        TaskOutcomes outcomes;
        long start;
        String failure;
        /** Started only if it turns out to be a run when it ends (a stage that may not fire). */
        boolean tentative;
        /** A thread body's binding, until the body ends (for ThreadHooks: the live count, the first read). */
        ClassLoader binding;
    }

    /** A thread's runs, innermost on top; frames are kept for reuse. */
    static final class Stack {
        Frame[] frames = new Frame[4];
        int depth;
    }

    private static final ThreadLocal<Stack> STACKS = new ThreadLocal<>() {
        @Override
        protected Stack initialValue() {
            Stack stack = new Stack();
            Frame body = ThreadHooks.startedBody(Thread.currentThread());
            if (body != null) {
                stack.frames[0] = body;
                stack.depth = 1;
            }
            return stack;
        }
    };

    private TaskRuns() {
    }

    /** A run bound to {@code binding} begins on this thread. Not counted for a binding that is no generation. */
    static void begin(ClassLoader binding) {
        begin(binding, false);
    }

    /**
     * As {@link #begin(ClassLoader)}, for what is a run only if {@link #end(boolean)} says so: a
     * CompletableFuture stage, which may find its other source not yet done, or hand itself to its
     * executor. It is not among the running ones meanwhile.
     */
    static void beginTentative(ClassLoader binding) {
        begin(binding, true);
    }

    private static void begin(ClassLoader binding, boolean tentative) {
        Stack stack = STACKS.get();
        Frame[] frames = stack.frames;
        int depth = stack.depth;
        if (depth == frames.length) {
            stack.frames = frames = java.util.Arrays.copyOf(frames, depth * 2);
        }
        Frame frame = frames[depth];
        if (frame == null) {
            frames[depth] = frame = new Frame();
        }
        stack.depth = depth + 1;
        frame.tentative = tentative;
        if (binding instanceof GenerationLoader) {
            TaskOutcomes outcomes = ((GenerationLoader) binding).outcomes();
            frame.outcomes = outcomes;
            if (!tentative) {
                outcomes.started();
            }
            frame.start = System.nanoTime();
        }
    }

    /** The innermost run on this thread ends: counted as completed, or failed if a failure was recorded. */
    static void end() {
        end(true);
    }

    /** As {@link #end()}; a tentative run is counted (started and ended) only if {@code wasRun}. */
    static void end(boolean wasRun) {
        Stack stack = STACKS.get();
        if (stack.depth == 0) {
            return; // not begun here (cannot happen while every begin has its end)
        }
        Frame frame = stack.frames[--stack.depth];
        if (frame.tentative) {
            frame.tentative = false;
            if (!wasRun || frame.outcomes == null) {
                frame.outcomes = null;
                frame.failure = null;
                return;
            }
            frame.outcomes.started();
        }
        count(frame);
    }

    /** The innermost run on this thread failed with {@code failure}, unless it already had a failure. */
    static void failed(Throwable failure) {
        Stack stack = STACKS.get();
        if (stack.depth > 0) {
            record(stack.frames[stack.depth - 1], failure);
        }
    }

    /** A thread's body, bound to {@code binding}, is a run that begins now (on the starting thread). */
    static Frame threadStarted(ClassLoader binding) {
        Frame body = new Frame();
        body.binding = binding;
        if (binding instanceof GenerationLoader) {
            body.outcomes = ((GenerationLoader) binding).outcomes();
            body.outcomes.started();
            body.start = System.nanoTime();
        }
        return body;
    }

    /**
     * The running thread's first read of its binding: its body's run becomes the bottom of its stack
     * (it may be there already, if a failure was recorded before). Returns the body's binding.
     */
    static ClassLoader adopt(Frame body) {
        Stack stack = STACKS.get();
        if (stack.depth == 0) {
            stack.frames[0] = body;
            stack.depth = 1;
        }
        return body.binding;
    }

    /** A body that never read its binding is over (on its own thread, or its thread was collected). */
    static void threadEnded(Frame body) {
        body.binding = null;
        count(body);
    }

    /** The running thread's body, which read its binding, is over: the bottom of its stack. */
    static void threadEnded() {
        Stack stack = STACKS.get();
        if (stack.depth == 1 && stack.frames[0].binding != null) {
            stack.depth = 0;
            threadEnded(stack.frames[0]);
            stack.frames[0] = null;
        }
    }

    /** A thread started and collected without running: its start is undone, its capture released. */
    static void neverRan(Frame body) {
        if (body.outcomes != null) {
            body.outcomes.notStarted();
            body.outcomes = null;
        }
        ClassLoader binding = body.binding;
        body.binding = null;
        PendingTasks.release(binding);
    }

    private static void record(Frame frame, Throwable failure) {
        if (frame.failure == null) {
            frame.failure = failure == null ? "null" : failure.getClass().getName();
        }
    }

    private static void count(Frame frame) {
        TaskOutcomes outcomes = frame.outcomes;
        String failure = frame.failure;
        frame.outcomes = null;
        frame.failure = null;
        if (outcomes == null) {
            return;
        }
        long nanos = System.nanoTime() - frame.start;
        if (failure == null) {
            outcomes.ended(nanos);
        } else {
            outcomes.failed(failure, nanos);
        }
    }
}
