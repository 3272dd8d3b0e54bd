package io.modulets.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The submissions of tasks that have no field of their own (a lambda, any Runnable given to
 * {@code execute}, a TimerTask, and on a JDK that loaded them early the JDK's own task classes), each
 * with what it captured. One entry per submission: a weak reference to the task, compared by identity,
 * that holds the capture. The same instance submitted twice has two entries.
 *
 * <p>Why not a {@code ConcurrentHashMap} of weak keys (what this replaced): per task it cost a key
 * object, a map node, a look-up key, a bin lock on removal and two look-ups to take an entry out, about
 * 40 of the 68 ns the map path added per task (measured, docs/JVM-NOTES.md). Here a task costs one entry
 * object, the identity hash, and a few compare-and-sets: an open-addressing table whose slots are
 * claimed and reused with compare-and-set, never emptied, and rebuilt (only the live entries copied)
 * when half its slots have been used.
 *
 * <p>An entry is live while it holds a capture. Taking the capture out (a compare-and-set to null) is
 * what makes an entry dead, once and for good, so each capture is taken out exactly once; a later
 * submission reuses the dead entry's slot. A dead entry left in its slot costs nothing on the way: when
 * its task is collected the entry is enqueued like any other, and the reclaimer thread
 * ({@link #awaitCollected}) puts {@link #TOMBSTONE} in its slot, so a burst of tasks leaves nothing
 * behind once they are collected; the collector meets at most one such entry per slot. (Freeing the
 * slot at once cost a compare-and-set per task, 4–6 ns; {@code Reference.clear} is a native call on
 * JDK 17, intrinsic only from 23.) A task dropped without running is collected the same way, and the
 * reclaimer hands its capture to the listener.
 */
final class TaskTable {
    /** One submission of a task and what it captured; dead once {@link #captured} is null. */
    private static final class Entry extends WeakReference<Object> {
        final int hash;
        volatile Object captured;

        Entry(Object task, int hash, Object captured, ReferenceQueue<Object> queue) {
            super(task, queue);
            this.hash = hash;
            // A plain write: the compare-and-set that puts the entry in its slot publishes it. A volatile write
            // here cost a full fence per submission (the Reference constructor's own volatile write is one more).
            CAPTURED.set(this, captured);
        }
    }

    /** An array of slots: null (never used), an {@link Entry}, or {@link #TOMBSTONE} (its task was collected). */
    private static final class Table {
        final Object[] slots;
        /**
         * Slots claimed from null, counted without atomics (a lost count under contention only delays a
         * rebuild; an insert that finds no room rebuilds anyway); a rebuild starts past half the slots.
         */
        int used;
        /** The table this one is being copied into; set before the copy reads the first slot. */
        volatile Table next;

        Table(int capacity) {
            slots = new Object[capacity];
        }
    }

    private static final Object TOMBSTONE = new Object();
    private static final int MIN_CAPACITY = 256;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle CAPTURED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CAPTURED = lookup.findVarHandle(Entry.class, "captured", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    /** Told the capture of each task that was collected while it still held one. */
    private final Consumer<Object> onCollected;
    private volatile Table table = new Table(MIN_CAPACITY);

    TaskTable(Consumer<Object> onCollected) {
        this.onCollected = onCollected;
    }

    /** Records one submission of {@code task} with what it captured (not null). */
    void add(Object task, Object captured) {
        expunge();
        Entry entry = new Entry(task, hash(task), captured, collected);
        for (Table t = table; ; ) {
            int result = insert(t, entry);
            if (result == FULL) {
                t = rebuild(t);
                continue;
            }
            if (result == DONE_HALF_FULL) {
                rebuild(t);
            }
            // A rebuild that started before this insert may have missed it: put it in the newer table too
            // (the same entry twice is harmless, its capture is taken out once).
            Table next = t.next;
            if (next == null || entry.captured == null) {
                return;
            }
            t = next;
        }
    }

    private static final int DONE = 0;
    private static final int DONE_HALF_FULL = 1;
    private static final int FULL = 2;

    /**
     * Puts {@code entry} in a free slot of {@code t}, or claims a null one while fewer than three
     * quarters of the slots are used.
     */
    private static int insert(Table t, Entry entry) {
        Object[] slots = t.slots;
        int mask = slots.length - 1;
        int limit = slots.length - slots.length / 4;
        for (int i = entry.hash & mask, probes = 0; probes < slots.length; probes++, i = (i + 1) & mask) {
            Object present = SLOT.getAcquire(slots, i);
            if (present == null) {
                if (t.used >= limit) {
                    return FULL;
                }
                if (SLOT.compareAndSet(slots, i, null, entry)) {
                    return ++t.used > slots.length / 2 ? DONE_HALF_FULL : DONE;
                }
                present = SLOT.getAcquire(slots, i);
            }
            if (isFree(present) && SLOT.compareAndSet(slots, i, present, entry)) {
                return DONE;
            }
        }
        return FULL;
    }

    /** A slot a submission may take over: a taken entry (its tombstone, or the entry itself). */
    private static boolean isFree(Object present) {
        return present == TOMBSTONE || present instanceof Entry && ((Entry) present).captured == null;
    }

    /**
     * Takes one capture of {@code task} for a run: a one-shot capture is taken out (the caller releases
     * it after the run); a capture of class {@code kept} (a periodic task's) is left in place for the
     * next run and returned as it is. Null when the task has none.
     */
    Object take(Object task, Class<?> kept) {
        return takeOne(task, kept);
    }

    /** Takes out one capture of {@code task}, whatever it is; null when it has none. */
    Object takeAny(Object task) {
        return takeOne(task, null);
    }

    /** Takes out every capture of {@code task} and passes each to {@code action}. */
    void takeAll(Object task, Consumer<Object> action) {
        for (Object captured; (captured = takeAny(task)) != null; ) {
            action.accept(captured);
        }
    }

    /**
     * Finds a live entry of {@code task} (in the current table, or in the one it is being copied into)
     * and takes its capture out, unless it is a {@code kept} one.
     */
    private Object takeOne(Object task, Class<?> kept) {
        int hash = hash(task);
        retry:
        for (;;) {
            for (Table t = table; t != null; t = t.next) {
                Object[] slots = t.slots;
                int mask = slots.length - 1;
                for (int i = hash & mask, probes = 0; probes < slots.length; probes++, i = (i + 1) & mask) {
                    Object present = SLOT.getAcquire(slots, i);
                    if (present == null) {
                        break;
                    }
                    if (present == TOMBSTONE) {
                        continue;
                    }
                    Entry entry = (Entry) present;
                    Object captured = entry.captured;
                    if (entry.hash != hash || captured == null || entry.get() != task) {
                        continue;
                    }
                    if (kept != null && kept.isInstance(captured)) {
                        return captured;
                    }
                    if (!CAPTURED.compareAndSet(entry, captured, null)) {
                        continue retry; // taken or changed meanwhile: look again
                    }
                    return captured;
                }
            }
            return null;
        }
    }

    /**
     * Copies the live entries of {@code old} into a new table sized for them, and returns the table
     * submissions go to now. The old table is not changed, so a look-up that scans it and then the
     * tables after it always finds an entry. Its slots are read after {@link Table#next} is set, and a
     * submission reads {@code next} after it claimed its slot: one of the two sees the other (both are
     * volatile), so the entry is copied, or the submission puts it in the new table itself.
     */
    private Table rebuild(Table old) {
        synchronized (this) {
            if (old.next == null) {
                int live = 0;
                for (Object present : old.slots) {
                    if (present instanceof Entry && ((Entry) present).captured != null) {
                        live++;
                    }
                }
                table = grow(old, capacityFor(live));
            }
            return table;
        }
    }

    /**
     * Four to eight slots per live entry: the copies use at most a quarter, the next rebuild comes after
     * another quarter has been claimed. Like a {@code ConcurrentHashMap}, the table keeps the size of its
     * largest burst until it next fills up.
     */
    private static int capacityFor(int live) {
        return Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, live) * 4 - 1) << 1);
    }

    /** Under the lock: links {@code t} to a new table, copies its live entries there; returns where they ended. */
    private static Table grow(Table t, int capacity) {
        Table target = new Table(capacity);
        t.next = target;
        Object[] slots = t.slots;
        for (int i = 0; i < slots.length; i++) {
            Object present = SLOT.getVolatile(slots, i);
            if (present instanceof Entry && ((Entry) present).captured != null) {
                target = copy(target, (Entry) present);
            }
        }
        return target;
    }

    /**
     * Puts a live entry into {@code t}, past the three-quarter limit of submissions if need be; if
     * submissions filled {@code t} during the copy, {@code t} grows into a bigger table first, the same
     * way. Returns the table the entry ended in.
     */
    private static Table copy(Table t, Entry entry) {
        Object[] slots = t.slots;
        int mask = slots.length - 1;
        int i = entry.hash & mask;
        for (int probes = 0; probes < slots.length; probes++, i = (i + 1) & mask) {
            Object present = SLOT.getAcquire(slots, i);
            if (present == null && SLOT.compareAndSet(slots, i, null, entry)) {
                t.used++;
                return t;
            }
            if (present != null && isFree(present) && SLOT.compareAndSet(slots, i, present, entry)) {
                return t;
            }
        }
        return copy(grow(t, slots.length * 2), entry);
    }

    /** Waits for the next collected task and hands over what it still held (for a daemon thread). */
    void awaitCollected() throws InterruptedException {
        reclaim(collected.remove());
        expunge();
    }

    private void expunge() {
        for (Object stale; (stale = collected.poll()) != null; ) {
            reclaim(stale);
        }
    }

    /** A collected task's entry: hands over what it still held, and frees its slot (or slots). */
    private void reclaim(Object stale) {
        Entry entry = (Entry) stale;
        Object captured = CAPTURED.getAndSet(entry, null);
        if (captured != null) {
            onCollected.accept(captured);
        }
        for (Table t = table; t != null; t = t.next) {
            Object[] slots = t.slots;
            int mask = slots.length - 1;
            for (int i = entry.hash & mask, probes = 0; probes < slots.length; probes++, i = (i + 1) & mask) {
                Object present = SLOT.getAcquire(slots, i);
                if (present == null) {
                    break;
                }
                if (present == entry) {
                    SLOT.compareAndSet(slots, i, entry, TOMBSTONE); // fails if reused meanwhile: fine
                }
            }
        }
    }

    /** Calls {@code action} with each pending task and its capture (a snapshot of no particular order), for diagnostics. */
    void forEach(BiConsumer<Object, Object> action) {
        Set<Entry> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Table t = table; t != null; t = t.next) {
            for (Object present : t.slots) {
                if (present instanceof Entry && seen.add((Entry) present)) {
                    Entry entry = (Entry) present;
                    Object task = entry.get();
                    Object captured = entry.captured;
                    if (task != null && captured != null) {
                        action.accept(task, captured);
                    }
                }
            }
        }
    }

    /** The entries the current table still refers to, live or dead (what a burst of tasks left behind). */
    int entriesHeld() {
        int held = 0;
        for (Object present : table.slots) {
            if (present instanceof Entry) {
                held++;
            }
        }
        return held;
    }

    /** The number of pending submissions, after handing over those of collected tasks. */
    int size() {
        expunge();
        int[] count = {0};
        forEach((task, captured) -> count[0]++);
        return count[0];
    }

    /** The identity hash, spread so that neighbouring hashes do not share a probe run. */
    private static int hash(Object task) {
        int h = System.identityHashCode(task);
        return h ^ (h >>> 16);
    }
}
