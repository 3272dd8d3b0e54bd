package io.modulets.capture;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.CoroutineHooks;
import io.modulets.bootstrap.ForkJoinHooks;
import io.modulets.bootstrap.ExecutorHooks;
import io.modulets.bootstrap.ThreadHooks;
import io.modulets.bootstrap.LoaderHooks;
import io.modulets.bootstrap.Requests;
import io.modulets.config.Log;
import io.modulets.config.PackageFilter;

/**
 * Hand-written ASM in the JDK's submission points (docs/JVM-NOTES.md, startup: Byte Buddy's first use
 * costs 400-700 ms, this costs a few). Only straight-line calls are inserted (see {@link Hooks}),
 * so the classes keep their frames and no class is loaded to compute one.
 */
public final class CaptureTransformer implements ClassFileTransformer {
    /**
     * The JDK's submission points by internal name: every class {@link #family} makes rules for. Names, not rules:
     * a family's rules (and their classes) are made when one of its targets is first given to the transformer, as
     * it loads or at install's retransformation, so a JVM that never loads a Timer or a fork/join pool never loads
     * their rules either (docs/PERFORMANCE.md, start-up). {@code CaptureTargetsTest} checks the two agree.
     */
    static final Set<String> JDK_TARGETS = Set.of("java/lang/Thread", "java/lang/VirtualThread",
            "java/util/concurrent/ThreadPoolExecutor", "java/util/concurrent/ThreadPoolExecutor$DiscardOldestPolicy",
            "java/util/concurrent/ThreadPoolExecutor$Worker", "java/util/concurrent/ScheduledThreadPoolExecutor",
            "java/util/concurrent/FutureTask", "java/util/concurrent/ForkJoinTask",
            "java/util/concurrent/ForkJoinTask$InterruptibleTask", "java/util/concurrent/ForkJoinPool",
            "java/util/Timer", "java/util/TimerThread", "java/util/TimerTask", "java/util/concurrent/CompletableFuture",
            "java/util/concurrent/CompletableFuture$CoCompletion",
            "java/util/concurrent/CompletableFuture$UniCompletion", "java/util/concurrent/CompletableFuture$Completion",
            "jdk/internal/loader/BuiltinClassLoader", LambdaClassRule.METAFACTORY, ManagementRules.FACTORY);

    /** The rules of the family that rewrites {@code target} (one of {@link #JDK_TARGETS}), one family per file. */
    static List<Transformlet> family(String target) {
        return switch (target) {
            case "java/lang/Thread", "java/lang/VirtualThread" -> ThreadRules.rules();
            case "java/util/concurrent/ThreadPoolExecutor",
                    "java/util/concurrent/ThreadPoolExecutor$DiscardOldestPolicy" -> ThreadPoolRules.rules();
            case "java/util/concurrent/ThreadPoolExecutor$Worker" -> List.of(new PoolWorkerTransformlet());
            case "java/util/concurrent/ScheduledThreadPoolExecutor" -> ScheduledPoolRules.rules();
            case "java/util/concurrent/FutureTask" -> FutureTaskRules.rules();
            case "java/util/concurrent/ForkJoinTask", "java/util/concurrent/ForkJoinTask$InterruptibleTask",
                    "java/util/concurrent/ForkJoinPool" -> ForkJoinRules.rules();
            case "java/util/Timer", "java/util/TimerThread", "java/util/TimerTask" -> TimerRules.rules();
            case "java/util/concurrent/CompletableFuture", "java/util/concurrent/CompletableFuture$CoCompletion",
                    "java/util/concurrent/CompletableFuture$UniCompletion",
                    "java/util/concurrent/CompletableFuture$Completion" -> CompletableFutureRules.rules();
            case "jdk/internal/loader/BuiltinClassLoader" -> List.of(new BuiltinLoaderTransformlet());
            case LambdaClassRule.METAFACTORY -> List.of(new LambdaClassRule());
            case ManagementRules.FACTORY -> ManagementRules.rules();
            default -> List.of();
        };
    }

    /** Every family's rules (the tests'). */
    static List<Transformlet> jdkRules() {
        Map<String, Transformlet> rules = new java.util.TreeMap<>();
        for (String target : JDK_TARGETS) {
            for (Transformlet rule : family(target)) {
                rules.putIfAbsent(rule.className(), rule);
            }
        }
        return new ArrayList<>(rules.values());
    }

    /** The rules of the JDK targets given so far, by internal name: filled a family at a time ({@link #jdkRule}). */
    private final Map<String, Transformlet> jdkClasses = new ConcurrentHashMap<>();
    /** The application classes the agent's rules rewrite, and those named by the {@code executors} argument. */
    private final Set<String> appTargets;
    /** The {@code executors} argument: the classes it names. */
    private final List<String> executors;
    /** The rules of {@link #appTargets} by internal name, null until the first of them loads ({@link #appRule}). */
    private volatile Map<String, Transformlet> appClasses;

    /** Classes with request methods (servers, schedulers, the {@code requests} agent argument). */
    private final Map<String, List<RequestMethod>> requestClasses = new HashMap<>();

    /**
     * Every class a server family's own hooks rewrite ({@code NettyHooks}, {@code NettyHttp2Hooks},
     * {@code JettyWebSocketHooks}, {@code SpringSchedulingHooks}, {@code JettyCoreHooks}), by their constants, which
     * the compiler copies here: a family's classes then load when one of its classes does, not at the first class the
     * transformer is given (about 20 classes in every JVM; docs/PERFORMANCE.md, start-up). {@code
     * FamilyHookedTest} checks that it names all of them.
     */
    static final Set<String> FAMILY_HOOKED = Set.of(NettyHooks.DECODER, NettyHooks.ENCODER, NettyHooks.FRAME_DECODER,
            NettyHttp2Hooks.READER, NettyHttp2Hooks.ENCODER, NettyHttp2Hooks.UPGRADED, NettyHttp2Hooks.FRAME_STREAM,
            NettyHttp2Hooks.STREAM_READS, JettyWebSocketHooks.SESSION, JettyWebSocketHooks.SESSION_10,
            SpringSchedulingHooks.RUNNABLE, JettyCoreHooks.CHANNEL, JettyCoreHooks.RESPONSE);

    /** The classes of {@link Servers#UNHOOKED} already said (once per JVM). */
    private final Set<String> unhookedSaid = ConcurrentHashMap.newKeySet();

    /** JDK task classes that get the capture field when they load. */
    private final Set<String> withField;

    /**
     * The JDK targets this transformer was given, as they loaded or at a retransformation: a target loaded but
     * not among them was never instrumented ({@link #instrumentMissed}).
     */
    private final Set<String> given = ConcurrentHashMap.newKeySet();

    /** Whether {@code ManagementFactory} loads after the transformer, so that its hook sees the MBean server made. */
    private final boolean seesPlatformServerMade;

    private CaptureTransformer(List<String> executors, List<RequestMethod> requests, Set<String> withField,
                               boolean seesPlatformServerMade) {
        this.withField = withField;
        this.seesPlatformServerMade = seesPlatformServerMade;
        for (RequestMethod request : requests) {
            List<RequestMethod> methods = requestClasses.get(request.internalName());
            if (methods == null) {
                methods = new ArrayList<>();
                requestClasses.put(request.internalName(), methods);
            }
            methods.add(request);
        }
        this.executors = executors;
        this.appTargets = appTargets(executors);
    }

    /** The internal names of the classes {@link #appRules} rewrite, without making the rules. */
    static Set<String> appTargets(List<String> executors) {
        Set<String> names = new HashSet<>(OWN_APP_TARGETS);
        for (String pool : Servers.POOLS) {
            names.add(pool.replace('.', '/'));
        }
        for (String callback : Servers.CALLBACKS) {
            names.add(callback.substring(0, callback.indexOf('#')).replace('.', '/'));
        }
        for (String[] listener : Servers.LISTENERS) {
            names.add(listener[0].replace('.', '/'));
        }
        for (String[] schedule : Servers.SCHEDULES) {
            names.add(schedule[0].replace('.', '/'));
        }
        for (String executor : executors) {
            names.add(executor.replace('.', '/'));
        }
        return Set.copyOf(names);
    }

    /**
     * The application classes the agent's own rules rewrite besides the server executors of {@link Servers}, by
     * name ({@link NettyTimerRule}, {@link NettyPeriodicRules}, {@link CoroutineRules}, {@link
     * ApplicationLoaderTransformlet}): the application's rules are made when the first class they rewrite loads, not
     * in premain (about 15 classes; docs/PERFORMANCE.md, start-up). {@code FamilyHookedTest} checks it names them all.
     */
    static final Set<String> OWN_APP_TARGETS = Set.of("io/netty/util/HashedWheelTimer$HashedWheelTimeout",
            "io/netty/util/concurrent/AbstractScheduledEventExecutor", "io/netty/util/concurrent/PromiseTask",
            "kotlinx/coroutines/CoroutineContextKt", "kotlinx/coroutines/AbstractCoroutine",
            "org/springframework/boot/loader/launch/LaunchedClassLoader",
            "org/springframework/boot/loader/LaunchedURLClassLoader",
            "org/apache/catalina/loader/WebappClassLoaderBase",
            "org/eclipse/jetty/webapp/WebAppClassLoader", "org/eclipse/jetty/ee/webapp/WebAppClassLoader",
            "org/eclipse/jetty/ee8/webapp/WebAppClassLoader", "org/eclipse/jetty/ee9/webapp/WebAppClassLoader",
            "org/eclipse/jetty/ee10/webapp/WebAppClassLoader", "org/eclipse/jetty/ee11/webapp/WebAppClassLoader");

    /** The application's rules by internal name, made at once ({@link #appRule}); {@code executors} as given. */
    static Map<String, Transformlet> appRules(List<String> executors) {
        Map<String, Transformlet> rules = new HashMap<>();
        for (String pool : Servers.POOLS) {
            addAppRule(rules, CustomExecutorTransformlet.serverPool(pool));
        }
        for (String callback : Servers.CALLBACKS) {
            int hash = callback.indexOf('#');
            addAppRule(rules, CustomExecutorTransformlet.serverCallback(callback.substring(0, hash),
                    callback.substring(hash + 1)));
        }
        for (String[] listener : Servers.LISTENERS) {
            addAppRule(rules, CustomExecutorTransformlet.serverListener(listener[0], listener[1], listener[2]));
        }
        for (String[] schedule : Servers.SCHEDULES) {
            addAppRule(rules, CustomExecutorTransformlet.serverSchedule(schedule[0],
                    List.of(schedule).subList(1, schedule.length)));
        }
        addAppRule(rules, NettyTimerRule.rule());
        for (Transformlet rule : NettyPeriodicRules.rules()) {
            addAppRule(rules, rule);
        }
        for (Transformlet rule : CoroutineRules.rules()) {
            addAppRule(rules, rule);
        }
        for (Transformlet rule : ApplicationLoaderTransformlet.rules()) {
            addAppRule(rules, rule);
        }
        for (String executor : executors) {
            // named by the application: in place of any rule of the agent's for that class, as always
            Transformlet rule = new CustomExecutorTransformlet(executor);
            rules.put(rule.className(), rule);
        }
        return rules;
    }

    /** A rule for an application's class; a second rule for the same class (Jetty's request) applies after it. */
    private static void addAppRule(Map<String, Transformlet> rules, Transformlet rule) {
        Transformlet earlier = rules.get(rule.className());
        rules.put(rule.className(), earlier == null ? rule : Transformlet.both(earlier, rule));
    }

    /**
     * The rule of an application class, the application's rules made the first time one is asked for; null for
     * any other class. Two threads may make them at once (no lock: making them loads classes): either's are kept,
     * they are equal.
     */
    private Transformlet appRule(String name) {
        if (!appTargets.contains(name)) {
            return null;
        }
        Map<String, Transformlet> rules = appClasses;
        if (rules == null) {
            rules = appRules(executors);
            appClasses = rules;
        }
        return rules.get(name);
    }

    /**
     * Lets java.base call the bootstrap holder, gives the holder what it needs from the agent, then
     * installs the rules and rewrites the JDK targets already loaded. Loads no target: each is rewritten as it
     * loads, and the code here and in the transformers names them by their names, never by class literals
     * (see {@link #instrumentMissed} for why that matters).
     */
    public static CaptureTransformer install(Instrumentation inst, PackageFilter filter, List<String> executors,
                               List<String> loops, List<String> requests)
            throws UnmodifiableClassException, ReflectiveOperationException {
        // Named modules do not read unnamed ones: without this, the inserted calls from
        // java.lang.Thread to the holder would fail with IllegalAccessError. The holder and the agent
        // read private members of java.util.concurrent (the adapters' tasks, ForkJoinTask.exec).
        // One module when the agent's classes are in the boot loader with the holder (AgentJar), two when not.
        Set<Module> agentModules = new HashSet<>(
                List.of(Bindings.class.getModule(), CaptureTransformer.class.getModule()));
        // jdk.internal.misc: the holder's Unsafe for the tasks' own fields (exported to the agent's module in premain,
        // which is the holder's when the agent's classes are in the boot loader).
        inst.redefineModule(Object.class.getModule(), Set.of(Bindings.class.getModule()),
                Map.of("jdk.internal.misc", Set.of(Bindings.class.getModule())),
                Map.of("java.util.concurrent", agentModules), Set.of(), Map.of());
        Set<String> notLoaded = notLoaded(inst, NOT_LOADED_YET);
        // The task classes not loaded yet get a field for their capture as they load (a loaded class
        // cannot take a new field).
        Set<String> withField = new HashSet<>(notLoaded);
        withField.retainAll(TASK_CLASSES);
        // The JDK's HttpServer and java.management are platform modules: their hooked methods call the holder too.
        for (String name : List.of("jdk.httpserver", "java.management")) {
            Optional<Module> platform = ModuleLayer.boot().findModule(name);
            if (platform.isPresent()) {
                inst.redefineModule(platform.get(), Set.of(Bindings.class.getModule()), Map.of(), Map.of(), Set.of(),
                        Map.of());
            }
        }
        List<RequestMethod> requestMethods = new ArrayList<>(Servers.REQUESTS);
        for (String request : requests) {
            int hash = request.indexOf('#');
            requestMethods.add(RequestMethod.call(request.substring(0, hash), request.substring(hash + 1)));
        }
        CaptureTransformer transformer = new CaptureTransformer(executors, requestMethods, withField,
                notLoaded.contains(ManagementRules.FACTORY));
        // before the pool's hooks can run: a pool submission before it would take it for no carrier pool
        ForkJoinHooks.carrierPoolReader = HookFunctions.CARRIER_POOL;
        inst.addTransformer(transformer, true);
        if (Log.debugging()) {
            // Only then (it loads the three task classes): the fields' handles are otherwise made when the
            // first such task is submitted.
            Log.debug("capture: the capture in a field of the task: %s", Bindings.taskFields());
        }
        LoaderHooks.swappableName = new Predicate<>() {
            @Override
            public boolean test(String name) {
                return filter.isSwappable(name); // a class, not a method reference: see HookFunctions
            }
        };
        ThreadHooks.threadTarget = ThreadTargets.reader();
        List<String> loopNames = new ArrayList<>(Servers.LOOPS);
        loopNames.addAll(loops);
        ThreadHooks.loopThread = new LoopThreads(loopNames, ThreadHooks.threadTarget);
        CoroutineHooks.elements = HookFunctions.COROUTINE_ELEMENTS;
        Requests.statusReader = new ResponseStatuses(Servers.STATUSES);
        ExecutorHooks.serverTask = HookFunctions.SERVER_TASK;
        ExecutorHooks.serverCode = HookFunctions.SERVER_CODE;
        ExecutorHooks.reschedulingTask = HookFunctions.RESCHEDULING_TASK;
        Requests.jobHandOff = HookFunctions.JOB_HAND_OFF;
        ThreadHooks.forgetCreator = ThreadTargets.creatorForgetter();
        Bindings.taskInner = TaskAdapters.reader();
        startReclaimer();
        // Loaded before the transformer (Thread, BuiltinClassLoader): retransformed, as expected, without a word.
        transformer.instrumentMissed(inst, false);
        Bindings.contextIsBinding = ThreadRules.contextHooked();
        return transformer;
    }

    /**
     * Retransforms the JDK targets that are loaded but were never given to this transformer, and with
     * {@code warn} says so in one line. A target is missed that way when it loaded before the transformer
     * was added, or when it first loaded on a thread that was inside one of the agent's transformers:
     * {@code java.lang.instrument} gives an agent's transformers no class while one of them runs on the same
     * thread (JPLISAgent's re-entrancy token). No target is loaded by the transformers' code (nor by the
     * classes they use, their static initialisers and verification included: {@code CaptureTargetsTest}), so
     * after install this finds nothing; it is the net in case it ever does. Tasks such a target took before this
     * ran were not bound.
     */
    public void instrumentMissed(Instrumentation inst, boolean warn) throws UnmodifiableClassException {
        List<Class<?>> missed = missed(inst.getAllLoadedClasses(), JDK_TARGETS, given);
        if (missed.isEmpty()) {
            return;
        }
        if (warn) {
            List<String> names = new ArrayList<>();
            for (Class<?> type : missed) {
                names.add(type.getName());
            }
            Log.warn("capture: %s loaded while the agent was transforming another class, so it was not instrumented"
                    + " as it loaded; instrumented now, tasks it took before now ran unbound (a modulets bug: please"
                    + " report it)", String.join(", ", names));
        }
        inst.retransformClasses(missed.toArray(new Class<?>[0]));
    }

    /** The boot loader's classes named in {@code targets} (internal names) but not in {@code given}. */
    static List<Class<?>> missed(Class<?>[] loaded, Set<String> targets, Set<String> given) {
        Set<String> binaryNames = binaryNames(targets);
        List<Class<?>> missed = new ArrayList<>();
        for (Class<?> type : loaded) {
            if (type.getClassLoader() == null && binaryNames.contains(type.getName())) {
                String name = type.getName().replace('.', '/');
                if (!given.contains(name)) {
                    missed.add(type);
                }
            }
        }
        return missed;
    }

    /**
     * {@code internalNames} as {@code Class.getName} spells them: the loops over every loaded class (a thousand and
     * more, three times in premain) compare the class's own name, instead of converting each, which made the JIT
     * compile the conversion at every start.
     */
    private static Set<String> binaryNames(Collection<String> internalNames) {
        Set<String> binaryNames = new HashSet<>();
        for (String name : internalNames) {
            binaryNames.add(name.replace('/', '.'));
        }
        return binaryNames;
    }

    /**
     * The net of {@link #instrumentMissed} once more, a second after premain, when the application's first
     * classes have loaded through the transformers (their first runs load the classes they use).
     */
    public void checkLater(Instrumentation inst) {
        ThreadHooks.agentThread(new Runnable() { // a class, not a lambda: see HookFunctions
            @Override
            public void run() {
                try {
                    Thread.sleep(1000);
                    instrumentMissed(inst, true);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
                    Log.error("capture: cannot instrument what the transformer missed, its tasks will not be bound:"
                            + " %s", e);
                }
            }
        }, "modulets-capture-check").start();
    }

    /**
     * Whether {@code ManagementHooks} will hear of the platform MBean server's making: {@code ManagementFactory} was
     * not loaded when the transformer was installed (another agent before this one may have loaded it, and made the
     * server), so it is rewritten as it loads.
     */
    public boolean seesPlatformServerMade() {
        return seesPlatformServerMade;
    }

    /** What a class left as it is costs, for the error line that says so. */
    private static String whatIsLost(String className) {
        return className.equals(ManagementRules.FACTORY)
                ? "the agent will not hear of the platform MBean server and its MBeans will not be registered"
                : "the tasks or requests it starts will not be bound";
    }

    /** The JDK task classes that can keep their capture in a field of their own (see Bindings' Slots). */
    private static final List<String> TASK_CLASSES =
            List.of("java/util/concurrent/FutureTask", "java/util/concurrent/ForkJoinTask",
                    "java/util/concurrent/CompletableFuture$Completion");

    /** The classes install asks whether they are loaded yet: the task classes and {@code ManagementFactory}. */
    private static final List<String> NOT_LOADED_YET = List.of(TASK_CLASSES.get(0), TASK_CLASSES.get(1),
            TASK_CLASSES.get(2), ManagementRules.FACTORY);

    private static Set<String> notLoaded(Instrumentation inst, List<String> names) {
        Set<String> absent = binaryNames(names);
        for (Class<?> loaded : inst.getAllLoadedClasses()) {
            if (loaded.getClassLoader() == null) {
                absent.remove(loaded.getName());
            }
        }
        Set<String> internalNames = new HashSet<>();
        for (String name : absent) {
            internalNames.add(name.replace('.', '/'));
        }
        return internalNames;
    }

    /**
     * Releases tasks that were dropped without running once they are collected (DESIGN §2.7), also
     * when nothing is submitted any more to expunge them on the way.
     */
    private static void startReclaimer() {
        ThreadHooks.agentThread(new Runnable() { // a class, not a lambda: see HookFunctions
            @Override
            public void run() {
                try {
                    while (true) {
                        Bindings.reclaimCollected();
                    }
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "modulets-reclaimer").start();
    }

    /**
     * The rule of a JDK target, its family's rules made the first time one of them is asked for; null for any other
     * class. Two threads may make a family at once: the first one's rules are kept, the others' are equal.
     */
    private Transformlet jdkRule(String name) {
        if (!JDK_TARGETS.contains(name)) {
            return null;
        }
        Transformlet rule = jdkClasses.get(name);
        if (rule == null) {
            for (Transformlet made : family(name)) {
                jdkClasses.putIfAbsent(made.className(), made);
            }
            rule = jdkClasses.get(name);
        }
        return rule;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] bytes) {
        if (className == null) {
            return null;
        }
        // a relocated Netty (gRPC's) is hooked as Netty: looked up by its name without the prefix
        String relocation = loader == null ? "" : Relocated.prefix(className);
        String name = className.substring(relocation.length());
        if (loader != null && Servers.UNHOOKED.containsKey(name) && unhookedSaid.add(name)) {
            Log.warn("%s", Servers.UNHOOKED.get(name));
        }
        Transformlet rule;
        try {
            rule = loader == null ? jdkRule(name) : appRule(name);
        } catch (RuntimeException | LinkageError e) {
            // making the rules loads their classes here: a failure is this class's, said as below
            Log.error("capture: cannot instrument %s, %s: %s", className, whatIsLost(className), e);
            return null;
        }
        if (rule != null && loader == null) {
            given.add(className);
        }
        if (rule != null && loader != null && module != null && module.isNamed() && CoroutineRules.covers(name)) {
            // a named module reads neither the hooks' module nor opens its package to the agent: left as it is
            if (unhookedSaid.add("kotlinx.coroutines")) {
                Log.warn("Kotlin coroutines are loaded as the named module %s: its coroutines are not hooked and"
                        + " follow the current generation at each step; put kotlinx-coroutines on the class path"
                        + " (docs/SERVERS.md)", module.getName());
            }
            return null;
        }
        List<RequestMethod> requests = loader == null ? null : requestClasses.get(name);
        boolean family = loader != null && FAMILY_HOOKED.contains(name);
        boolean netty = family && (NettyHooks.hooks(name) || NettyHttp2Hooks.hooks(name));
        boolean jettyWebSocket = family && JettyWebSocketHooks.hooks(name);
        boolean spring = family && SpringSchedulingHooks.hooks(name);
        boolean jettyCore = family && JettyCoreHooks.hooks(name);
        if (rule == null && requests == null && !netty && !jettyWebSocket && !spring && !jettyCore) {
            return null;
        }
        try {
            ClassReader reader = new ClassReader(bytes);
            ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
            ClassVisitor out = relocation.isEmpty() ? writer : Relocated.Remapping.toRelocated(writer, relocation);
            // The same wrapping at a retransformation as at load: a class may not lose a method.
            out = !netty ? out : NettyHooks.hooks(name) ? NettyHooks.visitorFor(name, out)
                    : NettyHttp2Hooks.visitorFor(name, loader, relocation, out);
            out = jettyWebSocket ? JettyWebSocketHooks.visitorFor(out) : out;
            out = requests == null ? out : RequestMethodVisitor.around(out, requests);
            out = spring ? SpringSchedulingHooks.visitorFor(bytes, out) : out;
            out = jettyCore ? JettyCoreHooks.visitorFor(name, bytes, out) : out;
            if (rule == null) {
                reader.accept(relocation.isEmpty() ? out : Relocated.Remapping.toPlain(out, relocation), 0);
                return writer.toByteArray();
            }
            boolean addField = redefined == null && loader == null && withField.contains(className);
            Set<String> members = loader == null && JdkMembers.checks(className) ? new HashSet<>() : null;
            ClassVisitor hooked = new ClassVisitor(Opcodes.ASM9, out) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor,
                                                 String signature, String[] exceptions) {
                    if (members != null) {
                        members.add(name + descriptor);
                    }
                    MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                    return rule.visitMethod(name, descriptor, mv);
                }

                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                                               Object value) {
                    if (members != null) {
                        members.add(name + ":" + descriptor);
                    }
                    return super.visitField(access, name, descriptor, signature, value);
                }

                @Override
                public void visitInnerClass(String name, String outerName, String innerName, int access) {
                    if (members != null) {
                        members.add(name);
                    }
                    super.visitInnerClass(name, outerName, innerName, access);
                }

                @Override
                public void visitEnd() {
                    if (addField) {
                        // Transient: ForkJoinTask is Serializable, and a capture is no part of its state.
                        super.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_VOLATILE | Opcodes.ACC_TRANSIENT
                                | Opcodes.ACC_SYNTHETIC, "modulets$capture", "Ljava/lang/Object;", null, null)
                                .visitEnd();
                    }
                    super.visitEnd();
                }
            };
            reader.accept(relocation.isEmpty() ? hooked : Relocated.Remapping.toPlain(hooked, relocation), 0);
            Set<String> missing = members == null ? Set.of() : JdkMembers.missing(className, members);
            if (!missing.isEmpty()) {
                Log.error("capture: %s has no %s, which the hooks need (a JDK modulets does not support): left as"
                        + " it is, the tasks it runs will not be bound", className, missing);
                return null;
            }
            byte[] rewritten = writer.toByteArray();
            String notApplied = rule.notApplied();
            if (notApplied != null) {
                Log.warn("%s", notApplied);
            }
            return rewritten;
        } catch (RuntimeException | LinkageError e) {
            // The JVM would swallow it and keep the class unchanged: say so once, loudly.
            Log.error("capture: cannot instrument %s, %s: %s", className, whatIsLost(className), e);
            return null;
        }
    }
}
