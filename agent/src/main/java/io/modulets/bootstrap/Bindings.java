package io.modulets.bootstrap;

import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The per-thread binding and the capture hooks that instrumented JDK code calls (DESIGN §2.1,
 * §2.5). This class goes on the bootstrap class path, so it depends on java.base only; the agent
 * fills its static hooks at startup. A binding is the generation's class loader: it is all that
 * JDK code needs (identity and the context class loader), and the agent maps it back to its
 * generation.
 *
 * <p>Hooks are straight-line calls inserted at method entry or before a return, so the
 * instrumented JDK methods keep their stack-map frames.
 */
public final class Bindings {
    /** The generation new root tasks get; set by the agent on every activation. */
    public static volatile ClassLoader current;

    /** Swappable class names, refused by the JDK's built-in loaders; set once by the agent. */
    public static volatile Predicate<String> swappableName;

    /** The Runnable a platform thread was given (a private JDK field); set once by the agent. */
    public static volatile Function<Thread, Object> threadTarget = t -> null;

    /**
     * Thread bodies that are a server's accept/dispatch loop, never a task (DESIGN §1: what such a
     * loop submits is a root task). Started as a task, the loop would stay bound to the generation
     * current at server start, and every request it hands to its executor would inherit it.
     * <ul>
     * <li>{@code sun.net.httpserver.ServerImpl$Dispatcher}: the JDK HttpServer's dispatcher
     *     (JDK 17 and 25); it hands each exchange to the server's executor.
     * </ul>
     */
    private static final Set<String> EVENT_LOOPS = Set.of("sun.net.httpserver.ServerImpl$Dispatcher");

    /** Threads started but not yet running their first read of the binding. */
    private static final WeakIdentityMap<ClassLoader> STARTED = new WeakIdentityMap<>();

    /** Pool worker and agent threads: their start is not a task submission. */
    private static final WeakIdentityMap<Boolean> NEVER_BIND = new WeakIdentityMap<>();

    /** Tasks submitted to an executor and not yet run, with the binding they captured. */
    private static final WeakIdentityMap<ClassLoader> TASKS = new WeakIdentityMap<>();

    /**
     * The binding of the running task, or null on a thread that runs no task. A started thread
     * takes its binding lazily from {@link #STARTED} the first time it asks, which is always after
     * {@code start()} recorded it.
     */
    private static final ThreadLocal<ClassLoader> BOUND = new ThreadLocal<>() {
        @Override
        protected ClassLoader initialValue() {
            return STARTED.remove(Thread.currentThread());
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

    /** The binding a task captures when it is submitted now (§2.1). */
    public static ClassLoader captureFor(Object task) {
        if (task != null && task.getClass().getClassLoader() instanceof GenerationLoader) {
            return task.getClass().getClassLoader();
        }
        return effective();
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
        BOUND.set(binding);
        setContext(thread, binding);
        try {
            body.run();
        } finally {
            BOUND.set(previousBinding);
            setContext(thread, previousContext);
        }
    }

    /**
     * Runs {@code body} as code outside any task (§2.4): references by name resolve in the current
     * generation at each call; the thread's binding is restored afterwards. The boundary
     * benchmarks measure unbound calls with it, on JMH threads that are otherwise bound.
     */
    public static void runUnbound(Runnable body) {
        ClassLoader previous = BOUND.get();
        BOUND.set(null);
        try {
            body.run();
        } finally {
            BOUND.set(previous);
        }
    }

    // ---- hooks called from instrumented JDK code ------------------------------------------

    /** {@code Thread.start()}: the thread's body is a task submitted now. */
    public static void onThreadStart(Thread thread) {
        if (thread.getState() != Thread.State.NEW || NEVER_BIND.remove(thread) != null) {
            return;
        }
        // A Thread subclass of swappable code is the task itself; otherwise its Runnable is.
        Object task = thread.getClass().getClassLoader() instanceof GenerationLoader
                ? thread : threadTarget.apply(thread);
        if (task != null && EVENT_LOOPS.contains(task.getClass().getName())) {
            keepNoGenerationContext(thread);
            return;
        }
        ClassLoader binding = captureFor(task);
        if (binding == null) {
            return;
        }
        STARTED.put(thread, binding);
        ClassLoader context = thread.getContextClassLoader();
        if (context == ClassLoader.getSystemClassLoader() || context instanceof GenerationLoader) {
            setContext(thread, binding);
        }
    }

    /** {@code Thread.exit()}: forget a binding the thread never read. */
    public static void onThreadExit(Thread thread) {
        STARTED.remove(thread);
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
        keepNoGenerationContext(thread);
    }

    /** A thread that runs no task must not keep the context class loader of a generation. */
    private static void keepNoGenerationContext(Thread thread) {
        if (thread.getContextClassLoader() instanceof GenerationLoader) {
            setContext(thread, ClassLoader.getSystemClassLoader());
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

    /** {@code Executor.execute(task)}: capture unless a wrapping step already did. */
    public static void onSubmit(Object task) {
        if (task != null && !TASKS.containsKey(task)) {
            ClassLoader binding = captureFor(task);
            if (binding != null) {
                TASKS.put(task, binding);
            }
        }
    }

    /** {@code newTaskFor(inner)} returned {@code wrapper}: the wrapper runs the inner task's binding. */
    public static void onTaskWrapped(Object wrapper, Object inner) {
        ClassLoader binding = captureFor(inner);
        if (wrapper != null && binding != null) {
            TASKS.put(wrapper, binding);
        }
    }

    /** Replaces {@code task.run()} in a pool worker's loop. */
    public static void runTask(Runnable task) {
        ClassLoader binding = TASKS.remove(task);
        if (binding == null) {
            task.run();
        } else {
            runBound(binding, task);
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
