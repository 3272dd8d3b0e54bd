package io.modulets.bootstrap;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The per-thread cells of one counter ({@link TaskOutcomes}' runs, {@link LiveCount}'s tasks): each thread counts in
 * a cell of its own, no shared line written per count, and a reader sums the cells with what was folded back. A
 * cell is folded back (its counts handed to {@code fold}) when its thread stops using it, or once its thread is
 * gone, swept as new cells come. Not thread-safe: the counter guards it with its own lock, the one its reader takes.
 */
final class ThreadCells<C extends ThreadCells.Cell> implements Iterable<C> {
    /** A cell that only its owner thread writes; once that thread is gone, its counts are final. */
    abstract static class Cell {
        private final WeakReference<Thread> owner = new WeakReference<>(Thread.currentThread());

        final boolean ownerGone() {
            Thread thread = owner.get();
            return thread == null || !thread.isAlive(); // isAlive() false: the thread's writes are visible
        }
    }

    private final List<C> cells = new ArrayList<>();
    /** The number of cells after the last sweep of those whose thread is gone. */
    private int swept;
    private final Consumer<C> fold;

    /** @param fold adds a cell's counts to the counter's folded ones, as the cell leaves */
    ThreadCells(Consumer<C> fold) {
        this.fold = fold;
    }

    /** Registers a new cell of the calling thread, its owner; sweeps first once the cells doubled since the last. */
    C add(C cell) {
        if (cells.size() >= 2 * swept + 8) {
            cells.removeIf(each -> {
                boolean gone = each.ownerGone();
                if (gone) {
                    fold.accept(each);
                }
                return gone;
            });
            swept = cells.size();
        }
        cells.add(cell);
        return cell;
    }

    /** The owner of {@code cell} no longer counts in it: its counts are folded back. */
    void fold(C cell) {
        if (cells.remove(cell)) {
            fold.accept(cell);
        }
    }

    @Override
    public Iterator<C> iterator() {
        return cells.iterator();
    }
}
