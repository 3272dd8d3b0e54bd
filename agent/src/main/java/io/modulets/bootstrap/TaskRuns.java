package io.modulets.bootstrap;

import java.lang.ref.WeakReference;

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
 * ({@code ThreadHooks}), and becomes the bottom of the new thread's stack. The stack is kept in the thread's
 * {@link ThreadState} beside its binding: a hook that binds a run reads both at once and passes the stack to
 * {@link #begin} and {@link #end}.
 *
 * <p>A failure is recorded in the innermost run of the thread, once: the first exception wins, so a
 * failure seen by two hooks (a FutureTask's {@code setException}, then its rethrow) counts once.
 *
 * <p>Counting a run costs a pool worker a few nanoseconds, not the two clock reads of timing it: once a
 * thread has run {@link #WARM_RUNS} runs, it counts them in cells of its own ({@link TaskOutcomes.Cell}) and
 * times one run in {@link #TIMED_EVERY} on average, at varying gaps; each timed run stands for the runs of
 * its gap. A thread's body is timed as one of its starter's runs.
 */
final class TaskRuns {
    /** One run in progress. Never references a class of the generation: the exception is kept by name. */
    static final class Frame {
        TaskOutcomes outcomes;
        /** The thread's own counts of the run's generation; null: the shared counters. */
        TaskOutcomes.Cell cell;
        long start;
        /** How many runs this run's time stands for; 0: not timed. */
        int weight;
        String failure;
        /** Started only if it turns out to be a run when it ends (a stage that may not fire). */
        boolean tentative;
        /** A thread body's binding, until the body ends (for ThreadHooks: the live count, the first read). */
        ClassLoader binding;
        /**
         * The exception last counted as thrown into shell code during this run (weakly: a thread's body is a run
         * for the thread's life, and the exception's class must not pin its generation).
         */
        WeakReference<Throwable> crossed;
        /** The run's own generation's code threw into shell code during the run. */
        boolean threw;
        /** The run times a request (a request method that binds for the call, or one run inside the task). */
        boolean timesRequest;
        /** When that request began ({@link System#nanoTime()}). */
        long requestStart;
        /** The request's response status, once sent; 0 until then. */
        int requestStatus;
    }

    /**
     * A thread's runs, innermost on top; frames are kept for reuse. Also what makes a run cheap to count
     * once the thread has run a few ({@link #WARM_RUNS}): the thread's own count cells of the generations it
     * runs, and the countdown to its next timed run.
     */
    static final class Stack {
        Frame[] frames = new Frame[4];
        int depth;
        /** Runs begun on this thread, up to WARM_RUNS: a cold thread times every run and counts in the shared counters. */
        int runs;
        /** Runs left until the next timed one, and how many runs that one will stand for. */
        int untilTimed = 1;
        int gap = 1;
        /** A xorshift state: the gaps between timed runs vary, so no periodic workload is sampled in step. */
        int seed = (int) System.nanoTime() | 1;
        /** This thread's cells, by generation (parallel arrays, the most recently added last). */
        TaskOutcomes[] cellOwners = NO_OWNERS;
        TaskOutcomes.Cell[] cells = NO_CELLS;
        TaskOutcomes lastOwner;
        TaskOutcomes.Cell lastCell;
        /** As {@link Frame#crossed}, for a thread that runs no task. */
        WeakReference<Throwable> crossedUnbound;

        /** The cell of {@code outcomes} for this thread, or null while the thread is cold. */
        TaskOutcomes.Cell cellOf(TaskOutcomes outcomes) {
            if (outcomes == lastOwner) {
                return lastCell;
            }
            return runs < WARM_RUNS ? null : findCell(outcomes);
        }

        private TaskOutcomes.Cell findCell(TaskOutcomes outcomes) {
            TaskOutcomes.Cell cell = null;
            for (int i = 0; i < cellOwners.length && cell == null; i++) {
                if (cellOwners[i] == outcomes) {
                    cell = cells[i];
                }
            }
            if (cell == null) {
                cell = addCell(outcomes);
                if (cell == null) {
                    return null;
                }
            }
            lastOwner = outcomes;
            lastCell = cell;
            return cell;
        }

        /**
         * A cell for a generation this thread had none of. Beyond MAX_CELLS the oldest that no run in progress
         * counts in is folded back into its shared counters (a generation this thread no longer runs); if every
         * one is in use, none: the run counts in the shared counters.
         */
        private TaskOutcomes.Cell addCell(TaskOutcomes outcomes) {
            int n = cellOwners.length;
            if (n == MAX_CELLS) {
                int free = 0;
                while (free < n && inUse(cells[free])) {
                    free++;
                }
                if (free == n) {
                    return null;
                }
                cellOwners[free].fold(cells[free]);
                System.arraycopy(cellOwners, free + 1, cellOwners, free, n - 1 - free);
                System.arraycopy(cells, free + 1, cells, free, n - 1 - free);
            } else {
                cellOwners = java.util.Arrays.copyOf(cellOwners, n + 1);
                cells = java.util.Arrays.copyOf(cells, n + 1);
            }
            TaskOutcomes.Cell cell = outcomes.newCell();
            cellOwners[cellOwners.length - 1] = outcomes;
            cells[cells.length - 1] = cell;
            return cell;
        }

        private boolean inUse(TaskOutcomes.Cell cell) {
            for (int i = 0; i < depth; i++) {
                if (frames[i].cell == cell) {
                    return true;
                }
            }
            return false;
        }

        /** How many runs this run stands for if it is timed, or 0; counts the run. */
        int nextWeight() {
            if (runs < WARM_RUNS) {
                runs++;
                return 1;
            }
            if (--untilTimed > 0) {
                return 0;
            }
            int weight = gap;
            int x = seed;
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            seed = x;
            gap = 1 + ((x >>> 1) % (2 * TIMED_EVERY - 1)); // uniform in [1, 2 * TIMED_EVERY - 1]: mean TIMED_EVERY
            untilTimed = gap;
            return weight;
        }
    }

    /** Runs a thread begins before it counts in cells of its own and times only a sample. */
    static final int WARM_RUNS = 32;
    /** A warm thread times one run in this many, on average. */
    static final int TIMED_EVERY = 64;
    /** Cells a thread keeps (generations it runs tasks of at once); more than the live generations ever are. */
    static final int MAX_CELLS = 8;

    private static final TaskOutcomes[] NO_OWNERS = new TaskOutcomes[0];
    private static final TaskOutcomes.Cell[] NO_CELLS = new TaskOutcomes.Cell[0];

    private TaskRuns() {
    }

    /**
     * A run bound to {@code binding} begins on the thread whose runs are {@code stack}. Not counted for a binding
     * that is no generation. A {@code tentative} run is a run only if {@link #end} says so: a CompletableFuture
     * stage, which may find its other source not yet done, or hand itself to its executor. It is not among the
     * running ones meanwhile.
     */
    static void begin(Stack stack, ClassLoader binding, boolean tentative) {
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
            frame.cell = stack.cellOf(outcomes);
            if (!tentative) {
                started(frame);
            }
            int weight = stack.nextWeight();
            frame.weight = weight;
            if (weight != 0) {
                frame.start = System.nanoTime();
            }
        }
    }

    /**
     * The innermost run of {@code stack}'s thread ends: counted as completed, or failed if a failure was recorded;
     * a tentative run is counted (started and ended) only if {@code wasRun}.
     */
    static void end(Stack stack, boolean wasRun) {
        if (stack.depth == 0) {
            return; // not begun here (cannot happen while every begin has its end)
        }
        Frame frame = stack.frames[--stack.depth];
        if (frame.tentative) {
            frame.tentative = false;
            if (!wasRun || frame.outcomes == null) {
                frame.outcomes = null;
                frame.cell = null;
                frame.failure = null;
                frame.crossed = null;
                frame.threw = false;
                frame.timesRequest = false;
                frame.requestStatus = 0;
                return;
            }
            started(frame);
        }
        count(frame);
    }

    /** The innermost run on this thread failed with {@code failure}, unless it already had a failure. */
    static void failed(Throwable failure) {
        failed(stack(), failure);
    }

    /** As {@link #failed(Throwable)}, on the thread whose runs are {@code stack}. */
    static void failed(Stack stack, Throwable failure) {
        if (stack.depth > 0) {
            record(stack.frames[stack.depth - 1], failure);
        }
    }

    /**
     * {@code thrown}, thrown by the code of the generation that counts in {@code outcomes}, crosses into shell
     * code: true the first time this run (or, on a thread that runs no task, this thread) meets that
     * exception object since it last met another, false as the same exception unwinds through further sites.
     * A run of that same generation is marked as one its own code threw in.
     */
    static boolean crossed(TaskOutcomes outcomes, Throwable thrown) {
        Stack stack = stack();
        if (stack.depth == 0) {
            if (stack.crossedUnbound != null && stack.crossedUnbound.get() == thrown) {
                return false;
            }
            stack.crossedUnbound = new WeakReference<>(thrown);
            return true;
        }
        Frame frame = stack.frames[stack.depth - 1];
        if (frame.crossed != null && frame.crossed.get() == thrown) {
            return false;
        }
        frame.crossed = new WeakReference<>(thrown);
        if (frame.outcomes == outcomes) {
            frame.threw = true;
        }
        return true;
    }

    /**
     * A request begins in the innermost run on this thread (DESIGN §2.12): that run times it, unless it times one
     * already or counts for no generation. Returns whether it does; then {@link #requestEnds} ends it.
     */
    static boolean requestBegins() {
        Stack stack = stack();
        if (stack.depth == 0) {
            return false;
        }
        Frame frame = stack.frames[stack.depth - 1];
        if (frame.timesRequest || frame.outcomes == null) {
            return false;
        }
        frame.timesRequest = true;
        frame.requestStart = System.nanoTime();
        return true;
    }

    /**
     * The request the innermost run times was answered with {@code status} (its first answer counts). Returns
     * false if that run times none: the caller counts the status itself.
     */
    static boolean responded(int status) {
        Stack stack = stack();
        if (stack.depth == 0) {
            return false;
        }
        Frame frame = stack.frames[stack.depth - 1];
        if (!frame.timesRequest) {
            return false;
        }
        if (frame.requestStatus == 0) {
            frame.requestStatus = status;
        }
        return true;
    }

    /** The request the innermost run times ends: counted, with its latency, if it was answered. */
    static void requestEnds() {
        Stack stack = stack();
        if (stack.depth == 0) {
            return;
        }
        Frame frame = stack.frames[stack.depth - 1];
        if (!frame.timesRequest) {
            return;
        }
        int status = frame.requestStatus;
        frame.timesRequest = false;
        frame.requestStatus = 0;
        if (status > 0 && frame.outcomes != null) {
            frame.outcomes.answered(status, System.nanoTime() - frame.requestStart);
        }
    }

    /**
     * A thread's body, bound to {@code binding}, is a run that begins now, on the starting thread, whose runs are
     * {@code starter}: the start is counted in the starter's cell, and the starter's sample decides whether the body
     * is timed. A thread per task (a virtual thread) is cold for its whole life: timed by its own count, every body
     * would be, two clock reads and four shared counters more per thread.
     */
    static Frame threadStarted(ClassLoader binding, Stack starter) {
        Frame body = new Frame();
        body.binding = binding;
        if (binding instanceof GenerationLoader) {
            TaskOutcomes outcomes = ((GenerationLoader) binding).outcomes();
            body.outcomes = outcomes;
            // in the starter's cell; its end counts in the shared counters (the frame has no cell): only sums matter
            started(outcomes, starter.cellOf(outcomes));
            int weight = starter.nextWeight();
            body.weight = weight;
            if (weight != 0) {
                body.start = System.nanoTime();
            }
        }
        return body;
    }

    /** A body that never read its binding is over (on its own thread, or its thread was collected). */
    static void threadEnded(Frame body) {
        body.binding = null;
        count(body);
    }

    /** The body of the thread whose runs are {@code stack}, which read its binding, is over: the bottom of its stack. */
    static void threadEnded(Stack stack) {
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

    private static Stack stack() {
        return ThreadState.current().runs;
    }

    private static void record(Frame frame, Throwable failure) {
        if (frame.failure == null) {
            frame.failure = failure == null ? "null" : failure.getClass().getName();
        }
    }

    private static void started(Frame frame) {
        started(frame.outcomes, frame.cell);
    }

    /** A run of {@code outcomes} starts: in the thread's {@code cell}, or in the shared counters without one. */
    private static void started(TaskOutcomes outcomes, TaskOutcomes.Cell cell) {
        if (cell != null) {
            cell.started();
        } else {
            outcomes.started();
        }
    }

    /** Counts the run's end: ended first, then its failure (a reader reads them in that order), then its time. */
    private static void count(Frame frame) {
        TaskOutcomes outcomes = frame.outcomes;
        TaskOutcomes.Cell cell = frame.cell;
        String failure = frame.failure;
        boolean threw = frame.threw;
        frame.outcomes = null;
        frame.cell = null;
        frame.failure = null;
        frame.crossed = null;
        frame.threw = false;
        frame.timesRequest = false;
        frame.requestStatus = 0;
        if (outcomes == null) {
            return;
        }
        if (cell != null) {
            cell.ended();
        } else {
            outcomes.ended();
        }
        if (failure != null) {
            outcomes.failed(failure);
        }
        if (threw) {
            outcomes.threwIn();
        }
        if (frame.weight != 0) {
            outcomes.timed(System.nanoTime() - frame.start, frame.weight);
        }
    }
}
