package io.modulets.bootstrap;

import java.util.List;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The per-thread binding and the capture hooks that instrumented JDK code calls (DESIGN §2.1,
 * §2.5, §2.7). This class goes on the bootstrap class path, so it depends on java.base only; the
 * agent fills its static hooks at startup. A binding is the generation's class loader: it is all that
 * JDK code needs (identity and the context class loader), and the agent maps it back to its
 * generation.
 *
 * <p>Hooks are straight-line calls inserted at method entry, before a return, or in place of one
 * call, so the instrumented JDK methods keep their stack-map frames; anything that needs a try/finally
 * or a branch lives here, in plain Java. What a task captured is kept beside it in {@link PendingTasks}
 * (a field of the JDK's own task classes, else a weak identity table), which also counts live tasks.
 */
public final class Bindings {
    /**
     * The current generation: what unbound code resolves in (§2.4), and what new root tasks get unless
     * a canary draws them; set by the agent on every activation.
     */
    public static volatile ClassLoader current;

    /** The canary in progress, or null: a generation that a fraction of new root tasks get instead of {@link #current}. */
    private static volatile CanaryDraw canary;

    /** Swappable class names, refused by the JDK's built-in loaders; set once by the agent. */
    public static volatile Predicate<String> swappableName;

    /** The Runnable a platform thread was given (a private JDK field); set once by the agent. */
    public static volatile Function<Thread, Object> threadTarget = t -> null;

    /**
     * Makes a thread forget the access control context it inherited from its creator's stack (JDK
     * 17–23; no SecurityManager): its protection domains name the loaders of every frame, so a pool
     * worker created while a generation's code submitted work would pin that generation for the
     * worker's whole life (§2.1: a pool never pins a generation). Set once by the agent.
     */
    public static volatile Consumer<Thread> forgetCreator = t -> { };

    /** The task a JDK adapter (FutureTask, ForkJoinTask.adapt, …) wraps, else null; set once by the agent. */
    public static volatile Function<Object, Object> taskInner = t -> null;

    /**
     * Whether a JFR recording wants the {@code modulets.TaskBinding} event: flipped by the agent when
     * recordings start and stop. While false, binding a task costs this one field read.
     */
    public static volatile boolean taskBindingEvents;

    /** Told of each binding of a task's thread while {@link #taskBindingEvents}; set once by the agent. */
    public static volatile Consumer<ClassLoader> taskBound = binding -> { };

    /**
     * Threads of servers and schedulers that only loop and hand out work (acceptors, pollers, pool
     * workers: DESIGN §2.1), by their class or their Runnable's; set once by the agent.
     */
    public static volatile Predicate<Thread> loopThread = t -> false;

    /**
     * The Runnables a server's own pool runs for itself (a connection's processing, a selector): never
     * a child of the thread that submits them; set once by the agent.
     */
    public static volatile Predicate<Object> serverTask = task -> false;

    /** A task of a server's or scheduler's own code (its periodic housekeeping); set once by the agent. */
    public static volatile Predicate<Object> serverCode = task -> false;

    /** The virtual-thread scheduler: what it runs are continuations, the carriers' loop work, never tasks. */
    public static volatile Object carrierPool;

    /**
     * Whether a running thread's context class loader, when it is a generation's loader, is the thread's
     * binding: the bind hooks keep it so, and the boundary then reads the binding from it (one field
     * instead of a thread-local). Set once by the agent when it has hooked {@code setContextClassLoader};
     * false for good once other code gives a running thread a generation's loader that is not its binding.
     */
    public static volatile boolean contextIsBinding;

    /** Told once when {@link #contextIsBinding} turns false; set once by the agent. */
    public static volatile Runnable contextNotBinding = () -> { };

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    /**
     * Threads started but not yet running their first read of the binding, each with its body's run
     * (its binding, and the run counted in the generation's outcomes); counted.
     */
    private static final WeakIdentityMap<TaskRuns.Frame> STARTED = new WeakIdentityMap<>(TaskRuns::neverRan);

    /** Pool worker and agent threads: their start is not a task submission. */
    private static final WeakIdentityMap<Boolean> NEVER_BIND = new WeakIdentityMap<>();

    /** CompletableFuture stages (their Completion objects) with the binding of the code that registered them. */
    private static final WeakIdentityMap<ClassLoader> REGISTERED = new WeakIdentityMap<>();

    /**
     * The binding of the running task, or null on a thread that runs no task. A started thread
     * takes its binding lazily from {@link #STARTED} the first time it asks, which is always after
     * {@code start()} recorded it.
     */
    private static final ThreadLocal<ClassLoader> BOUND = new ThreadLocal<>() {
        @Override
        protected ClassLoader initialValue() {
            TaskRuns.Frame body = STARTED.remove(Thread.currentThread());
            return body == null ? null : TaskRuns.adopt(body);
        }
    };

    private Bindings() {
    }

    /** The binding of the task this thread runs, or null if it runs none (it then follows {@link #current}). */
    public static ClassLoader bound() {
        return BOUND.get();
    }

    /** The generation that a reference by name resolves in, for this thread now (§2.2, §2.4). */
    public static ClassLoader effective() {
        ClassLoader bound = BOUND.get();
        return bound != null ? bound : current;
    }

    /**
     * The binding a task captures when it is submitted now (§2.1): the generation of its own class,
     * looking through the JDK's adapters (a FutureTask around a swappable Callable), else the
     * submitter's; a root task (submitted by a thread that runs no task) gets {@link #rootBinding()}.
     */
    public static ClassLoader captureFor(Object task) {
        ClassLoader own = ownGeneration(task);
        if (own != null) {
            return own;
        }
        ClassLoader bound = BOUND.get();
        return bound != null ? bound : rootBinding();
    }

    /**
     * The binding of a root task submitted now: the canary for its fraction of them, else the current
     * generation. Without a canary this is one volatile read more than reading {@link #current}; with
     * one, a thread-local random draw (no allocation, no lock, no shared write).
     */
    public static ClassLoader rootBinding() {
        CanaryDraw draw = canary;
        return draw == null ? current : draw.pick(current);
    }

    /**
     * Starts ({@code draw} non-null) or ends (null) a canary. The agent makes the canary live for the
     * boundary's call sites before starting it, and ends it before it stops being live.
     */
    public static void canary(CanaryDraw draw) {
        canary = draw;
    }

    /** The canary generation in progress, or null. */
    public static ClassLoader canary() {
        CanaryDraw draw = canary;
        return draw == null ? null : draw.generation;
    }

    /** The generation that defined the task's class, or the class of the task a JDK adapter wraps; else null. */
    private static ClassLoader ownGeneration(Object task) {
        for (int depth = 0; task != null && depth < 4; depth++) {
            ClassLoader own = task.getClass().getClassLoader();
            if (own instanceof GenerationLoader) {
                return own;
            }
            if (own != null && !(task instanceof FutureTask)) {
                return null;
            }
            task = taskInner.apply(task);
        }
        return null;
    }

    /** Runs {@code body} bound to {@code binding}, with its context class loader; restores both. */
    public static void runBound(ClassLoader binding, Runnable body) {
        if (binding == null) {
            body.run();
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previousBinding = BOUND.get();
        ClassLoader previousContext = thread.getContextClassLoader();
        boolean rebound = enter(thread, binding, previousBinding, previousContext);
        try {
            body.run();
        } catch (Throwable failure) {
            failedIn(rebound, failure);
            throw failure;
        } finally {
            leave(thread, rebound, previousBinding, previousContext);
        }
    }

    /**
     * The tasks captured and not yet run (their classes and bindings) and the threads started and not
     * yet running: what keeps generations live, for diagnostics (DESIGN §6).
     */
    public static String describePending() {
        StringBuilder threads = new StringBuilder();
        STARTED.forEach((thread, body) -> threads.append(((Thread) thread).getName()).append('=').append(body.binding)
                .append("; "));
        return "tasks: " + PendingTasks.describe() + " threads starting: " + threads + " requests: "
                + Requests.describe();
    }

    /**
     * Runs {@code body} as code outside any task (§2.4): references by name resolve in the current
     * generation at each call; the thread's binding is restored afterwards. The boundary
     * benchmarks measure unbound calls with it, on JMH threads that are otherwise bound.
     */
    public static void runUnbound(Runnable body) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = BOUND.get();
        ClassLoader previousContext = thread.getContextClassLoader();
        BOUND.set(null);
        if (previousContext instanceof GenerationLoader) {
            setContext(thread, ClassLoader.getSystemClassLoader()); // no generation's loader without its binding
        }
        try {
            body.run();
        } finally {
            BOUND.set(previous);
            if (thread.getContextClassLoader() != previousContext) {
                setContext(thread, previousContext);
            }
        }
    }

    /**
     * {@code Thread.setContextClassLoader(loader)}, at entry: a generation's loader given to a running
     * thread by anything but the bind hooks (which bind first), to another thread, or while the thread is
     * bound elsewhere, ends {@link #contextIsBinding} (a thread not started yet gets its binding's
     * loader when it starts).
     */
    public static void onSetContext(Thread thread, ClassLoader loader) {
        if (loader instanceof GenerationLoader && contextIsBinding && thread.getState() != Thread.State.NEW
                && (thread != Thread.currentThread() || loader != BOUND.get())) {
            contextIsBinding = false;
            contextNotBinding.run();
        }
    }

    /** Blocks until a task dropped without running is collected, and stops counting it (an agent thread loops on it). */
    public static void reclaimCollected() throws InterruptedException {
        PendingTasks.reclaimCollected();
    }

    /** Which JDK task classes keep their capture in a field of their own (for the startup log). */
    public static String taskFields() {
        return "FutureTask " + (Slots.FUTURE_TASK != null) + ", ForkJoinTask " + (Slots.FORK_JOIN_TASK != null)
                + ", CompletableFuture stages " + (Slots.COMPLETION != null);
    }

    /** Fails now, at startup, if the JDK methods the hooks call cannot be reached. */
    public static void checkJdkMethods() {
        if (JdkMethods.EXEC == null || JdkMethods.TRY_FIRE == null || JdkMethods.DEPENDENT == null) {
            throw new IllegalStateException("modulets: JDK methods not found");
        }
    }

    // ---- threads ----------------------------------------------------------------------------

    /** {@code Thread.start()}, {@code VirtualThread.start(container)}: the thread's body is a task submitted now. */
    public static void onThreadStart(Thread thread) {
        if (thread.getState() != Thread.State.NEW) {
            return;
        }
        if (NEVER_BIND.remove(thread) != null || isJdkLoopThread(thread) || loopThread.test(thread)) {
            // A pool's loop thread (§2.1): it must keep nothing of the task whose submission
            // happened to create it.
            resetContext(thread);
            forgetCreator.accept(thread);
            return;
        }
        // A Thread subclass of swappable code is the task itself; otherwise its Runnable is.
        Object task = thread.getClass().getClassLoader() instanceof GenerationLoader
                ? thread : threadTarget.apply(thread);
        ClassLoader binding = captureFor(task);
        if (binding == null) {
            return;
        }
        PendingTasks.count(binding);
        STARTED.put(thread, TaskRuns.threadStarted(binding));
        ClassLoader context = thread.getContextClassLoader();
        if (context == ClassLoader.getSystemClassLoader() || context instanceof GenerationLoader) {
            setContext(thread, binding);
        }
    }

    /**
     * A loop thread of the JDK: a ForkJoinWorkerThread (also the virtual-thread carriers, and an
     * application's own subclass), a JDK subclass of Thread other than the virtual ones (TimerThread,
     * InnocuousThread: the common Cleaner, HttpClient's selector, …), or a plain Thread whose body
     * is JDK-internal code (the WatchService poller, the HttpServer's dispatcher, …). Each runs
     * other work for its whole life; capturing it would keep a generation live forever.
     */
    private static boolean isJdkLoopThread(Thread thread) {
        if (thread instanceof ForkJoinWorkerThread) {
            return true;
        }
        Class<?> type = thread.getClass();
        if (type != Thread.class) {
            return isJdk(type) && !type.getName().contains("VirtualThread");
        }
        Object body = threadTarget.apply(thread);
        if (body == null || !isJdk(body.getClass())) {
            return false;
        }
        // Only internal code: a java.* Runnable such as FutureTask is an application's task. Internal
        // is also a package its JDK module does not export (jdk.jfr.internal: JFR's periodic thread,
        // started by jcmd JFR.start, kept the generation current then alive for the JVM's life).
        Class<?> bodyType = body.getClass();
        String name = bodyType.getName();
        return name.startsWith("sun.") || name.startsWith("jdk.internal.") || name.startsWith("com.sun.")
                || (bodyType.getModule().isNamed() && !bodyType.getModule().isExported(bodyType.getPackageName()));
    }

    /** Defined by the JDK's boot or platform loader (jdk.httpserver and java.net.http are platform modules). */
    private static boolean isJdk(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == PLATFORM;
    }

    /** {@code Thread.exit()}, the end of {@code VirtualThread.run(task)}: the thread's task is over. */
    public static void onThreadExit(Thread thread) {
        TaskRuns.Frame body = STARTED.remove(thread);
        ClassLoader binding = null;
        if (body != null) {
            binding = body.binding;
            TaskRuns.threadEnded(body);
        } else if (thread == Thread.currentThread()) {
            binding = BOUND.get();
            BOUND.remove();
            if (binding != null) {
                TaskRuns.threadEnded(); // its body's run, which its first read of the binding adopted
            }
        }
        PendingTasks.release(binding);
        // An ended Thread object may stay reachable (a field, a list of workers); up to JDK 23 exit()
        // does not clear its context class loader, which would pin the generation (§2.7).
        resetContext(thread);
    }

    /** {@code Thread.dispatchUncaughtException}: the thread's body (a task, if captured) threw {@code failure}. */
    public static void onThreadFailed(Thread thread, Throwable failure) {
        if (thread == Thread.currentThread()) {
            TaskRuns.failed(failure); // the body's run: what it ran inline has ended
        }
    }

    /** The run of {@code thread}'s body while it has not read its binding yet, or null (for {@link TaskRuns}). */
    static TaskRuns.Frame startedBody(Thread thread) {
        return STARTED.get(thread);
    }

    /**
     * A daemon thread of the agent's own, not yet started: never a task, never bound, so it keeps no
     * generation live (its creator may run one).
     */
    public static Thread agentThread(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        neverBind(thread);
        return thread;
    }

    /**
     * A pool's worker thread (or the agent's own) was made: starting it submits no task, and it
     * must not keep the context class loader of the task that happened to create it (§2.1).
     */
    public static void neverBind(Thread thread) {
        if (thread == null) {
            return;
        }
        NEVER_BIND.put(thread, Boolean.TRUE);
        resetContext(thread);
        forgetCreator.accept(thread);
    }

    private static void resetContext(Thread thread) {
        if (thread.getContextClassLoader() instanceof GenerationLoader) {
            setContext(thread, ClassLoader.getSystemClassLoader());
        }
    }

    /**
     * Binds the running {@code thread} to {@code binding}, its context class loader too (§2.5), unless
     * it already is bound to it with it as its context class loader (a task run by its submitter:
     * CallerRunsPolicy, {@code invoke()} or a dependent stage inside a task). Returns whether it bound,
     * for {@link #leave}. Every run hook binds through here; a binding is the start of a task run, counted
     * in the generation's outcomes until {@link #leave} (a nested run is part of the run around it).
     */
    static boolean enter(Thread thread, ClassLoader binding, ClassLoader previousBinding,
                         ClassLoader previousContext) {
        boolean rebound = bind(thread, binding, previousBinding, previousContext);
        if (rebound) {
            TaskRuns.begin(binding);
        }
        return rebound;
    }

    /** {@link #enter} without starting a task run: for a rejection handler that does not run the task. */
    private static boolean bind(Thread thread, ClassLoader binding, ClassLoader previousBinding,
                                ClassLoader previousContext) {
        if (binding == previousBinding && binding == previousContext) {
            return false;
        }
        BOUND.set(binding);
        setContext(thread, binding);
        if (taskBindingEvents) {
            taskBound.accept(binding);
        }
        return true;
    }

    /**
     * Undoes {@link #enter}: the binding the thread had before (only Bindings changes it, and only if
     * {@code rebound}), and its context class loader if the run changed it (§2.5: restored afterwards).
     */
    static void leave(Thread thread, boolean rebound, ClassLoader previousBinding,
                      ClassLoader previousContext) {
        if (rebound) {
            TaskRuns.end();
        }
        unbind(thread, rebound, previousBinding, previousContext);
    }

    private static void unbind(Thread thread, boolean rebound, ClassLoader previousBinding,
                               ClassLoader previousContext) {
        if (rebound) {
            BOUND.set(previousBinding);
        }
        if (thread.getContextClassLoader() != previousContext) {
            setContext(thread, previousContext);
        }
    }

    /**
     * A task run's body threw {@code failure}: the run bound here failed. A nested run's throw counts only
     * if it leaves the body of the run around it (the code around may catch it).
     */
    private static void failedIn(boolean rebound, Throwable failure) {
        if (rebound) {
            TaskRuns.failed(failure);
        }
    }

    /** JDK system threads (InnocuousThread) refuse a context class loader; they keep theirs. */
    private static void setContext(Thread thread, ClassLoader loader) {
        try {
            thread.setContextClassLoader(loader);
        } catch (SecurityException | UnsupportedOperationException refused) {
            // nothing to restore: the thread keeps the loader it had
        }
    }

    // ---- executors: submission ---------------------------------------------------------------

    /** {@code ThreadPoolExecutor.execute(task)}, {@code ForkJoinTask.fork()}: a one-shot task submitted now. */
    public static void onSubmit(Object task) {
        if (task != null && !isJdkLoopTask(task)) {
            ClassLoader binding = captureFor(task);
            if (binding != null) {
                PendingTasks.add(task, binding);
            }
        }
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
        return isJdk(type) && type.getName().equals("sun.rmi.transport.tcp.TCPTransport$ConnectionHandler");
    }

    /** {@code ForkJoinPool}'s one submission path; the virtual-thread scheduler's continuations are no tasks. */
    public static void onPoolSubmit(Object pool, Object task) {
        if (pool != carrierPool) {
            onSubmit(task);
        }
    }

    /**
     * {@code ScheduledThreadPoolExecutor.delayedExecute(task)}. A periodic root task binds afresh at
     * each run; a periodic child task keeps the submitter's binding for every run (§2.1).
     */
    public static void onSchedule(Object task) {
        if (task instanceof RunnableScheduledFuture && ((RunnableScheduledFuture<?>) task).isPeriodic()) {
            onPeriodic(task);
        } else {
            onSubmit(task);
        }
    }

    /** {@code Timer.sched(task, time, period)}, as the task is queued; period 0 is a one-shot task. */
    public static void onTimerSchedule(Object task, long period) {
        if (period != 0) {
            onPeriodic(task);
        } else {
            onSubmit(task);
        }
    }

    private static void onPeriodic(Object task) {
        ClassLoader own = ownGeneration(task);
        // A root task of shell code picks up the current generation afresh at each run; so does a
        // server's own housekeeping, which it schedules from inside other periodic runs (Tomcat's
        // monitors start its background processor and async-timeout checks that way) and which
        // would otherwise keep the generation of that one run live for the JVM's life.
        ClassLoader bound = own == null ? BOUND.get() : null;
        if (bound != null && serverCode.test(innermost(task))) {
            bound = null; // only looked at for a periodic task scheduled from inside a task
        }
        PendingTasks.add(task, new PendingTasks.Periodic(own != null ? own : bound));
    }

    /** The task inside the JDK's adapters (a FutureTask around a lambda), or the task itself. */
    private static Object innermost(Object task) {
        for (int depth = 0; depth < 4; depth++) {
            Object inner = taskInner.apply(task);
            if (inner == null) {
                return task;
            }
            task = inner;
        }
        return task;
    }

    /** An executor named by the {@code executors} agent argument: its {@code execute(task)} gets this instead. */
    public static Runnable wrapForExecutor(Runnable task) {
        if (task == null || task instanceof BoundTask) {
            return task;
        }
        ClassLoader binding = captureFor(task);
        if (binding == null) {
            return task;
        }
        BoundTask bound = new BoundTask(task);
        PendingTasks.add(bound, binding);
        return bound;
    }

    /**
     * A server's own pool (Tomcat's, Jetty's): its {@code execute(task)} gets this instead. What a
     * request or a job submits there is its child and carries its binding, as with {@link
     * #wrapForExecutor}; what the server's loops submit, and its own connection tasks, stay unbound,
     * so the request they lead to is bound where it is dispatched (DESIGN §2.1).
     */
    public static Runnable wrapChildForExecutor(Runnable task) {
        if (task == null || task instanceof BoundTask || (BOUND.get() == null && ownGeneration(task) == null)
                || serverTask.test(task)) {
            return task;
        }
        return wrapForExecutor(task);
    }

    // ---- executors: tasks that will never run ------------------------------------------------

    /** {@code ThreadPoolExecutor.reject}: the handler decides; CallerRunsPolicy runs the task on its own binding. */
    public static void onRejected(RejectedExecutionHandler handler, Runnable task, ThreadPoolExecutor executor) {
        Object captured = PendingTasks.take(task);
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
        Thread thread = Thread.currentThread();
        ClassLoader previousBinding = BOUND.get();
        ClassLoader previousContext = thread.getContextClassLoader();
        // Only CallerRunsPolicy runs the task: another handler's exception is the submitter's, not a task's.
        boolean runs = handler instanceof ThreadPoolExecutor.CallerRunsPolicy;
        boolean rebound = runs ? enter(thread, binding, previousBinding, previousContext)
                : bind(thread, binding, previousBinding, previousContext);
        try {
            handler.rejectedExecution(task, executor);
        } catch (Throwable failure) {
            failedIn(runs && rebound, failure);
            throw failure;
        } finally {
            if (runs) {
                leave(thread, rebound, previousBinding, previousContext);
            } else {
                unbind(thread, rebound, previousBinding, previousContext);
            }
            PendingTasks.release(binding);
        }
    }

    /** {@code DiscardOldestPolicy}: the task it takes from the queue head will never run. */
    public static Object pollDropped(java.util.concurrent.BlockingQueue<?> queue) {
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
     * {@code FutureTask.setException}: it will not run again; a periodic capture ends. The run it
     * happens in (the task's own) failed with {@code failure}.
     */
    public static void onFutureDone(Object task, Throwable failure) {
        PendingTasks.removeAll(task);
        TaskRuns.failed(failure);
    }

    // ---- executors: running ------------------------------------------------------------------

    /** Replaces {@code task.run()} in a pool worker's loop (ThreadPoolExecutor, Timer). */
    public static void runTask(Runnable task) {
        runCaptured(task, task);
    }

    /** Runs {@code body}, bound to what {@code key} captured at submission, if anything. */
    static void runCaptured(Object key, Runnable body) {
        Object captured = PendingTasks.take(key);
        if (captured == null) {
            body.run();
            return;
        }
        ClassLoader binding = bindingOf(captured);
        Thread thread = Thread.currentThread();
        ClassLoader previousBinding = BOUND.get();
        ClassLoader previousContext = thread.getContextClassLoader();
        boolean rebound = enter(thread, binding, previousBinding, previousContext);
        try {
            body.run();
        } catch (Throwable failure) {
            failedIn(rebound, failure);
            throw failure;
        } finally {
            leave(thread, rebound, previousBinding, previousContext);
            releaseRun(captured, binding);
        }
    }

    /**
     * Replaces {@code exec()} in {@code ForkJoinTask.doExec()}. A task run with nothing captured on a
     * thread that runs no task ({@code invoke()}, the caller's half of {@code invokeAll}, a parallel
     * stream's caller) is a root task submitted now.
     */
    public static boolean execTask(ForkJoinTask<?> task) throws Throwable {
        Object captured = PendingTasks.take(task);
        Thread thread = Thread.currentThread();
        ClassLoader previousBinding = BOUND.get();
        if (captured == null) {
            if (previousBinding != null || thread instanceof ForkJoinWorkerThread) {
                return (boolean) JdkMethods.EXEC.invokeExact(task);
            }
            captured = captureFor(task);
            PendingTasks.count(captured);
        }
        ClassLoader binding = bindingOf(captured);
        ClassLoader previousContext = thread.getContextClassLoader();
        boolean rebound = enter(thread, binding, previousBinding, previousContext);
        try {
            return (boolean) JdkMethods.EXEC.invokeExact(task);
        } catch (Throwable failure) {
            failedIn(rebound, failure);
            throw failure;
        } finally {
            leave(thread, rebound, previousBinding, previousContext);
            releaseRun(captured, binding);
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

    /** A periodic root task binds afresh as a root task at each run (current, or a canary's draw), counted for the length of this run. */
    private static ClassLoader bindingOf(Object captured) {
        if (captured instanceof PendingTasks.Periodic) {
            ClassLoader fixed = ((PendingTasks.Periodic) captured).binding;
            if (fixed != null) {
                return fixed;
            }
            ClassLoader now = rootBinding();
            PendingTasks.count(now);
            return now;
        }
        return (ClassLoader) captured;
    }

    private static void releaseRun(Object captured, ClassLoader binding) {
        if (captured instanceof PendingTasks.Periodic) {
            if (((PendingTasks.Periodic) captured).binding == null) {
                PendingTasks.release(binding);
            }
        } else {
            PendingTasks.release(binding);
        }
    }

    // ---- CompletableFuture -------------------------------------------------------------------

    /**
     * {@code CompletableFuture.Completion()}: a dependent stage is registered now, by the code that runs
     * now. Registered outside any task it follows the current generation, never a canary: it continues
     * the unbound code that registered it (§2.4) and is not counted as a task.
     */
    public static void onCompletionRegistered(Object completion) {
        ClassLoader binding = effective();
        if (binding == null) {
            return;
        }
        if (Slots.COMPLETION != null) {
            Slots.COMPLETION.setRelease(completion, binding);
        } else {
            REGISTERED.put(completion, binding);
        }
    }

    private static ClassLoader registeredBinding(Object completion) {
        return Slots.COMPLETION != null ? (ClassLoader) Slots.COMPLETION.getAcquire(completion)
                : REGISTERED.get(completion);
    }

    /**
     * Replaces {@code completion.tryFire(mode)}: a dependent stage runs bound to the binding of the
     * code that registered it, on whichever thread completes it (§2.1).
     */
    public static Object fireCompletion(Object completion, int mode) throws Throwable {
        ClassLoader binding = registeredBinding(completion);
        if (binding == null) {
            return JdkMethods.TRY_FIRE.invokeExact(completion, mode);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previousBinding = BOUND.get();
        ClassLoader previousContext = thread.getContextClassLoader();
        boolean rebound = bind(thread, binding, previousBinding, previousContext);
        // A task run only if it fires its function here: not a relay, a waiting thread's wake-up, a
        // two-source stage whose other source is not done, nor an async stage handed to its executor.
        boolean run = rebound && unfired(completion) != null;
        if (run) {
            TaskRuns.beginTentative(binding);
        }
        try {
            return JdkMethods.TRY_FIRE.invokeExact(completion, mode);
        } catch (Throwable failure) {
            failedIn(run, failure);
            throw failure;
        } finally {
            if (run) {
                TaskRuns.end(unfired(completion) == null);
            }
            unbind(thread, rebound, previousBinding, previousContext);
            forgetIfFired(completion);
        }
    }

    /**
     * The dependent of the stage still to fire behind {@code completion} (a one- or two-source stage, or
     * the stage a {@code CoCompletion} links to), or null: it fired (or was handed to its executor, which keeps it
     * pending here), or it runs no application code — a relay, {@code anyOf}, the {@code Signaller} of a
     * thread waiting in {@code join()} or {@code get()}.
     */
    private static Object unfired(Object completion) throws Throwable {
        Object stage = completion;
        if (JdkMethods.CO_COMPLETION.isInstance(completion)) {
            stage = (Object) JdkMethods.CO_BASE.invokeExact(completion);
            if (stage == null) {
                return null;
            }
        } else if (!JdkMethods.UNI_COMPLETION.isInstance(completion)) {
            return null;
        }
        Class<?> type = stage.getClass();
        if (type == JdkMethods.UNI_RELAY || type == JdkMethods.BI_RELAY) {
            return null;
        }
        // its dependent: null once it fired (a CoCompletion keeps its base when the stage has no dependents)
        return (Object) JdkMethods.DEPENDENT.invokeExact(stage);
    }

    /**
     * {@code CompletableFuture.completeThrowable(ex)}: a stage's own function, or an async task's
     * supplier, threw {@code failure} and the JDK caught it (a failure passed on from the stage's source
     * goes through {@code completeThrowable(ex, result)} and is not counted again).
     */
    public static void onStageFailed(Throwable failure) {
        TaskRuns.failed(failure);
    }

    /**
     * A stage whose dependent is gone has fired, or was claimed and handed to an executor (which
     * captured the binding): its registration is no longer needed. Dropping it at once keeps the map
     * small; a stage that never fires is dropped when collected.
     */
    private static void forgetIfFired(Object completion) throws Throwable {
        if (Slots.COMPLETION == null && JdkMethods.UNI_COMPLETION.isInstance(completion)
                && (Object) JdkMethods.DEPENDENT.invokeExact(completion) == null) {
            REGISTERED.remove(completion);
        }
    }

    /** {@code BuiltinClassLoader.loadClassOrNull(name)}: the built-in loaders never see a swappable class. */
    public static void refuseInBuiltinLoader(String name) throws ClassNotFoundException {
        Predicate<String> swappable = swappableName;
        if (swappable != null && name != null && swappable.test(name)) {
            throw new ClassNotFoundException("modulets: " + name
                    + " is swappable; the JDK's built-in class loaders never load it");
        }
    }
}
