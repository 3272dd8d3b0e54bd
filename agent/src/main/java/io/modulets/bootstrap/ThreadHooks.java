package io.modulets.bootstrap;

import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Threads (DESIGN §2.1, §2.7): a started thread's body is a task submitted by its starter, bound from
 * its first read of the binding to its exit; loop threads (the JDK's, servers' and pools' workers, the
 * agent's own) are never bound. Hooks of {@code java.lang.Thread} and {@code VirtualThread} (the
 * capture rules {@code ThreadRules} and {@code PoolWorkerRule}).
 */
public final class ThreadHooks {
    /** The Runnable a platform thread was given (a private JDK field); set once by the agent. */
    public static volatile Function<Thread, Object> threadTarget = NoHook.instance();

    /**
     * Makes a thread forget the access control context it inherited from its creator's stack (JDK
     * 17–23; no SecurityManager): its protection domains name the loaders of every frame, so a pool
     * worker created while a generation's code submitted work would pin that generation for the
     * worker's whole life (§2.1: a pool never pins a generation). Set once by the agent.
     */
    public static volatile Consumer<Thread> forgetCreator = NoHook.instance();

    /**
     * Threads of servers and schedulers that only loop and hand out work (acceptors, pollers, pool
     * workers: DESIGN §2.1), by their class or their Runnable's; set once by the agent.
     */
    public static volatile Predicate<Thread> loopThread = NoHook.instance();

    /**
     * Threads started but not yet running their first read of the binding, each with its body's run
     * (its binding, and the run counted in the generation's outcomes); counted. Not the tasks' table ({@link
     * TaskTable}): with a virtual thread per task it was slower than this map (its entries stay in their slots until
     * their thread is collected, and each is then enqueued and cleared: docs/PERFORMANCE.md).
     */
    private static final WeakIdentityMap<TaskRuns.Frame> STARTED = new WeakIdentityMap<>(new Consumer<TaskRuns.Frame>() {
        @Override
        public void accept(TaskRuns.Frame body) {
            TaskRuns.neverRan(body); // a class, not a method reference: made in premain (see NoHook)
        }
    });

    /** {@code java.lang.BaseVirtualThread} (21+: the virtual threads' superclass), or null. */
    private static final Class<?> VIRTUAL = virtualThreadClass();

    private static Class<?> virtualThreadClass() {
        try {
            return Class.forName("java.lang.BaseVirtualThread", false, null);
        } catch (ClassNotFoundException jdk17) {
            return null;
        }
    }

    /** Pool worker and agent threads: their start is not a task submission. */
    private static final WeakIdentityMap<Boolean> NEVER_BIND = new WeakIdentityMap<>();

    private ThreadHooks() {
    }

    /** {@code Thread.start()}, {@code VirtualThread.start(container)}: the thread's body is a task submitted now. */
    public static void onThreadStart(Thread thread) {
        if (thread.getState() != Thread.State.NEW) {
            return;
        }
        if (NEVER_BIND.remove(thread) != null || isJdkLoopThread(thread) || loopThread.test(thread)) {
            // A pool's loop thread (§2.1): it must keep nothing of the task whose submission
            // happened to create it.
            Bindings.resetContext(thread);
            forgetCreator.accept(thread);
            return;
        }
        // A Thread subclass of swappable code is the task itself; otherwise its Runnable is.
        Object task = thread.getClass().getClassLoader() instanceof GenerationLoader
                ? thread : threadTarget.apply(thread);
        ClassLoader binding = Bindings.captureFor(task);
        if (binding == null) {
            return;
        }
        ThreadState state = ThreadState.current();
        PendingTasks.count(binding, state);
        STARTED.put(thread, TaskRuns.threadStarted(binding, state.runs));
        ClassLoader context = thread.getContextClassLoader();
        if (context == ClassLoader.getSystemClassLoader() || context instanceof GenerationLoader) {
            Bindings.setContext(thread, binding);
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
            return Bindings.isJdk(type) && (VIRTUAL == null || !VIRTUAL.isAssignableFrom(type));
        }
        Object body = threadTarget.apply(thread);
        if (body == null || !Bindings.isJdk(body.getClass())) {
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

    /**
     * The running thread's first read of its state ({@link ThreadState}): its body's run, with the binding its
     * starter recorded, or null.
     */
    static TaskRuns.Frame adoptStartedBody(Thread thread) {
        return STARTED.remove(thread);
    }

    /** {@code Thread.exit()}, the end of {@code VirtualThread.run(task)}: the thread's task is over. */
    public static void onThreadExit(Thread thread) {
        TaskRuns.Frame body = STARTED.remove(thread);
        if (body != null) {
            ClassLoader binding = body.binding;
            TaskRuns.threadEnded(body);
            PendingTasks.releaseAtExit(binding); // a thread that never read its state makes none to end
        } else if (thread == Thread.currentThread()) {
            ThreadState state = ThreadState.current();
            ClassLoader binding = state.bound;
            if (binding != null) {
                TaskRuns.threadEnded(state.runs); // its body's run, which its first read of the binding adopted
                PendingTasks.release(binding);
            }
            ThreadState.remove(); // after the release, which may count in this state
        }
        // An ended Thread object may stay reachable (a field, a list of workers); up to JDK 23 exit()
        // does not clear its context class loader, which would pin the generation (§2.7).
        Bindings.resetContext(thread);
    }

    /** {@code Thread.dispatchUncaughtException}: the thread's body (a task, if captured) threw {@code failure}. */
    public static void onThreadFailed(Thread thread, Throwable failure) {
        if (thread == Thread.currentThread()) {
            TaskRuns.failed(failure); // the body's run: what it ran inline has ended
        }
    }

    /**
     * {@code Thread.setContextClassLoader(loader)}, at entry: a generation's loader given to a running
     * thread by anything but the bind hooks (which bind first), to another thread, or while the thread is
     * bound elsewhere, ends {@link Bindings#contextIsBinding} (a thread not started yet gets its binding's
     * loader when it starts).
     */
    public static void onSetContext(Thread thread, ClassLoader loader) {
        if (loader instanceof GenerationLoader && Bindings.contextIsBinding
                && (thread == Thread.currentThread() ? loader != Bindings.bound() : thread.getState() != Thread.State.NEW)) {
            Bindings.contextIsBinding = false;
            Bindings.contextNotBinding.run();
        }
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
        Bindings.resetContext(thread);
        forgetCreator.accept(thread);
    }

    /** The threads started and not yet running, with their bindings, for diagnostics. */
    static String describeStarting() {
        StringBuilder threads = new StringBuilder();
        STARTED.forEach((thread, body) -> threads.append(((Thread) thread).getName()).append('=').append(body.binding)
                .append("; "));
        return threads.toString();
    }
}
