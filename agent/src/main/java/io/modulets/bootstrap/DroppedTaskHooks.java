package io.modulets.bootstrap;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Tasks that will never run, or not again (DESIGN §2.7): rejected, removed, drained, dropped by
 * DiscardOldestPolicy, cancelled, or a periodic FutureTask that failed. Each stops counting for its
 * generation at once, exactly once ({@link PendingTasks}). Hooks of the capture rules of the pools,
 * fork/join, FutureTask and Timer.
 */
public final class DroppedTaskHooks {
    private DroppedTaskHooks() {
    }

    /** {@code ThreadPoolExecutor.reject}: the handler decides; CallerRunsPolicy runs the task on its own binding. */
    public static void onRejected(RejectedExecutionHandler handler, Runnable task, ThreadPoolExecutor executor) {
        ThreadState state = ThreadState.current();
        Object captured = PendingTasks.take(task, state);
        if (captured instanceof PendingTasks.Periodic) {
            PendingTasks.removeAll(task);
            captured = ((PendingTasks.Periodic) captured).binding;
            PendingTasks.count(captured);
        }
        ClassLoader binding = (ClassLoader) captured;
        if (binding == null) {
            handler.rejectedExecution(task, executor);
            return;
        }
        // Only CallerRunsPolicy runs the task: another handler's exception is the submitter's, not a task's.
        Scope scope = handler instanceof ThreadPoolExecutor.CallerRunsPolicy ? Scope.run(binding, state)
                : Scope.bind(binding, state);
        try {
            handler.rejectedExecution(task, executor);
        } catch (Throwable failure) {
            scope.failed(failure);
            throw failure;
        } finally {
            scope.close();
            PendingTasks.release(binding, scope.state());
        }
    }

    /** {@code DiscardOldestPolicy}: the task it takes from the queue head will never run. */
    public static Object pollDropped(BlockingQueue<?> queue) {
        Object dropped = queue.poll();
        if (dropped != null) {
            PendingTasks.removeOne(dropped);
        }
        return dropped;
    }

    /** {@code ThreadPoolExecutor.remove(task)} returned {@code removed}. */
    public static void onRemoved(boolean removed, Object task) {
        if (removed) {
            PendingTasks.removeOne(task);
        }
    }

    /** {@code shutdownNow()} returns the tasks that will never run. */
    public static void onDrained(List<?> tasks) {
        if (tasks != null) {
            for (Object task : tasks) {
                PendingTasks.removeOne(task);
            }
        }
    }

    /** {@code cancel} returned {@code cancelled} (FutureTask's completion, ForkJoinTask, TimerTask). */
    public static void onCancelled(boolean cancelled, Object task) {
        if (cancelled) {
            PendingTasks.removeAll(task);
        }
    }

    /**
     * A server's task object lets its task go ({@code done}: Netty's {@code PromiseTask}, when it is cancelled, fails
     * or completes): a wrapper of the agent's there (a periodic task's, {@link ExecutorHooks#wrapScheduledPeriodic};
     * a request's child given to {@code schedule}, a {@code Runnable} or a {@code Callable}) will not run again, and
     * stops counting now rather than when it is collected.
     */
    public static void onTaskCleared(boolean done, Object task) {
        if (done && (task instanceof BoundTask || task instanceof BoundCallable)) {
            PendingTasks.removeAll(task);
        }
    }

    /**
     * {@code ForkJoinTask.trySetCancelled()}, which returns the status before: not yet done means this call
     * cancelled the task, so it will never run. 25's delayed tasks are cancelled this way without {@code
     * cancel} (their pool's shutdown, a failed hand-over to the pool).
     */
    public static void onTrySetCancelled(int previousStatus, Object task) {
        if (previousStatus >= 0) {
            PendingTasks.removeAll(task);
        }
    }

    /**
     * {@code FutureTask.setException}: it will not run again; a periodic capture ends. The run it
     * happens in (the task's own) failed with {@code failure}.
     */
    public static void onFutureDone(Object task, Throwable failure) {
        PendingTasks.removeAll(task);
        TaskRuns.failed(failure);
    }
}
