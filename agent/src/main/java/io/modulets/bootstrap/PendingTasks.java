package io.modulets.bootstrap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * Tasks submitted and not yet run, each with what it captured (DESIGN §2.1), and the live-task count
 * of their generations (§2.7). The entry is kept beside the task, in a weak identity table
 * ({@link TaskTable}), instead of wrapping it, so that {@code remove}, priority queues and {@code afterExecute} still see the
 * application's own object.
 *
 * <p>Counting rule: a binding is counted ({@code taskCaptured}) when its entry is added, and released
 * ({@code taskReleased}) by whoever takes the entry out: the run that consumes it (after the run), a
 * removal, a cancellation, a drained queue, or the collection of a task dropped without running.
 * Taking an entry out is atomic, so each capture is released exactly once.
 *
 * <p>The JDK's own task classes keep it in a field of the task instead ({@link Slots}), where the agent
 * could add one; so do the lambdas and the application's task classes given to {@code ThreadPoolExecutor.execute}
 * ({@link #addHeld}). A task in a field is not collected on the way: when it is dropped without running in a way no
 * hook sees (the application empties the pool's queue itself, {@code getQueue().clear()}), its generation keeps
 * counting it (docs/USER-GUIDE.md, capture).
 *
 * <p>A value is a binding (a one-shot task) or a {@link Periodic}. The same task instance submitted
 * again before it ran keeps each submission's binding: the table holds one entry per submission, a
 * JDK task's field an {@link Again}, an application task's field a {@link Held} queue.
 */
final class PendingTasks {
    /** A periodic task's capture, kept across its runs. A root one (binding null) binds afresh at each run. */
    static final class Periodic {
        final ClassLoader binding;

        Periodic(ClassLoader binding) {
            this.binding = binding;
        }
    }

    /** Several pending submissions of one task instance. */
    static final class Again {
        final Object first;
        final Object rest;

        Again(Object first, Object rest) {
            this.first = first;
            this.rest = rest;
        }
    }

    private static final TaskTable TASKS = new TaskTable(new Consumer<Object>() {
        @Override
        public void accept(Object task) {
            release(task); // a class, not a method reference: made in premain (see NoHook)
        }
    });

    private PendingTasks() {
    }

    /** Records a submission of {@code task} with what it captured, and counts it. */
    static void add(Object task, Object captured) {
        add(task, captured, ThreadState.current());
    }

    /** As {@link #add(Object, Object)}, on the thread whose state the caller has read already. */
    static void add(Object task, Object captured, ThreadState state) {
        count(captured, state);
        if (!Slots.has(task)) {
            TASKS.add(task, captured);
            return;
        }
        for (;;) {
            Object present = Slots.getVolatile(task);
            if (Slots.compareAndSet(task, present, present == null ? captured : new Again(captured, present))) {
                return;
            }
        }
    }

    /**
     * Records a submission to {@code ThreadPoolExecutor.execute}, whose every way to drop a queued task is hooked
     * (rejected, removed, returned by {@code shutdownNow}, dropped by {@code DiscardOldestPolicy}): in the task's own
     * field when its class took one ({@link TaskClassFiles}: a lambda, an application's task class), with no allocation
     * and no identity hash; else as {@link #add(Object, Object, ThreadState)}.
     */
    static void addHeld(Object task, Object captured, ThreadState state) {
        if (!Slots.has(task)) {
            long field = TaskFields.offset(task, state);
            if (field != TaskFields.NONE) {
                count(captured, state);
                for (;;) {
                    Object present = TaskFields.get(task, field);
                    if (present instanceof Held) {
                        ((Held) present).offer(captured);
                        return;
                    }
                    if (TaskFields.compareAndSet(task, field, present,
                            present == null ? captured : new Held(present, captured))) {
                        return;
                    }
                }
            }
        }
        add(task, captured, state);
    }

    /**
     * The pending submissions of one task instance submitted again before it ran (a lambda that captures nothing is
     * one instance), in its own field, oldest first, as the pool's queue holds them. Once in the field it stays there,
     * empty or not: taking it out again could lose a submission added meanwhile.
     */
    static final class Held extends ConcurrentLinkedQueue<Object> {
        private static final long serialVersionUID = 1L;

        Held(Object first, Object second) {
            offer(first);
            offer(second);
        }
    }

    /**
     * Takes one pending submission of {@code task} for a run: its binding (the caller releases it when
     * the run ends), a {@link Periodic} (left in place for the next run, not to be released), or null.
     */
    static Object take(Object task) {
        return Slots.has(task) ? takeFromSlot(task) : takeHeldOrListed(task, TaskFields.offset(task));
    }

    /** As {@link #take(Object)}, on the thread whose state the caller has read already (a pool's run, a rejection). */
    static Object take(Object task, ThreadState state) {
        return Slots.has(task) ? takeFromSlot(task) : takeHeldOrListed(task, TaskFields.offset(task, state));
    }

    /** Takes one submission of a task without a slot: from its own field at {@code field}, else from the table. */
    private static Object takeHeldOrListed(Object task, long field) {
        Object held = takeHeld(task, field);
        return held != null ? held : TASKS.take(task, Periodic.class);
    }

    /** Takes one submission out of {@code task}'s own field at {@code field} ({@link #addHeld}); null if none. */
    private static Object takeHeld(Object task, long field) {
        if (field == TaskFields.NONE) {
            return null;
        }
        for (;;) {
            Object captured = TaskFields.get(task, field);
            if (captured == null || captured instanceof Held) {
                return captured == null ? null : ((Held) captured).poll();
            }
            if (TaskFields.compareAndSet(task, field, captured, null)) {
                return captured;
            }
        }
    }

    private static Object takeFromSlot(Object task) {
        for (;;) {
            Object captured = Slots.getVolatile(task);
            if (captured == null || captured instanceof Periodic) {
                return captured;
            }
            if (captured instanceof Again) {
                if (Slots.compareAndSet(task, captured, ((Again) captured).rest)) {
                    return ((Again) captured).first;
                }
            } else if (Slots.compareAndSet(task, captured, null)) {
                return captured;
            }
        }
    }

    /** One submission of {@code task} was removed from its queue: release it (a periodic one entirely). */
    static void removeOne(Object task) {
        if (Slots.has(task)) {
            Object captured = takeFromSlot(task);
            if (captured instanceof Periodic && !Slots.compareAndSet(task, captured, null)) {
                return; // someone else removed it meanwhile, and released it
            }
            release(captured);
            return;
        }
        Object held = takeHeld(task, TaskFields.offset(task));
        release(held != null ? held : TASKS.takeAny(task));
    }

    /** {@code task} will never run again (cancelled, completed for good): release all its submissions. */
    static void removeAll(Object task) {
        if (Slots.has(task)) {
            release(Slots.getAndSet(task, null));
        } else {
            long field = TaskFields.offset(task);
            for (Object held; (held = takeHeld(task, field)) != null; ) {
                release(held);
            }
            TASKS.takeAll(task, PendingTasks::release);
        }
    }

    /** Releases whatever {@code task} still holds, cheaply when it holds nothing in its own field. */
    static void releaseIfPending(Object task) {
        if (!Slots.has(task) || Slots.getVolatile(task) != null) {
            removeAll(task);
        }
    }

    /** Blocks until a task dropped without running is collected, and releases it. */
    static void reclaimCollected() throws InterruptedException {
        TASKS.awaitCollected();
    }

    /** One line per pending task: its class and what it captured, for diagnostics. */
    static String describe() {
        StringBuilder out = new StringBuilder();
        TASKS.forEach((task, captured) -> out.append(task.getClass().getName()).append('=').append(captured)
                .append("; "));
        return out.toString();
    }

    /** The thread pools made since premain, weakly: their queues hold tasks that keep their capture in a field. */
    private static final WeakIdentityMap<Boolean> POOLS = new WeakIdentityMap<>();

    static void poolMade(Object pool) {
        POOLS.put(pool, Boolean.TRUE);
    }

    /**
     * The queued tasks that captured {@code generation}, counted by class (a lambda's without its address; a wrapped
     * task's own, a FutureTask's inner task's), for the drain warning and the pin report: those in the table, and
     * those in the queues of the thread pools made since premain that keep their capture in a field of their own.
     * Fork/join tasks and CompletableFuture stages are not found.
     */
    static Map<String, Integer> queuedByClass(ClassLoader generation) {
        Map<String, Integer> counts = new TreeMap<>();
        TASKS.forEach((task, captured) -> {
            if (bindingOf(captured) == generation) {
                countClass(counts, task instanceof BoundTask ? ((BoundTask) task).task() : task);
            }
        });
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        POOLS.forEach((pool, made) -> {
            Collection<?> queue;
            try {
                queue = ((ThreadPoolExecutor) pool).getQueue();
            } catch (RuntimeException overridden) {
                return; // a subclass's own getQueue: the report goes on without that pool
            }
            for (Object task : queue) {
                if (!seen.add(task)) {
                    continue; // queued again: its field holds every submission
                }
                boolean slot = Slots.has(task);
                long field = slot ? TaskFields.NONE : TaskFields.offset(task);
                Object held = slot ? Slots.getVolatile(task)
                        : field != TaskFields.NONE ? TaskFields.get(task, field) : null;
                for (Object captured : submissions(held)) {
                    if (bindingOf(captured) == generation) {
                        countClass(counts, Bindings.innermost(task));
                    }
                }
            }
        });
        return counts;
    }

    /** What one field holds, one entry per submission. */
    private static List<Object> submissions(Object held) {
        List<Object> all = new ArrayList<>();
        for (Object rest = held; rest != null; ) {
            if (rest instanceof Again) {
                all.add(((Again) rest).first);
                rest = ((Again) rest).rest;
            } else {
                if (rest instanceof Held) {
                    all.addAll((Held) rest);
                } else {
                    all.add(rest);
                }
                rest = null;
            }
        }
        return all;
    }

    private static Object bindingOf(Object captured) {
        return captured instanceof Periodic ? ((Periodic) captured).binding : captured;
    }

    private static void countClass(Map<String, Integer> counts, Object shown) {
        String name = shown.getClass().getName();
        int hidden = name.indexOf('/');
        counts.merge(hidden < 0 ? name : name.substring(0, hidden), 1, Integer::sum);
    }

    static int size() {
        return TASKS.size();
    }

    static void count(Object captured) {
        count(captured, ThreadState.current());
    }

    /**
     * Counts {@code captured} in its generation's live tasks, on the thread whose state is {@code state}: a hook that
     * has read the thread's state passes it, so that a capture costs one thread-local read, not two.
     */
    static void count(Object captured, ThreadState state) {
        if (captured instanceof GenerationLoader) {
            ((GenerationLoader) captured).live().captured(state);
        } else if (captured instanceof Periodic) {
            count(((Periodic) captured).binding, state);
        } else if (captured instanceof Again) {
            count(((Again) captured).first, state);
            count(((Again) captured).rest, state);
        }
    }

    static void release(Object captured) {
        release(captured, ThreadState.current());
    }

    /**
     * Releases a thread's body as the thread ends, without reading its state: a thread whose body never read it (a
     * virtual thread per task) would make one, and its thread-local map, only for this count. Such a thread counts in
     * the shared counters anyway ({@link LiveCount}: a cold thread).
     */
    static void releaseAtExit(ClassLoader binding) {
        if (binding instanceof GenerationLoader) {
            ((GenerationLoader) binding).live().releasedShared();
        }
    }

    /** Releases what {@link #count} counted, on the thread whose state is {@code state}. */
    static void release(Object captured, ThreadState state) {
        if (captured instanceof GenerationLoader) {
            ((GenerationLoader) captured).live().released(state);
        } else if (captured instanceof Periodic) {
            release(((Periodic) captured).binding, state);
        } else if (captured instanceof Again) {
            release(((Again) captured).first, state);
            release(((Again) captured).rest, state);
        }
    }
}
