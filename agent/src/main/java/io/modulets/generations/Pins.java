package io.modulets.generations;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.ThreadHooks;
import io.modulets.boundary.BoundaryLinks;
import io.modulets.config.Log;
import io.modulets.generations.PinReport.Kind;
import io.modulets.generations.PinReport.Pin;
import io.modulets.loader.GenerationClassLoader;
import io.modulets.loader.GenerationModules;

/**
 * Finds what holds a generation's loader, the way Tomcat's leak detection looks at a stopped web
 * application: the JVM's threads (their class, their {@code Runnable}, their context class loader,
 * their thread-locals), shutdown hooks, JDBC drivers and MBeans, objects of its classes that shell code
 * holds ({@link ShellFields}), and the agent's own caches. It
 * reads JDK internals (a thread's thread-local map, the shutdown hook table, the JDBC driver list)
 * through {@link #openJdk}; where that was not possible the report says what it could not see.
 */
public final class Pins {
    private static final String BOOTSTRAP_PACKAGE = "io.modulets.bootstrap.";
    /** Elements of a collection held in a thread-local that are looked at, at most. */
    private static final int ELEMENTS_SEEN = 1_000;

    /** The agent's {@link Instrumentation} once it started: the loaded classes, and what makes {@link #initialized}. */
    private static volatile Instrumentation instrumentation;
    /**
     * Whether a class is initialized (reading a static field of one that is not would initialize it); made at the
     * first report that needs it, not in premain, where its method handle and lambda spun classes every start.
     */
    private static volatile Predicate<Class<?>> initialized;
    private static volatile String initializedUnknown = "the agent did not start";

    private Pins() {
    }

    /**
     * Opens the JDK packages whose internals the report reads ({@code java.lang} for thread-locals
     * and shutdown hooks, {@code java.security} for inherited access control contexts,
     * {@code java.sql} for the registered drivers, {@code java.util} and its atomics for the objects
     * that shell code holds) to the agent. Called once at startup.
     */
    public static void openJdk(Instrumentation inst) {
        Module agent = Pins.class.getModule();
        for (String name : new String[] {"java.base:java.lang", "java.base:java.security", "java.sql:java.sql",
            "java.base:java.util", "java.base:java.util.concurrent.atomic"}) {
            String module = name.substring(0, name.indexOf(':'));
            String pkg = name.substring(name.indexOf(':') + 1);
            Optional<Module> m = ModuleLayer.boot().findModule(module);
            if (m.isPresent()) {
                inst.redefineModule(m.get(), Set.of(), Map.of(), Map.of(pkg, Set.of(agent)), Set.of(), Map.of());
            }
        }
        instrumentation = inst;
    }

    /** {@link #initialized}, made now if it was not yet; null when it cannot be (see initializedUnknown). */
    private static Predicate<Class<?>> initialized() {
        Predicate<Class<?>> test = initialized;
        Instrumentation inst = instrumentation;
        if (test == null && inst != null) {
            test = initializedTest(inst, Pins.class.getModule());
            initialized = test;
        }
        return test;
    }

    /** jdk.internal.misc.Unsafe#shouldBeInitialized, the one way to ask without initializing; null if closed. */
    private static Predicate<Class<?>> initializedTest(Instrumentation inst, Module agent) {
        try {
            inst.redefineModule(Object.class.getModule(), Set.of(), Map.of("jdk.internal.misc", Set.of(agent)),
                    Map.of(), Set.of(), Map.of());
            Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
            Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
            MethodHandle should = MethodHandles.lookup().findVirtual(unsafeClass, "shouldBeInitialized",
                    MethodType.methodType(boolean.class, Class.class)).bindTo(unsafe);
            return c -> {
                try {
                    return !(boolean) should.invokeExact(c);
                } catch (Throwable e) {
                    return false;
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            initializedUnknown = e.getClass().getSimpleName() + ": " + e.getMessage();
            return null;
        }
    }

    /** Classes of queued tasks named one by one; the rest are counted in one more entry. */
    private static final int QUEUED_CLASSES = 10;

    /**
     * The live tasks of {@code loader} that wait in the agent's table, one entry per class ("2 com.acme.Job"):
     * what a generation that keeps draining with no thread bound to it waits for. Tasks that keep their
     * capture in a field of their own are listed when they wait in the queue of a thread pool made after premain;
     * fork/join tasks and CompletableFuture stages are not.
     */
    static List<String> queued(ClassLoader loader) {
        List<String> out = new ArrayList<>();
        int otherTasks = 0;
        int otherClasses = 0;
        for (Map.Entry<String, Integer> entry : Bindings.queuedTasks(loader).entrySet()) {
            if (out.size() < QUEUED_CLASSES) {
                out.add(entry.getValue() + " " + entry.getKey());
            } else {
                otherTasks += entry.getValue();
                otherClasses++;
            }
        }
        if (otherClasses > 0) {
            out.add(otherTasks + " of " + otherClasses + " other classes");
        }
        return out;
    }

    static PinReport report(Generation generation) {
        GenerationClassLoader loader = generation.loader();
        Generation.State state = generation.state();
        List<Pin> pins = new ArrayList<>();
        List<String> blind = new ArrayList<>();
        if (loader == null) {
            return new PinReport(generation.sequence(), state, pins, blind);
        }
        if (loader.liveTasks() > 0) {
            pins.add(new Pin(Kind.LIVE_TASKS, loader.liveTasks() + " submitted and not finished"));
            queued(loader).forEach(what -> pins.add(new Pin(Kind.QUEUED_TASK, what)));
        }
        threads(loader, pins, blind);
        shutdownHooks(loader, pins, blind);
        jdbcDrivers(loader, pins, blind);
        mbeans(loader, pins, blind);
        shellFields(loader, pins, blind);
        int sites = BoundaryLinks.installed().linkedSites(loader);
        if (sites > 0) {
            pins.add(new Pin(Kind.AGENT_CACHE, sites + " boundary call sites link to its classes"));
        }
        pins.sort((a, b) -> a.kind().compareTo(b.kind()));
        return new PinReport(generation.sequence(), state, pins, blind);
    }

    // ---- threads -----------------------------------------------------------------------------

    private static void threads(GenerationClassLoader loader, List<Pin> pins, List<String> blind) {
        ThreadLocals locals = ThreadLocals.open(blind);
        AccessContexts contexts = AccessContexts.open(blind);
        for (Thread thread : allThreads()) {
            String name = "thread '" + thread.getName() + "'";
            if (thread.getClass().getClassLoader() == loader) {
                pins.add(new Pin(Kind.STARTED_THREAD, name + " is a " + thread.getClass().getName()));
            } else {
                Object target = ThreadHooks.threadTarget.apply(thread);
                if (ofLoader(target, loader)) {
                    pins.add(new Pin(Kind.STARTED_THREAD, name + " runs a " + target.getClass().getName()));
                }
            }
            if (thread.getContextClassLoader() == loader) {
                pins.add(new Pin(Kind.CONTEXT_CLASS_LOADER, name));
            }
            if (contexts != null && contexts.names(thread, loader)) {
                pins.add(new Pin(Kind.ACCESS_CONTROL_CONTEXT, name + " was created while its code was on the stack"));
            }
            if (locals != null) {
                locals.scan(thread, loader, name, pins);
            }
        }
    }

    /**
     * Up to JDK 23 every new thread keeps the access control context of its creator's stack: the
     * protection domains of the classes on it, each naming its class loader. A pool worker created
     * while a task of a generation submitted work thus holds that generation for its whole life.
     * The field is gone where the Security Manager is (JDK 24): nothing to look at there.
     */
    private static final class AccessContexts {
        private final VarHandle inherited;
        private final VarHandle domains;

        private AccessContexts(VarHandle inherited, VarHandle domains) {
            this.inherited = inherited;
            this.domains = domains;
        }

        static AccessContexts open(List<String> blind) {
            try {
                Class<?> acc = Class.forName("java.security.AccessControlContext");
                return new AccessContexts(
                        MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                                .findVarHandle(Thread.class, "inheritedAccessControlContext", acc),
                        MethodHandles.privateLookupIn(acc, MethodHandles.lookup())
                                .findVarHandle(acc, "context", java.security.ProtectionDomain[].class));
            } catch (ClassNotFoundException | NoSuchFieldException absent) {
                return null; // a JDK without it: no thread holds one
            } catch (ReflectiveOperationException | RuntimeException e) {
                blind.add("inherited access control contexts (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + ")");
                return null;
            }
        }

        boolean names(Thread thread, ClassLoader loader) {
            Object context = inherited.get(thread);
            java.security.ProtectionDomain[] pds = context == null ? null
                    : (java.security.ProtectionDomain[]) domains.get(context);
            if (pds != null) {
                for (java.security.ProtectionDomain pd : pds) {
                    if (pd != null && pd.getClassLoader() == loader) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static Thread[] allThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        return java.util.Arrays.copyOf(threads, n);
    }

    /** Reads other threads' thread-local maps (a racy read of a snapshot: good enough for a report). */
    private static final class ThreadLocals {
        private final VarHandle threadLocals;
        private final VarHandle inheritable;
        private final VarHandle table;
        private final VarHandle value;

        private ThreadLocals(VarHandle threadLocals, VarHandle inheritable, VarHandle table, VarHandle value) {
            this.threadLocals = threadLocals;
            this.inheritable = inheritable;
            this.table = table;
            this.value = value;
        }

        static ThreadLocals open(List<String> blind) {
            try {
                Class<?> map = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
                Class<?> entry = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry");
                MethodHandles.Lookup inThread = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
                return new ThreadLocals(
                        inThread.findVarHandle(Thread.class, "threadLocals", map),
                        inThread.findVarHandle(Thread.class, "inheritableThreadLocals", map),
                        MethodHandles.privateLookupIn(map, MethodHandles.lookup())
                                .findVarHandle(map, "table", entry.arrayType()),
                        MethodHandles.privateLookupIn(entry, MethodHandles.lookup())
                                .findVarHandle(entry, "value", Object.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                blind.add("thread-locals (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
                return null;
            }
        }

        void scan(Thread thread, ClassLoader loader, String name, List<Pin> pins) {
            scan(threadLocals.get(thread), thread, loader, name, pins);
            scan(inheritable.get(thread), thread, loader, name, pins);
        }

        private void scan(Object map, Thread thread, ClassLoader loader, String name, List<Pin> pins) {
            if (map == null) {
                return;
            }
            for (Object entry : (Object[]) table.get(map)) {
                if (entry == null) {
                    continue;
                }
                Object key = ((Reference<?>) entry).get();
                Object held = value.get(entry);
                if (key != null && key.getClass().getName().startsWith(BOOTSTRAP_PACKAGE)
                        && Bindings.bindingIn(held) == loader) {
                    pins.add(new Pin(Kind.BOUND_THREAD, name + kind(thread)));
                } else if (ofLoader(key, loader) || holds(held, loader)) {
                    String owner = key == null ? "(collected ThreadLocal)" : key.getClass().getName();
                    pins.add(new Pin(Kind.THREAD_LOCAL, owner + " of " + name + " holds "
                            + (held == null ? "null" : describe(held))));
                }
            }
        }
    }

    /** What a bound thread is, for the operator who decides whether it is a loop: its class, or its Runnable's. */
    private static String kind(Thread thread) {
        Object target = ThreadHooks.threadTarget.apply(thread);
        String type = thread.getClass() == Thread.class ? "" : "a " + thread.getClass().getName();
        String runs = target == null ? "" : "running a " + target.getClass().getName();
        return type.isEmpty() && runs.isEmpty() ? "" : " (" + type + (type.isEmpty() || runs.isEmpty() ? "" : " ")
                + runs + ")";
    }

    // ---- shutdown hooks, JDBC drivers, MBeans ---------------------------------------------------

    private static void shutdownHooks(ClassLoader loader, List<Pin> pins, List<String> blind) {
        List<Thread> hooks;
        try {
            Class<?> table = Class.forName("java.lang.ApplicationShutdownHooks");
            VarHandle field = MethodHandles.privateLookupIn(table, MethodHandles.lookup())
                    .findStaticVarHandle(table, "hooks", java.util.IdentityHashMap.class);
            synchronized (table) { // its methods are static synchronized
                Map<?, ?> map = (Map<?, ?>) field.get();
                hooks = map == null ? List.of() : new ArrayList<>(castThreads(map.keySet()));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            blind.add("shutdown hooks (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            return;
        }
        for (Thread hook : hooks) {
            Object target = ThreadHooks.threadTarget.apply(hook);
            if (hook.getClass().getClassLoader() == loader || ofLoader(target, loader)
                    || hook.getContextClassLoader() == loader) {
                pins.add(new Pin(Kind.SHUTDOWN_HOOK, "thread '" + hook.getName() + "' ("
                        + (ofLoader(target, loader) ? target.getClass() : hook.getClass()).getName() + ")"));
            }
        }
    }

    private static List<Thread> castThreads(Collection<?> objects) {
        List<Thread> threads = new ArrayList<>();
        for (Object o : objects) {
            threads.add((Thread) o);
        }
        return threads;
    }

    private static void jdbcDrivers(ClassLoader loader, List<Pin> pins, List<String> blind) {
        if (ModuleLayer.boot().findModule("java.sql").isEmpty()) {
            return; // no JDBC in this runtime
        }
        try {
            // DriverManager.getDrivers() shows only the drivers the caller's loader can see: read the list.
            // java.sql is the platform loader's, which the agent's classes in the boot loader do not see by default
            ClassLoader platform = ClassLoader.getPlatformClassLoader();
            Class<?> manager = Class.forName("java.sql.DriverManager", false, platform);
            Class<?> info = Class.forName("java.sql.DriverInfo", false, platform);
            Class<?> driverType = Class.forName("java.sql.Driver", false, platform);
            VarHandle registered = MethodHandles.privateLookupIn(manager, MethodHandles.lookup())
                    .findStaticVarHandle(manager, "registeredDrivers", java.util.concurrent.CopyOnWriteArrayList.class);
            VarHandle driver = MethodHandles.privateLookupIn(info, MethodHandles.lookup())
                    .findVarHandle(info, "driver", driverType);
            for (Object entry : (List<?>) registered.get()) {
                Object d = driver.get(entry);
                if (ofLoader(d, loader)) {
                    pins.add(new Pin(Kind.JDBC_DRIVER, d.getClass().getName()
                            + " (call DriverManager.deregisterDriver when its code is done)"));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            blind.add("JDBC drivers (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private static void mbeans(ClassLoader loader, List<Pin> pins, List<String> blind) {
        List<MBeanServer> servers;
        try {
            // Only servers that exist: a report must not create the platform MBean server.
            servers = MBeanServerFactory.findMBeanServer(null);
        } catch (RuntimeException e) {
            blind.add("MBeans (" + e.getMessage() + ")");
            return;
        }
        for (MBeanServer server : servers) {
            for (ObjectName name : server.queryNames(null, null)) {
                try {
                    if (server.getClassLoaderFor(name) == loader) {
                        pins.add(new Pin(Kind.MBEAN, name.toString()));
                    }
                } catch (Exception unregisteredMeanwhile) {
                    // gone: it holds nothing any more
                }
            }
        }
    }

    // ---- objects held by shell code ------------------------------------------------------------

    private static void shellFields(GenerationClassLoader loader, List<Pin> pins, List<String> blind) {
        Predicate<Class<?>> isInitialized = initialized();
        if (isInitialized == null) {
            blind.add("objects held by shell code (cannot tell which classes are initialized: " + initializedUnknown
                    + ")");
            return;
        }
        long start = System.nanoTime();
        List<Class<?>> shell = new ArrayList<>();
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            if ((isShell(c.getClassLoader()) || isShellModule(c)) && !c.isArray() && isInitialized.test(c)) {
                shell.add(c);
            }
        }
        int visited = ShellFields.walk(shell, loader, ShellFields.DEPTH, ShellFields.BUDGET, pins, blind);
        Log.debug("pins of %s: %d objects visited from the static fields of %d shell classes in %d ms", loader,
                visited, shell.size(), (System.nanoTime() - start) / 1_000_000);
    }

    /** As the boundary decides: a loader not the JDK's, not the agent's, not a generation's. */
    private static boolean isShell(ClassLoader loader) {
        return loader != null && loader != Pins.class.getClassLoader() && !(loader instanceof GenerationLoader)
                && loader != ClassLoader.getPlatformClassLoader()
                && !loader.getClass().getName().startsWith("jdk.internal.");
    }

    /** A class of a modular application's shell module (the JDK's application loader defines it). */
    private static boolean isShellModule(Class<?> c) {
        GenerationModules modules = GenerationModules.installed();
        return modules != null && modules.isShell(c.getModule());
    }

    // ---- what belongs to the generation ---------------------------------------------------------

    /** Whether {@code o} is the loader, one of its classes, or an object of one. */
    private static boolean ofLoader(Object o, ClassLoader loader) {
        if (o == null) {
            return false;
        }
        if (o == loader) {
            return true;
        }
        Class<?> type = o instanceof Class<?> c ? c : o.getClass();
        while (type.isArray()) {
            type = type.getComponentType();
        }
        return type.getClassLoader() == loader;
    }

    /** {@link #ofLoader}, also one level into a collection, map, array or reference. */
    private static boolean holds(Object o, ClassLoader loader) {
        if (ofLoader(o, loader)) {
            return true;
        }
        if (o instanceof Reference<?> r) {
            return ofLoader(r.get(), loader);
        }
        if (o instanceof Object[] array) {
            return anyOf(java.util.Arrays.asList(array), loader);
        }
        if (o instanceof Collection<?> c) {
            return anyOf(c, loader);
        }
        if (o instanceof Map<?, ?> m) {
            return anyOf(m.keySet(), loader) || anyOf(m.values(), loader);
        }
        return false;
    }

    private static boolean anyOf(Collection<?> elements, ClassLoader loader) {
        int seen = 0;
        try {
            for (Object e : elements) {
                if (ofLoader(e, loader)) {
                    return true;
                }
                if (++seen == ELEMENTS_SEEN) {
                    return false;
                }
            }
        } catch (RuntimeException changedMeanwhile) {
            // another thread's collection, read without its lock
        }
        return false;
    }

    private static String describe(Object held) {
        if (held instanceof Class<?> c) {
            return "class " + c.getName();
        }
        if (held instanceof ClassLoader) {
            return "its class loader";
        }
        return "a " + held.getClass().getName();
    }

}
