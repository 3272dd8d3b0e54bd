package io.modulets.bootstrap;

import java.lang.invoke.SwitchPoint;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The per-thread binding (DESIGN §2.1, §2.5): which generation the task that a thread runs belongs to,
 * and what a task submitted now captures. This package goes on the bootstrap class path, so it depends
 * on java.base only; the agent fills its static hooks at startup. A binding is the generation's class
 * loader: it is all that JDK code needs (identity and the context class loader), and the agent maps it
 * back to its generation.
 *
 * <p>The hooks that instrumented JDK code calls are in one class per family, beside the rules that
 * insert them ({@code io.modulets.capture}): {@link ThreadHooks}, {@link ExecutorHooks}, {@link
 * DroppedTaskHooks}, {@link ForkJoinHooks}, {@link StageHooks}, {@link LoaderHooks}, and for servers
 * {@link Requests} and {@link Connections}. Each binds through a {@link Scope}. Hooks are straight-line
 * calls inserted at method entry, before a return, or in place of one call, so the instrumented JDK
 * methods keep their stack-map frames; anything that needs a try/finally or a branch lives in the hook
 * classes, in plain Java. What a task captured is kept beside it in {@link PendingTasks}, which also
 * counts live tasks.
 */
public final class Bindings {
    /** The generations tasks and calls can reach now: written only through {@link #publish}. */
    private static volatile LiveSet liveSet = LiveSet.NONE;

    /** The task a JDK adapter (FutureTask, ForkJoinTask.adapt, …) wraps, else null; set once by the agent. */
    public static volatile Function<Object, Object> taskInner = NoHook.instance();

    /**
     * Whether a JFR recording wants the {@code modulets.TaskBinding} event: flipped by the agent when
     * recordings start and stop. While false, binding a task costs this one field read.
     */
    public static volatile boolean taskBindingEvents;

    /** Told of each binding of a task's thread while {@link #taskBindingEvents}; set once by the agent. */
    public static volatile Consumer<ClassLoader> taskBound = NoHook.instance();

    /**
     * Whether a running thread's context class loader, when it is a generation's loader, is the thread's
     * binding: the bind hooks keep it so, and the boundary then reads the binding from it (one field
     * instead of a thread-local). Set once by the agent when it has hooked {@code setContextClassLoader};
     * false for good once other code gives a running thread a generation's loader that is not its binding
     * ({@link ThreadHooks#onSetContext}).
     */
    public static volatile boolean contextIsBinding;

    /** Told once when {@link #contextIsBinding} turns false; set once by the agent. */
    public static volatile Runnable contextNotBinding = NoHook.instance();

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private Bindings() {
    }

    /**
     * The binding of the task this thread runs, or null if it runs none (it then follows {@link #current()}). A
     * started thread takes its binding lazily from {@link ThreadHooks} the first time it asks ({@link ThreadState}).
     */
    public static ClassLoader bound() {
        return ThreadState.current().bound;
    }

    /**
     * The binding that a value of the agent's per-thread state holds, or null if {@code threadLocalValue} is none
     * (for the pin report, which reads other threads' thread-local maps).
     */
    public static ClassLoader bindingIn(Object threadLocalValue) {
        return threadLocalValue instanceof ThreadState ? ((ThreadState) threadLocalValue).bound : null;
    }

    /** The generations tasks and calls can reach now (one volatile read). */
    public static LiveSet liveSet() {
        return liveSet;
    }

    /**
     * The current generation: what unbound code resolves in (§2.4), and what new root tasks get unless
     * a canary draws them; null before generation 1.
     */
    public static ClassLoader current() {
        return liveSet.current;
    }

    /** {@link #current()}'s token at the boundary ({@link LiveSet#currentToken}). */
    public static int currentToken() {
        return liveSet.currentToken;
    }

    /** The canary generation in progress, or null. */
    public static ClassLoader canary() {
        return liveSet.canary();
    }

    /** The generation that a reference by name resolves in, for this thread now (§2.2, §2.4). */
    public static ClassLoader effective() {
        ClassLoader bound = ThreadState.current().bound;
        return bound != null ? bound : liveSet.current;
    }

    /**
     * The binding a task captures when it is submitted now (§2.1): the generation of its own class,
     * looking through the JDK's adapters (a FutureTask around a swappable Callable), else the
     * submitter's; a root task (submitted by a thread that runs no task) gets {@link #rootBinding()}.
     */
    public static ClassLoader captureFor(Object task) {
        return captureFor(task, ThreadState.current());
    }

    /** As {@link #captureFor(Object)}, on the thread whose state the caller has read already. */
    static ClassLoader captureFor(Object task, ThreadState state) {
        ClassLoader own = ownGeneration(task);
        if (own != null) {
            return own;
        }
        ClassLoader bound = state.bound;
        return bound != null ? bound : rootBinding();
    }

    /**
     * {@code loader}, or, if it is a generation's loader, the shell loader it stands in front of: for a server object
     * that keeps the context class loader of the thread that makes it (Jetty's WebSocket session, made in its
     * handshake's request), which would otherwise keep that generation loaded for the object's life.
     */
    public static ClassLoader withoutGeneration(ClassLoader loader) {
        return loader instanceof GenerationLoader ? loader.getParent() : loader;
    }

    /**
     * The binding of a root task submitted now: the canary for its fraction of them, else the current
     * generation. One volatile read; with a canary, a thread-local random draw (no allocation, no lock,
     * no shared write).
     */
    public static ClassLoader rootBinding() {
        return liveSet.rootBinding();
    }

    /**
     * Publishes {@code next}, built from the published set: the one write of which generations are live
     * (only {@code BoundaryLinks.update} calls it, under its lock). The boundary's epochs that {@code next}
     * renews end first, so that no call site links in an epoch after its successor or keeps serving the
     * fast path of a generation that is no longer the only one.
     */
    public static void publish(LiveSet next) {
        LiveSet previous = liveSet;
        if (previous.receiverEpoch != next.receiverEpoch) {
            SwitchPoint.invalidateAll(new SwitchPoint[] {previous.bindingEpoch.switchPoint,
                    previous.receiverEpoch.switchPoint});
        } else if (previous.bindingEpoch != next.bindingEpoch) {
            SwitchPoint.invalidateAll(new SwitchPoint[] {previous.bindingEpoch.switchPoint});
        }
        liveSet = next;
    }

    /** The generation that defined the task's class, or the class of the task a JDK adapter wraps; else null. */
    static ClassLoader ownGeneration(Object task) {
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

    /** The task inside the JDK's adapters (a FutureTask around a lambda), or the task itself. */
    static Object innermost(Object task) {
        for (int depth = 0; depth < 4; depth++) {
            Object inner = taskInner.apply(task);
            if (inner == null) {
                return task;
            }
            task = inner;
        }
        return task;
    }

    /** Defined by the JDK's boot or platform loader (jdk.httpserver and java.net.http are platform modules). */
    static boolean isJdk(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == PLATFORM;
    }

    /** Blocks until a task dropped without running is collected, and stops counting it (an agent thread loops on it). */
    public static void reclaimCollected() throws InterruptedException {
        PendingTasks.reclaimCollected();
    }

    /**
     * The submitted tasks that captured {@code generation} and wait in the agent's table, by class (DESIGN §6):
     * what a generation that keeps draining is waiting for. Tasks that keep their capture in a field of their
     * own (FutureTask, fork/join tasks, CompletableFuture stages) are not among them.
     */
    public static java.util.Map<String, Integer> queuedTasks(ClassLoader generation) {
        return PendingTasks.queuedByClass(generation);
    }

    /** Which JDK task classes keep their capture in a field of their own (for the startup log). */
    public static String taskFields() {
        return "FutureTask " + (Slots.FUTURE_TASK != null) + ", ForkJoinTask " + (Slots.FORK_JOIN_TASK != null)
                + ", CompletableFuture stages " + (StageHooks.COMPLETION != null);
    }

    /**
     * Binds the running thread (its {@code state}) to {@code binding}, its context class loader too (§2.5), unless
     * it already is bound to it with it as its context class loader. Returns whether it bound. Only
     * {@link Scope} calls it.
     */
    static boolean bind(ThreadState state, ClassLoader binding, ClassLoader previousBinding,
                        ClassLoader previousContext) {
        if (binding == previousBinding && binding == previousContext) {
            return false;
        }
        state.bound = binding;
        setOwnContext(state, Thread.currentThread(), binding);
        if (taskBindingEvents) {
            taskBound.accept(binding);
        }
        return true;
    }

    /** A generation's loader must not stay a thread's context class loader without its binding. */
    static void resetContext(Thread thread) {
        if (thread.getContextClassLoader() instanceof GenerationLoader) {
            setContext(thread, ClassLoader.getSystemClassLoader());
        }
    }

    /** The running thread's own write, as a task binds or its run restores (§2.5): through its field where allowed. */
    static void setOwnContext(ThreadState state, Thread running, ClassLoader loader) {
        if (state.writesOwnContext) {
            ContextWrites.write(running, loader);
        } else {
            setContext(running, loader);
        }
    }

    /** JDK system threads (InnocuousThread) refuse a context class loader; they keep theirs. */
    static void setContext(Thread thread, ClassLoader loader) {
        try {
            thread.setContextClassLoader(loader);
        } catch (SecurityException | UnsupportedOperationException refused) {
            // nothing to restore: the thread keeps the loader it had
        }
    }
}
