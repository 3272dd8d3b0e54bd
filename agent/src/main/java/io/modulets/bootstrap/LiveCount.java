package io.modulets.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A generation's live tasks (DESIGN §2.7): submitted and not finished. Each thread counts the captures and the
 * releases it makes in a cell of its own ({@link Cell}), two counts that only grow and that no other thread
 * writes: no shared cache line is written per task, where one shared atomic counter moved
 * between the submitter's core and the worker's for every task. A task is usually captured on one thread and
 * released on another, so a single cell may well be negative; only the sum means anything.
 *
 * <p>The sum is exact when it is read, and never reads zero while a task is live. A reader sums every cell's
 * releases first, then every cell's captures, under this object's lock. Each task's release follows its capture
 * (the capture's store happens before the hand-off of the task, the hand-off before the release's store), so a
 * release the reader sees has its capture visible to the reader's later read of the captures: the sum is at
 * least the live count at the moment it finished reading the releases, and never negative. Summing in the other
 * order, or a cell at a time, could count a task's release without its capture, and read zero (or less) while
 * another task is live.
 *
 * <p>A thread's first {@link #WARM_OPS} counts (of any generation) go to two shared atomic counters instead, read
 * with the cells (the shared releases with the releases, first): a thread that runs one task and ends, as a virtual
 * thread does, takes no lock and makes no cell.
 *
 * <p>The retire race ({@code Registry}): a thread counts, then reads whether the generation may retire; the registry
 * writes that it may, then reads this count. Each side must see the other's write, a store then a load on both sides,
 * which takes a full fence on each (on x86 the only reordering there is). The registry's side is rare, once per
 * generation that stops being current, and the threads' side is every task, so the fence is made asymmetric:
 * <ul>
 * <li>While the generation is current or a canary ({@link #steady}), it cannot retire, and a thread counts with a
 * release store to its own cell: no fence, no atomic instruction. It then reads {@code steady} (a volatile read, a
 * plain load on x86) and stops there.</li>
 * <li>When the generation stops being current, the registry clears {@code steady}, then makes every thread pass a
 * safepoint ({@code Safepoints}), then reads the count. A thread in the middle of counting is either before its store
 * (it then reads {@code steady} cleared) or after it: stopping at a safepoint orders everything a thread did before
 * with everything the registry does after, so its count is seen.</li>
 * <li>While it is not steady (draining, retired), every count is followed by a full fence before the thread reads the
 * generation's state and tells the listeners, as both sides of a Dekker race need.</li>
 * </ul>
 * That a safepoint orders each thread's earlier stores with the registry's later loads is how HotSpot stops threads,
 * not a promise of the Java memory model: on another VM, or a runtime without {@code java.management}
 * ({@link #STORES_ORDERED_BY_SAFEPOINTS} false), every count is an atomic add instead.
 *
 * <p>Keeps no reference to the generation's loader: a thread's cells of a generation long gone hold counts only, and
 * the listeners ({@link #onIdle}, {@link #onBusy}) hold the agent's record of the generation, which lets its loader go
 * when it retires.
 */
public final class LiveCount {
    private static final VarHandle CAPTURED;
    private static final VarHandle RELEASED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CAPTURED = lookup.findVarHandle(Cell.class, "captured", long.class);
            RELEASED = lookup.findVarHandle(Cell.class, "released", long.class);
            SHARED_CAPTURED = lookup.findVarHandle(LiveCount.class, "sharedCaptured", long.class);
            SHARED_RELEASED = lookup.findVarHandle(LiveCount.class, "sharedReleased", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One thread's captures and releases of this generation's tasks; written by that thread only. */
    static final class Cell extends ThreadCells.Cell {
        private long captured;
        private long released;
    }

    /**
     * A thread's cells, by count (parallel arrays, most recently added last), kept in its {@link ThreadState}.
     * Beyond {@link #MAX_CELLS} generations the oldest cell is folded back into its count.
     */
    static final class Cells {
        /** Counts this thread made, up to WARM_OPS: until then it counts in the shared counters. */
        private int ops;
        private LiveCount[] owners = NO_OWNERS;
        private Cell[] cells = NO_CELLS;
        private LiveCount lastOwner;
        private Cell lastCell;

        /** The thread's cell of {@code count}, or null while the thread is cold. */
        Cell of(LiveCount count) {
            if (count == lastOwner) {
                return lastCell;
            }
            if (ops < WARM_OPS) {
                ops++;
                return null;
            }
            return find(count);
        }

        private Cell find(LiveCount count) {
            Cell cell = null;
            for (int i = 0; i < owners.length && cell == null; i++) {
                if (owners[i] == count) {
                    cell = cells[i];
                }
            }
            if (cell == null) {
                cell = add(count);
            }
            lastOwner = count;
            lastCell = cell;
            return cell;
        }

        private Cell add(LiveCount count) {
            int n = owners.length;
            if (n == MAX_CELLS) {
                owners[0].fold(cells[0]);
                System.arraycopy(owners, 1, owners, 0, n - 1);
                System.arraycopy(cells, 1, cells, 0, n - 1);
            } else {
                owners = java.util.Arrays.copyOf(owners, n + 1);
                cells = java.util.Arrays.copyOf(cells, n + 1);
            }
            Cell cell = count.newCell();
            owners[owners.length - 1] = count;
            cells[cells.length - 1] = cell;
            return cell;
        }
    }

    private static final LiveCount[] NO_OWNERS = new LiveCount[0];
    private static final Cell[] NO_CELLS = new Cell[0];

    /** Counts a thread makes in the shared counters before it counts in cells of its own. */
    static final int WARM_OPS = 32;
    private static final VarHandle SHARED_CAPTURED;
    private static final VarHandle SHARED_RELEASED;

    /** Cells a thread keeps (generations it captures or releases tasks of); more than are ever live at once. */
    static final int MAX_CELLS = 8;

    /**
     * Whether a safepoint makes every thread's earlier stores visible to the thread that asked for it (HotSpot: a thread
     * stops at one through a state change that fences, or the VM serializes it), and the runtime has the cheap way to
     * ask for one ({@code java.management}'s deadlock search, a safepoint that walks no stack): counts in cells are then
     * release stores, and only a generation leaving {@link #steady} pays, once, for all of them.
     */
    public static final boolean STORES_ORDERED_BY_SAFEPOINTS = hotSpot(System.getProperty("java.vm.name", ""))
            && ModuleLayer.boot().findModule("java.management").isPresent();

    static boolean hotSpot(String vmName) {
        return vmName.contains("HotSpot") || vmName.contains("OpenJDK");
    }

    /**
     * Whether the generation is current or a canary: it cannot retire, and counts need no fence. Cleared by the
     * registry (then a safepoint, {@code Registry.leave}) when it stops being current; set again if it becomes so.
     */
    private volatile boolean steady = true;

    /** The counts of cold threads (atomic). */
    private volatile long sharedCaptured;
    private volatile long sharedReleased;
    /** The counts of cells folded back (their thread ended, or stopped using them). Guarded by this. */
    private long capturedFolded;
    private long releasedFolded;
    /** The threads' cells, folded back into the counts above. Guarded by this. */
    private final ThreadCells<Cell> cells = new ThreadCells<>(new Consumer<Cell>() {
        @Override
        public void accept(Cell cell) {
            addFolded(cell); // a class, not a method reference: generation 1 makes the first in premain (see NoHook)
        }
    });

    /** Told after each release; the registry uses it to retire a draining generation whose count is zero. */
    private volatile Runnable onIdle;
    /** Told after each capture; the registry uses it to take back a retired generation. */
    private volatile Runnable onBusy;

    /**
     * Runs {@code listener} after each release of a task while the generation is not {@link #steady} (on the releasing
     * thread, after its count and a fence): it must be cheap in the common case (a volatile read), and sum the count
     * only then.
     */
    public void onIdle(Runnable listener) {
        this.onIdle = listener;
    }

    /**
     * Runs {@code listener} after each capture of a task while the generation is not {@link #steady} (on the
     * capturing thread, after its count and a fence): it must be cheap in the common case (a volatile read).
     */
    public void onBusy(Runnable listener) {
        this.onBusy = listener;
    }

    /**
     * The generation is current or a canary ({@code true}), or it may retire (draining, retired): see the class
     * comment. Whoever clears it must then make every thread pass a safepoint before reading {@link #sum} for a
     * retirement, when {@link #STORES_ORDERED_BY_SAFEPOINTS}.
     */
    public void steady(boolean steady) {
        this.steady = steady;
    }

    /** A task was captured on the running thread. */
    public void captured() {
        captured(ThreadState.current());
    }

    /** As {@link #captured()}, on the thread whose state the caller has read already (one thread-local read less). */
    void captured(ThreadState state) {
        Cell cell = state.liveCells.of(this);
        if (cell == null) {
            SHARED_CAPTURED.getAndAdd(this, 1L);
        } else if (STORES_ORDERED_BY_SAFEPOINTS) {
            CAPTURED.setRelease(cell, cell.captured + 1L); // the thread's own cell: no other writer
        } else {
            CAPTURED.getAndAdd(cell, 1L);
        }
        if (!steady) {
            changed(onBusy);
        }
    }

    /** A count of a generation that may retire: fenced, then the listener (see the class comment). */
    private static void changed(Runnable listener) {
        VarHandle.fullFence();
        if (listener != null) {
            listener.run();
        }
    }

    /** A task counted by {@link #captured} was released on the running thread (it finished, or will never run). */
    public void released() {
        released(ThreadState.current());
    }

    /** As {@link #released()}, on the thread whose state the caller has read already. */
    void released(ThreadState state) {
        Cell cell = state.liveCells.of(this);
        if (cell == null) {
            SHARED_RELEASED.getAndAdd(this, 1L);
        } else if (STORES_ORDERED_BY_SAFEPOINTS) {
            RELEASED.setRelease(cell, cell.released + 1L); // after the task's capture, wherever it was counted
        } else {
            RELEASED.getAndAdd(cell, 1L);
        }
        if (!steady) {
            changed(onIdle);
        }
    }

    /** As {@link #released()}, in the shared counter: for a thread that is ending, whatever its state. */
    void releasedShared() {
        SHARED_RELEASED.getAndAdd(this, 1L);
        if (!steady) {
            changed(onIdle);
        }
    }

    /** Tasks captured and not released; exact when read, never negative, never zero while one is live. */
    public synchronized long sum() {
        long released = sharedReleased + releasedFolded;
        for (Cell cell : cells) {
            released += (long) RELEASED.getVolatile(cell);
        }
        long captured = sharedCaptured + capturedFolded;
        for (Cell cell : cells) {
            captured += (long) CAPTURED.getVolatile(cell);
        }
        return captured - released;
    }

    private synchronized Cell newCell() {
        return cells.add(new Cell());
    }

    /** The calling thread no longer counts in {@code cell}, its own: its counts move to the folded ones. */
    private synchronized void fold(Cell cell) {
        cells.fold(cell);
    }

    private void addFolded(Cell cell) {
        capturedFolded += (long) CAPTURED.getVolatile(cell);
        releasedFolded += (long) RELEASED.getVolatile(cell);
    }
}
