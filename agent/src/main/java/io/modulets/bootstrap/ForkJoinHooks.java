package io.modulets.bootstrap;

import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.Supplier;

/**
 * Fork/join (DESIGN §2.1): the pool's one submission path, {@code fork()} and, on 25+, its delayed tasks
 * capture ({@link ExecutorHooks#onSubmit}), {@code doExec()} runs a task bound to its capture, and a task run with
 * nothing captured outside any task ({@code invoke()}, a parallel stream's caller) is a root task.
 * Workers are never bound ({@link ThreadHooks}). Hooks of the capture rules {@code ForkJoinRules}.
 */
public final class ForkJoinHooks {
    /**
     * Reads the virtual-thread scheduler (21+), or gives null: what it runs are continuations, the carriers' loop
     * work, never tasks. Read at the first submission to a pool, not in premain (it would make the scheduler,
     * a ForkJoinPool, there).
     */
    public static volatile Supplier<Object> carrierPoolReader = NoHook.instance();
    /** What {@link #carrierPoolReader} gave ({@link #NO_CARRIER_POOL} for null); null until the first submission. */
    private static volatile Object carrierPool;
    private static final Object NO_CARRIER_POOL = new Object();

    private ForkJoinHooks() {
    }

    /** {@code ForkJoinPool}'s one submission path; the virtual-thread scheduler's continuations are no tasks. */
    public static void onPoolSubmit(Object pool, Object task) {
        if (pool != carrierPool()) {
            ExecutorHooks.onSubmit(task);
        }
    }

    private static Object carrierPool() {
        Object pool = carrierPool;
        if (pool == null) {
            Object read = carrierPoolReader.get();
            carrierPool = pool = read == null ? NO_CARRIER_POOL : read;
        }
        return pool;
    }

    /**
     * 25+'s {@code ForkJoinPool.scheduleDelayedTask}: a delayed task is submitted now, like a task of a {@code
     * ScheduledThreadPoolExecutor} (a server's own one-shot timer is never bound); {@code nextDelay} is not 0
     * for a periodic one (§2.1). The virtual-thread scheduler's delayed tasks (a timed park's wake-up) are its
     * own loop work, never tasks.
     */
    public static void onScheduleDelayed(Object pool, Object task, long nextDelay) {
        if (pool == carrierPool()) {
            return;
        }
        if (nextDelay != 0) {
            ExecutorHooks.onPeriodic(task);
        } else {
            ExecutorHooks.onDelayed(task);
        }
    }

    /**
     * Replaces {@code exec()} in {@code ForkJoinTask.doExec()}. A task run with nothing captured on a
     * thread that runs no task ({@code invoke()}, the caller's half of {@code invokeAll}, a parallel
     * stream's caller) is a root task submitted now.
     */
    public static boolean execTask(ForkJoinTask<?> task) throws Throwable {
        Object captured = PendingTasks.take(task);
        if (captured == null) {
            if (Bindings.bound() != null || Thread.currentThread() instanceof ForkJoinWorkerThread) {
                return (boolean) JdkMethods.EXEC.invokeExact(task);
            }
            captured = Bindings.captureFor(task);
            PendingTasks.count(captured);
        }
        ClassLoader binding = ExecutorHooks.bindingOf(captured);
        // The scope's state in locals, as in ExecutorHooks.runCaptured (a Scope object was allocated per task here).
        ThreadState state = ThreadState.current();
        ClassLoader previousBinding = state.bound;
        ClassLoader previousContext = Thread.currentThread().getContextClassLoader();
        boolean rebound = Scope.enter(state, binding, previousBinding, previousContext, true);
        try {
            return (boolean) JdkMethods.EXEC.invokeExact(task);
        } catch (Throwable failure) {
            Scope.failed(state, rebound, failure);
            throw failure;
        } finally {
            Scope.restore(state, previousBinding, previousContext, rebound, rebound);
            ExecutorHooks.releaseRun(captured, binding, state);
        }
    }

    /**
     * {@code ForkJoinTask.trySetThrown(ex)}: a fork/join task completes exceptionally, from its own run
     * (its {@code exec()} threw, or caught and recorded it as 21+'s {@code submit(Callable)} does) or by
     * {@code completeExceptionally}; the run it happens in failed.
     */
    public static void onForkJoinFailed(Throwable failure) {
        TaskRuns.failed(failure);
    }

    /**
     * After {@code ForkJoinTask.doExec()}: a task that was already done when a worker popped it
     * (completed or cancelled by other means while queued, e.g. a parallel stream's sibling of a
     * failed leaf) never ran {@code exec()}; what it captured is released here.
     */
    public static void afterExec(Object task) {
        if (((ForkJoinTask<?>) task).isDone()) {
            PendingTasks.releaseIfPending(task);
        }
    }

    /** As {@link #afterExec(Object)}, for JDK 17's {@code int doExec()}. */
    public static void afterExec(int status, Object task) {
        afterExec(task);
    }
}
