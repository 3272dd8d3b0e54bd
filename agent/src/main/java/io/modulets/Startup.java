package io.modulets;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.module.Configuration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.ThreadHooks;
import io.modulets.bootstrap.ThrownExceptions;
import io.modulets.boundary.BoundaryLinks;
import io.modulets.boundary.BoundaryTransformer;
import io.modulets.boundary.Erasure;
import io.modulets.boundary.NamedModules;
import io.modulets.capture.BootstrapClasses;
import io.modulets.capture.CaptureTransformer;
import io.modulets.config.AgentOptions;
import io.modulets.config.Log;
import io.modulets.config.OnLimit;
import io.modulets.config.PackageFilter;
import io.modulets.deploy.DeployRefused;
import io.modulets.deploy.DeployRules;
import io.modulets.deploy.Deployer;
import io.modulets.deploy.ModulesWatcher;
import io.modulets.deploy.Restarts;
import io.modulets.generations.AbortPolicy;
import io.modulets.generations.ClassPathJars;
import io.modulets.generations.JarContents;
import io.modulets.generations.Limit;
import io.modulets.generations.Pins;
import io.modulets.generations.Registry;
import io.modulets.generations.Store;
import io.modulets.generations.StoreHygiene;
import io.modulets.loader.ApplicationLoader;
import io.modulets.loader.BootLayerServices;
import io.modulets.loader.GenerationModules;
import io.modulets.loader.LaunchedMain;
import io.modulets.loader.ShellClassLoader;
import io.modulets.manage.Monitoring;
import io.modulets.loader.SystemLoaderInstaller;
import io.modulets.security.PathGuard;
import io.modulets.security.Trust;

/** Wires the parts of DESIGN §3 in the order they depend on each other. */
final class Startup {
    private Startup() {
    }

    static void start(AgentOptions options, Instrumentation inst, AgentJar jar, Stages stages) throws Exception {
        refuseOwnSystemLoader();
        Log.setLevel(options.log());
        if (!jar.bootLoaded()) {
            Log.info("the agent jar is named neither %s nor modulets-agent-%s.jar, so its classes load through the"
                    + " application class loader: about 100 ms more CPU at each start (docs/REFERENCE.md, \"The agent"
                    + " jar\")", AgentJar.NAME, version());
        }
        List<Path> classPath = classPathWithout(jar.path());
        Path modules = options.modules().orElse(null);
        List<String> packages = options.packages().isEmpty() && modules != null
                ? JarContents.packagesIn(modulesJars(modules)) : options.packages();
        PackageFilter filter = filter(packages, options);
        refuseSwappableMain(classPath, packages, options, filter);
        NamedModules.Layout layout = namedModules(packages, options, filter);
        stages.done("filter");
        // Capture first, before the agent starts any thread: on JDK 25 the first thread that waits on
        // a Condition (the modules watcher's WatchService queue did) loads ForkJoinTask, which then
        // could not take its field as it loads (docs/JVM-NOTES.md, capture).
        SystemLoaderInstaller.openJavaLang(inst);
        Pins.openJdk(inst);
        CaptureTransformer capture = CaptureTransformer.install(inst, filter, options.executors(), options.loops(),
                options.requests());
        stages.done("capture");
        if (layout.isModular()) {
            modular(inst, layout);
            stages.done("named modules");
        }
        List<Path> jars;
        if (modules != null) {
            jars = modulesJars(modules);
            warnAboutSwappableOnClassPath(classPath, modules, filter);
        } else {
            jars = ClassPathJars.swappable(classPath, filter);
            if (jars.isEmpty()) {
                throw new IOException("modulets: packages=" + String.join(":", packages)
                        + ": no class of these packages on the class path, and no modules=DIR");
            }
        }

        ClassLoader builtinApp = ClassLoader.getSystemClassLoader();
        ShellClassLoader shell = new ShellClassLoader(classPath, builtinApp, filter);
        // What swappable code sees, and where the deploy checks read shell classes: the shell, or Spring
        // Boot's loader of an executable jar's nested jars once its launcher made it.
        ApplicationLoader application = new ApplicationLoader(shell, filter).install();
        Store store = new Store(options.store());
        Registry registry = new Registry(store, filter, application,
                new Limit(options.maxGenerations(), options.onLimit() == OnLimit.REFUSE),
                options.drainWarning().orElse(null));
        // On the class path the swappable classes share their jars with the shell's: only a
        // modules directory is held to outside=refuse.
        Erasure erasure = new Erasure(filter, new Supplier<ClassLoader>() {
            @Override
            public ClassLoader get() {
                return Bindings.current();
            }
        });
        PathGuard guard = guard(options);
        // Before anything writes to the store: what an interrupted deploy left goes (DESIGN §2.10).
        StoreHygiene hygiene = new StoreHygiene(store);
        hygiene.removeTemporaries();
        Restarts restarts = modules == null ? null : Restarts.open(store, modules, registry, options.retain());
        ThrownExceptions.normal(options.normalExceptions());
        DeployRules rules = new DeployRules(guard, trust(options, guard), options.jarLimits(), options.canary(),
                Double.isNaN(options.canaryMargin()) && Double.isNaN(options.canaryLatency()) ? AbortPolicy.NONE
                        : new AbortPolicy(options.canaryMargin(), options.canaryMinTasks(), options.canaryLatency()));
        Deployer deployer = new Deployer(registry, store, filter, options.allowOutside() || modules == null,
                application, modules, erasure, rules, restarts);
        // Before generation 1, so that it is counted and announced like any other.
        Monitoring.start(options, inst, registry, deployer, filter, classPath, capture.seesPlatformServerMade());
        if (modules != null && options.watch()) {
            // The watcher's thread is never bound (neverBind), and the JDK's WatchService poller is a
            // JDK loop thread: neither is a task that would keep a generation live.
            ModulesWatcher.start(modules, options.quiet(), deployer);
        }
        stages.done("wiring, manage, watcher");
        try {
            if (restarts != null) {
                restarts.start(deployer, jars); // records the start and prunes the store
            } else {
                deployer.start(jars); // no state, no pruning: nothing says what this application's rollbacks need
            }
        } catch (DeployRefused e) {
            throw new IOException("modulets: " + e.getMessage(), e);
        }
        stages.done("generation 1");

        inst.addTransformer(new BoundaryTransformer(filter, erasure,
                Startup.class.getClassLoader()));
        BoundaryLinks.followContext();
        SystemLoaderInstaller.install(shell);
        stages.done("boundary, system loader");
        capture.instrumentMissed(inst, true); // what premain's own class loads may have let past, before main runs
        capture.checkLater(inst);
        Log.info("agent %s started; swappable: %s", version(), String.join(", ", packages));
        Monitoring.started();
        stages.log();
    }

    /**
     * The agent installs its own system class loader; an application's {@code java.system.class.loader}
     * would be replaced behind its back. (A loader without {@code appendToClassPathForInstrumentation}
     * never gets here: the JVM aborts while appending the agent jar, before any agent code runs.)
     */
    private static void refuseOwnSystemLoader() throws IOException {
        String own = System.getProperty("java.system.class.loader");
        if (own != null) {
            throw new IOException("modulets: -Djava.system.class.loader=" + own + " cannot be used with modulets,"
                    + " which installs its own system class loader; remove it (create that loader in main instead,"
                    + " if the application needs one)");
        }
    }

    /**
     * A JVM that writes a class-data archive or an AOT cache at its exit ({@code -XX:AOTCacheOutput}, {@code
     * -XX:AOTMode=record} or {@code create} on JDK 25, {@code -XX:ArchiveClassesAtExit}) does not run the agent:
     * with the agent, JDK 25.0.3 crashes in that dump (SIGSEGV in {@code ArchiveBuilder}, serializing the JDK's
     * well-known classes, of which capture rewrites {@code java.lang.Thread}), after the application ran; JDK 17
     * refuses a dump with any agent unless a flag for testing allows it. An AppCDS archive made without the agent but
     * with its jar on the boot class path serves a JVM with it; JDK 25 uses no AOT cache in a JVM with any agent.
     * Asked of the JDK's {@code jdk.internal.misc.CDS} (17+; premain has exported its package to the agent), before
     * the agent defines or rewrites any class, so that
     * the dump the JVM still makes as it exits has only the few classes of premain to skip; a JDK without it is taken
     * not to dump.
     */
    static void refuseArchiveDump() throws IOException {
        boolean dumping;
        try {
            // a method handle, not Method.invoke: on JDK 25 reflection adapts a handle to the reflective call's
            // shape, and spun four lambda-form classes for this one question
            dumping = (boolean) MethodHandles.lookup().findStatic(Class.forName("jdk.internal.misc.CDS"),
                    "isDumpingArchive", MethodType.methodType(boolean.class)).invokeExact();
        } catch (Error e) {
            throw e;
        } catch (Throwable unknown) { // a JDK without it, or without the export: taken not to dump
            dumping = false;
        }
        if (dumping) {
            throw new IOException("modulets: this JVM writes a class-data archive or AOT cache at its exit"
                    + " (-XX:AOTCacheOutput, -XX:AOTMode=record or create, -XX:ArchiveClassesAtExit), which the"
                    + " JDK classes the agent rewrites make fail; create it without -javaagent (docs/REFERENCE.md,"
                    + " \"The agent jar\", says which archives a JVM with modulets can use)");
        }
    }

    /**
     * The main class must be a shell class: the launcher loads it through the system loader, which
     * never defines a swappable class, and a main swapped in from a generation would keep that
     * generation for as long as main runs.
     */
    private static void refuseSwappableMain(List<Path> classPath, List<String> packages, AgentOptions options,
            PackageFilter filter) throws IOException {
        String main = LaunchedMain.of(System.getProperty("sun.java.command"), classPath).orElse(null);
        if (main == null || !filter.isSwappable(main)) {
            return;
        }
        String prefix = packages.stream().filter(p -> PackageFilter.isUnder(main, p)).findFirst().orElse("");
        String given = options.packages().isEmpty() ? "packages found in the modules jars: " + prefix
                : "packages=" + String.join(":", packages);
        throw new IOException("modulets: the main class " + main + " is swappable (" + given + "), but it must"
                + " stay in the shell; move the swappable classes to a package of their own and give only that"
                + " in packages=");
    }

    /**
     * The application's named modules (DESIGN §3, named modules): refused in one line where a module holds
     * swappable and shell packages, or a swappable module has no modules directory to come from.
     */
    private static NamedModules.Layout namedModules(List<String> packages, AgentOptions options,
            PackageFilter filter) throws IOException {
        Configuration boot = ModuleLayer.boot().configuration();
        boolean modulePath = System.getProperty("jdk.module.path") != null;
        NamedModules.Layout layout = NamedModules.layout(boot, modulePath, filter);
        if (!layout.isModular()) {
            return layout; // the class path: one loop over the JDK's module names, as before named modules ran
        }
        Optional<String> refusal = NamedModules.refusal(boot, modulePath, filter, given(packages, options),
                options.modules().isPresent());
        if (refusal.isPresent()) {
            throw new IOException(refusal.get());
        }
        return layout;
    }

    /**
     * Before generation 1: the shell modules read the agent (and later each generation's modules), and the
     * boot layer's copy of a swappable module offers no service.
     */
    private static void modular(Instrumentation inst, NamedModules.Layout layout) throws IOException {
        Set<Module> shell = new HashSet<>();
        for (String name : layout.shell()) {
            ModuleLayer.boot().findModule(name).ifPresent(shell::add);
        }
        GenerationModules.install(inst, shell, layout.swappable());
        BootLayerServices.withdraw(inst, layout.swappable());
        for (String name : layout.swappable()) {
            Log.info("the module %s on the module path is swappable: its classes never load from there; each"
                    + " generation defines it from its own jars", name);
        }
    }

    /** How the swappable packages were given, as a refusal names them. */
    private static String given(List<String> packages, AgentOptions options) {
        return options.packages().isEmpty() ? "packages found in the modules jars: " + String.join(":", packages)
                : "packages=" + String.join(":", packages);
    }

    /** Who may write what becomes code (DESIGN §4, Security): the store here, the jars at each deploy. */
    private static PathGuard guard(AgentOptions options) throws IOException {
        PathGuard guard = PathGuard.of(options.permissions());
        guard.check(options.store());
        return guard;
    }

    /** With trust=KEYSTORE, its certificates; a keystore or password that does not work stops the JVM. */
    private static Trust trust(AgentOptions options, PathGuard guard) throws IOException {
        if (options.trust().isEmpty()) return null;
        Path keystore = options.trust().get();
        guard.check(keystore);
        char[] password = null;
        if (options.trustPassword().isPresent()) {
            if (options.trustPassword().get().file() != null) guard.checkSecret(options.trustPassword().get().file());
            password = options.trustPassword().get().read(System.getenv());
        }
        try {
            Trust trust = Trust.load(keystore, password);
            Log.debug("trust=%s: every jar must be signed by one of its %d certificates", keystore, trust.size());
            return trust;
        } finally {
            if (password != null) Arrays.fill(password, '\0');
        }
    }

    private static List<Path> modulesJars(Path modules) throws IOException {
        List<Path> jars = JarContents.jarsIn(modules);
        if (jars.isEmpty()) {
            throw new IOException("modulets: modules=" + modules + " holds no *.jar: nothing to run as generation 1");
        }
        return jars;
    }

    private static PackageFilter filter(List<String> packages, AgentOptions options) throws IOException {
        try {
            return PackageFilter.of(packages, options.shared());
        } catch (IllegalArgumentException e) {
            throw new IOException("modulets: packages found in the modules jars cannot be swapped: " + e.getMessage()
                    + " (give packages=... explicitly)", e);
        }
    }

    /**
     * Names the class-path jars outside {@code modules} that hold swappable classes (they are
     * ignored). Opening every jar of a long class path takes a while, so it runs in the
     * background instead of delaying {@code main}.
     */
    private static void warnAboutSwappableOnClassPath(List<Path> classPath, Path modules, PackageFilter filter) {
        Path directory = modules.toAbsolutePath().normalize();
        List<Path> outside = new ArrayList<>();
        for (Path entry : classPath) {
            if (!entry.toAbsolutePath().normalize().startsWith(directory)) {
                outside.add(entry);
            }
        }
        ThreadHooks.agentThread(new Runnable() { // not a lambda: one class spun fewer at every start
            @Override
            public void run() {
                try {
                    for (Path jar : ClassPathJars.jarsHoldingSwappable(outside, filter)) {
                        Log.warn("%s on the class path holds swappable classes; they are ignored, modules=%s is used",
                                jar, modules);
                    }
                } catch (IOException e) {
                    Log.debug("class path check: %s", e);
                } catch (Throwable e) {
                    Log.warn("the class path check stopped (%s): it only warns; nothing depends on it",
                            Log.oneLine(e));
                }
            }
        }, "modulets-classpath-check").start();
    }

    /** The class path as the launcher set it, less the agent jar the JVM appended to it. */
    private static List<Path> classPathWithout(Path agentJar) throws IOException {
        String property = System.getProperty("java.class.path", "");
        Path agent = agentJar.toRealPath();
        List<Path> entries = new ArrayList<>();
        for (String element : property.split(File.pathSeparator, -1)) {
            Path entry = Path.of(element.isEmpty() ? "." : element);
            if (Files.exists(entry) && entry.toRealPath().equals(agent)) {
                continue;
            }
            entries.add(entry);
        }
        return entries;
    }

    private static String version() {
        String version = Startup.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
