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

    /** The slot of {@code task}, or null when it has none (the table holds its capture). */
    static VarHandle of(Object task) {
        if (task instanceof FutureTask) {
            return FUTURE_TASK;
        }
        if (task instanceof ForkJoinTask) {
            return FORK_JOIN_TASK;
        }
        return null;
    }
}
