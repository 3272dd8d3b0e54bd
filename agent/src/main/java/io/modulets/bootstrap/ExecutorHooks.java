package io.modulets.bootstrap;

import java.util.concurrent.RunnableScheduledFuture;
import java.util.function.Predicate;

/**
 * Executors (DESIGN §2.1): a task submitted to {@code ThreadPoolExecutor}, {@code
 * ScheduledThreadPoolExecutor}, {@code Timer} or an executor named by the {@code executors} agent
 * argument captures its binding; the worker's run of it is bound to what it captured. Hooks of the
 * capture rules {@code ThreadPoolRules}, {@code ScheduledPoolRules}, {@code TimerRules} and {@code
 * CustomExecutorRule}; what happens to a task that never runs is in {@link DroppedTaskHooks}.
 */
public final class ExecutorHooks {
    /**
     * The Runnables a server's own pool runs for itself (a connection's processing, a selector): never
     * a child of the thread that submits them; set once by the agent.
     */
    public static volatile Predicate<Object> serverTask = NoHook.instance();

    /** A task of a server's or scheduler's own code (its periodic housekeeping); set once by the agent. */
    public static volatile Predicate<Object> serverCode = NoHook.instance();

    /**
     * A scheduler's task that is periodic by scheduling itself again, one-shot, at the end of each run
     * (Spring's trigger and cron tasks); set once by the agent.
     */
    public static volatile Predicate<Object> reschedulingTask = NoHook.instance();

    /** The rescheduling tasks first scheduled as root tasks: each of their runs binds afresh. */
    private static final WeakIdentityMap<Boolean> ROOT_RESCHEDULING = new WeakIdentityMap<>();

    private ExecutorHooks() {
    }

    // ---- submission ----------------------------------------------------------------------------

    /** {@code ThreadPoolExecutor.execute(task)}, {@code ForkJoinTask.fork()}: a one-shot task submitted now. */
    public static void onSubmit(Object task) {
        if (task != null && !isJdkLoopTask(task)) {
            ThreadState state = ThreadState.current();
            ClassLoader binding = Bindings.captureFor(task, state);
            if (binding != null) {
                PendingTasks.addHeld(task, binding, state); // the pool hooks every way a queued task is dropped
            }
        }
    }

    /** A {@code ThreadPoolExecutor} was made: its queue is one the pin report reads ({@link PendingTasks#queuedByClass}). */
    public static void onPoolMade(Object pool) {
        PendingTasks.poolMade(pool);
    }

    /**
     * A task of the JDK that is a loop for its whole life, like a JDK loop thread (§2.1): capturing
     * it would keep a generation live as long as it runs. Listed one by one, with the reason:
     * <ul>
     * <li>{@code sun.rmi.transport.tcp.TCPTransport$ConnectionHandler}: RMI runs one per connection on
     * its pool and serves every call of that connection in it; a JMX client (JConsole, the CLI, the
     * agent's own MBeans' users) keeps one open for hours. The calls it serves run unbound (§2.4).</li>
     * </ul>
     */
    private static boolean isJdkLoopTask(Object task) {
        Class<?> type = task.getClass();
        return Bindings.isJdk(type) && type.getName().equals("sun.rmi.transport.tcp.TCPTransport$ConnectionHandler");
    }

    /**
     * {@code ScheduledThreadPoolExecutor.delayedExecute(task)}. A periodic root task binds afresh at
     * each run; a periodic child task keeps the submitter's binding for every run (§2.1).
     */
    public static void onSchedule(Object task) {
        if (task instanceof RunnableScheduledFuture && ((RunnableScheduledFuture<?>) task).isPeriodic()) {
            onPeriodic(task);
        } else if (!onRescheduling(task)) {
            onDelayed(task);
        }
    }

    /**
     * A one-shot delayed task. A server's own (Jetty's idle-timeout check of a connection, scheduled when the
     * selector accepts it and again from each check's run) is server machinery and never bound: scheduled by
     * the server's unbound loops it would be a root task of the generation current then, and each of its runs
     * would pass that generation on to the next, keeping it live as long as the connection stays open;
     * scheduled from a request, it is no work of the request's. Any other task is a task submitted now.
     */
    static void onDelayed(Object task) {
        if (!serverCode.test(Bindings.innermost(task))) {
            onSubmit(task);
        }
    }

    /**
     * A task that schedules itself again from the end of each run is periodic, though each schedule is
     * one-shot: a root one (first scheduled by unbound code, as Spring registers {@code @Scheduled(cron)} at
     * startup) binds afresh at each run, like a root periodic task, instead of being its own previous run's
     * child; one first scheduled from inside a task stays that task's child at every run, as a child does.
     * Returns whether {@code task} was such a root one (then captured here).
     */
    private static boolean onRescheduling(Object task) {
        Object inner = Bindings.innermost(task);
        if (!reschedulingTask.test(inner)) {
            return false;
        }
        if (Bindings.bound() == null) {
            ROOT_RESCHEDULING.put(inner, Boolean.TRUE);
        } else if (!ROOT_RESCHEDULING.containsKey(inner)) {
            return false;
        }
        // binds at each run's start and counts for that run only, so a one-shot schedule holds nothing after
        PendingTasks.add(task, new PendingTasks.Periodic(null));
        return true;
    }

    /** {@code Timer.sched(task, time, period)}, as the task is queued; period 0 is a one-shot task. */
    public static void onTimerSchedule(Object task, long period) {
        if (period != 0) {
            onPeriodic(task);
        } else {
            onDelayed(task);
        }
    }

    /** A periodic task scheduled now (a scheduled pool's, a repeating TimerTask, 25+'s fork/join one). */
    static void onPeriodic(Object task) {
        PendingTasks.add(task, periodicCapture(task));
    }

    /** What a periodic {@code task} scheduled now keeps for all its runs. */
    private static PendingTasks.Periodic periodicCapture(Object task) {
        ClassLoader own = Bindings.ownGeneration(task);
        // A root task of shell code picks up the current generation afresh at each run; so does a
        // server's own housekeeping, which it schedules from inside other periodic runs (Tomcat's
        // monitors start its background processor and async-timeout checks that way) and which
        // would otherwise keep the generation of that one run live for the JVM's life.
        ClassLoader bound = own == null ? Bindings.bound() : null;
        if (bound != null && serverCode.test(Bindings.innermost(task))) {
            bound = null; // only looked at for a periodic task scheduled from inside a task
        }
        return new PendingTasks.Periodic(own != null ? own : bound);
    }

    /** An executor named by the {@code executors} agent argument: its {@code execute(task)} gets this instead. */
    public static Runnable wrapForExecutor(Runnable task) {
        if (task == null || task instanceof BoundTask) {
            return task;
        }
        return wrap(task, Bindings.captureFor(task));
    }

    /**
     * A server's own pool (Tomcat's, Jetty's): its {@code execute(task)} gets this instead. What a
     * request or a job submits there is its child and carries its binding, as with {@link
     * #wrapForExecutor}; what the server's loops submit, and its own connection tasks, stay unbound,
     * so the request they lead to is bound where it is dispatched (DESIGN §2.1).
     */
    public static Runnable wrapChildForExecutor(Runnable task) {
        if (task == null || task instanceof BoundTask) {
            return task;
        }
        ClassLoader bound = Bindings.bound();
        ClassLoader own = bound == null ? Bindings.ownGeneration(task) : null;
        if ((bound == null && own == null) || serverTask.test(task)) {
            return task;
        }
        // the task's own generation was looked up already on an unbound thread: not twice
        return wrap(task, own != null ? own : Bindings.captureFor(task));
    }

    /**
     * A server's {@code addFailureListener(listener)} (Jetty 12 core's request), whose listener the server calls later,
     * if the request fails, on a thread of its own: registered on a bound thread (the request's, or a task of it), it
     * is the request's child, pending until it runs; the server's own listeners, and any registered on an unbound
     * thread, stay as they are.
     */
    public static java.util.function.Consumer<Throwable> wrapChildListener(
            java.util.function.Consumer<Throwable> listener) {
        return wrapChildListener(listener, (failureListener, binding) -> new BoundListeners.OnFailure(failureListener));
    }

    /** As {@link #wrapChildListener(java.util.function.Consumer)}, for {@code addIdleTimeoutListener(listener)}. */
    public static java.util.function.Predicate<java.util.concurrent.TimeoutException> wrapChildListener(
            java.util.function.Predicate<java.util.concurrent.TimeoutException> listener) {
        return wrapChildListener(listener, BoundListeners.OnIdleTimeout::new);
    }

    /** {@code listener} in {@code wrapper}, pending as the running task's child, where it is one; else as it is. */
    private static <L> L wrapChildListener(L listener, java.util.function.BiFunction<L, ClassLoader, L> wrapper) {
        if (listener == null || listener instanceof BoundListeners.OnFailure
                || listener instanceof BoundListeners.OnIdleTimeout || Bindings.bound() == null
                || serverTask.test(listener)) {
            return listener;
        }
        ClassLoader binding = Bindings.captureFor(listener);
        if (binding == null) {
            return listener;
        }
        L bound = wrapper.apply(listener, binding);
        PendingTasks.add(bound, binding);
        return bound;
    }

    /**
     * A server's {@code schedule(task, delay, unit)} (Netty's event loop): what a request schedules (a
     * Vert.x timer) is its child, as with {@link #wrapChildForExecutor}; the server's own delayed tasks (a
     * read or write timeout, an idle check that schedules itself again) stay unbound, so that no
     * request's generation is kept live, or chained from run to run, by them.
     */
    public static Runnable wrapScheduledChild(Runnable task) {
        if (task == null || (Bindings.bound() != null && serverCode.test(task))) {
            return task;
        }
        return wrapChildForExecutor(task);
    }

    /**
     * A periodic task given to a server's own scheduler ({@code scheduleAtFixedRate}, {@code scheduleWithFixedDelay}
     * of Netty's event loops and executors), which runs it from its own loop without {@code execute}: the same rule
     * as a JDK scheduled pool's periodic task ({@link #onPeriodic}). Scheduled by unbound code, or a server's own,
     * each run binds afresh when it starts; scheduled from inside a task (a request), every run inherits its binding.
     * The wrapper keeps the capture across the runs until the task is dropped ({@link
     * DroppedTaskHooks#onTaskCleared}) or collected.
     */
    public static Runnable wrapScheduledPeriodic(Runnable task) {
        if (task == null || task instanceof BoundTask) {
            return task;
        }
        BoundTask periodic = new BoundTask(task);
        PendingTasks.add(periodic, periodicCapture(task));
        return periodic;
    }

    /**
     * A server's {@code schedule(callable, delay, unit)} (Netty's event loop): as {@link #wrapScheduledChild}, for
     * a {@code Callable}.
     */
    public static java.util.concurrent.Callable<?> wrapScheduledCallable(java.util.concurrent.Callable<?> task) {
        ClassLoader bound = Bindings.bound();
        if (task == null || task instanceof BoundCallable || (bound != null && serverCode.test(task))) {
            return task;
        }
        // unbound (the loop's own code): only a task of a generation's own class carries one
        ClassLoader binding = bound == null ? Bindings.ownGeneration(task) : Bindings.captureFor(task);
        if (binding == null) {
            return task;
        }
        BoundCallable<?> carried = new BoundCallable<>(task);
        PendingTasks.add(carried, binding);
        return carried;
    }

    /**
     * A timeout of Netty's {@code HashedWheelTimer}, made by {@code newTimeout(timerTask, …)}: a task submitted
     * now ({@link #onSubmit}'s rule), kept under the timeout itself; a timer task of a server's own code is never
     * bound, whoever schedules it, as a server's one-shot timer on a JDK pool is not.
     */
    public static void onTimerTimeout(Object timeout, Object timerTask) {
        if (timerTask != null && !serverCode.test(timerTask)) {
            ClassLoader binding = Bindings.captureFor(timerTask);
            if (binding != null) {
                PendingTasks.add(timeout, binding);
            }
        }
    }

    /** {@code HashedWheelTimeout.expire()} hands {@code executor} its run: bound to what it captured when made. */
    public static void executeCaptured(java.util.concurrent.Executor executor, Runnable timeout) {
        executor.execute(new CapturedRun(timeout));
    }

    /** The run of a task whose capture is kept under the task itself, bound to it (the executor is not hooked). */
    private static final class CapturedRun implements Runnable {
        private final Runnable task;

        CapturedRun(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            runCaptured(task, task);
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }

    private static Runnable wrap(Runnable task, ClassLoader binding) {
        if (binding == null) {
            return task;
        }
        BoundTask bound = new BoundTask(task);
        PendingTasks.add(bound, binding);
        return bound;
    }

    // ---- running -------------------------------------------------------------------------------

    /** Replaces {@code task.run()} in a pool worker's loop (ThreadPoolExecutor, Timer). */
    public static void runTask(Runnable task) {
        runCaptured(task, task);
    }

    /** Runs {@code body}, bound to what {@code key} captured at submission, if anything. */
    static void runCaptured(Object key, Runnable body) {
        ThreadState state = ThreadState.current();
        Object captured = PendingTasks.take(key, state);
        if (captured == null) {
            body.run();
            return;
        }
        ClassLoader binding = bindingOf(captured);
        // The scope's state in locals, as StageHooks keeps it: a pool's worker loop had Scope.open compiled on its
        // own, too large to inline here, and a Scope object was allocated per task (+32 bytes per task in
        // TaskBatches with -prof gc). The same steps as Scope.run and close.
        ClassLoader previousBinding = state.bound;
        ClassLoader previousContext = Thread.currentThread().getContextClassLoader();
        boolean rebound = Scope.enter(state, binding, previousBinding, previousContext, true);
        try {
            body.run();
        } catch (Throwable failure) {
            Scope.failed(state, rebound, failure);
            throw failure;
        } finally {
            Scope.restore(state, previousBinding, previousContext, rebound, rebound);
            releaseRun(captured, binding, state);
        }
    }

    /**
     * The binding a run takes from what its task captured. A periodic root task binds afresh as a root
     * task at each run (current, or a canary's draw), counted for the length of this run.
     */
    static ClassLoader bindingOf(Object captured) {
        if (captured instanceof PendingTasks.Periodic) {
            ClassLoader fixed = ((PendingTasks.Periodic) captured).binding;
            if (fixed != null) {
                return fixed;
            }
            ClassLoader now = Bindings.rootBinding();
            PendingTasks.count(now);
            return now;
        }
        return (ClassLoader) captured;
    }

    /** The run that {@link #bindingOf} bound is over: its count ends (a periodic task's capture stays). */
    static void releaseRun(Object captured, ClassLoader binding, ThreadState state) {
        if (!(captured instanceof PendingTasks.Periodic) || ((PendingTasks.Periodic) captured).binding == null) {
            PendingTasks.release(binding, state);
        }
    }
}
