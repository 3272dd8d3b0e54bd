package io.modulets.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;

/**
 * The capture stored in a field of the task itself, for the JDK's own task classes that the agent
 * saw load (FutureTask: every {@code submit} and scheduled task; ForkJoinTask: fork/join and the
 * CompletableFuture async tasks; and a CompletableFuture stage's registration). No allocation and no identity hash per task,
 * unlike the table of the map path ({@link TaskTable}).
 * A class already loaded before the agent could not take the field: then its handle is null and
 * {@link PendingTasks} keeps its tasks in the table.
 *
 * <p>What a field cannot do is notice that its task was dropped unrun and collected; for these two
 * classes every way to drop a queued task is hooked (cancel, remove, shutdownNow, DiscardOldest).
 */
final class Slots {
    /** The field the capture transformer adds to these classes (private, transient, synthetic). */
    static final String FIELD = "modulets$capture";

    static final VarHandle FUTURE_TASK = find(FutureTask.class);
    static final VarHandle FORK_JOIN_TASK = find(ForkJoinTask.class);

    private Slots() {
    }

    /**
     * {@code CompletableFuture.Completion}'s slot: the binding of the code that registered the stage. Kept by {@link
     * StageHooks}, which only its stages' hooks initialise: finding it initialises {@code Completion} and so {@code
     * ForkJoinTask}, which the first task submitted to a pool or a timer need not (it finds the other two).
     */
    static VarHandle completion() {
        try {
            return find(Class.forName("java.util.concurrent.CompletableFuture$Completion"));
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    static VarHandle find(Class<?> type) {
        if (type == null) {
            return null;
        }
        try {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup()).findVarHandle(type, FIELD, Object.class);
        } catch (ReflectiveOperationException | IllegalArgumentException notAdded) {
            return null;
        }
    }

    /** Whether {@code task} has a slot (else the table holds its capture). */
    static boolean has(Object task) {
        return task instanceof FutureTask ? FUTURE_TASK != null : task instanceof ForkJoinTask && FORK_JOIN_TASK != null;
    }

    // Each operation names the static final handle of the task's class at its own call site, which the JIT inlines
    // to the field access: a handle picked first and used after (one of two, or null) is no constant to it, and
    // each access was then an out-of-line call of the handle's implementation (ForkJoinPool.submit, perf).
    // Call only when has(task).

    static Object getVolatile(Object task) {
        return task instanceof FutureTask ? FUTURE_TASK.getVolatile(task) : FORK_JOIN_TASK.getVolatile(task);
    }

    static boolean compareAndSet(Object task, Object expected, Object value) {
        return task instanceof FutureTask ? FUTURE_TASK.compareAndSet(task, expected, value)
                : FORK_JOIN_TASK.compareAndSet(task, expected, value);
    }

    static Object getAndSet(Object task, Object value) {
        return task instanceof FutureTask ? FUTURE_TASK.getAndSet(task, value) : FORK_JOIN_TASK.getAndSet(task, value);
    }
}
