package io.modulets.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The agent arguments, parsed and checked: {@code key=value} pairs separated by {@code ,},
 * list values separated by {@code :}, keys as in docs/REFERENCE.md (the README has the short
 * table). {@code config=FILE} names a properties file with any of the other keys; a key on the
 * command line wins over the file.
 * Every mistake is an {@link OptionsException} with one line that names the key, so that
 * the agent can refuse to start. Immutable.
 */
public final class AgentOptions {
    /** The quiet period when none is given: long enough for a copy-then-rename, short for people. */
    public static final Duration DEFAULT_QUIET = Duration.ofMillis(200);
    public static final Duration DEFAULT_DRAIN_WARNING = Duration.ofSeconds(60);
    private static final Duration MAX_QUIET = Duration.ofMinutes(60);
    /** The ended tasks a canary needs before the automatic abort judges it, when {@code canaryMinTasks} is absent. */
    public static final long DEFAULT_CANARY_MIN_TASKS = 100;
    /** The generations made current the store keeps per modules directory, when {@code retain} is absent. */
    public static final int DEFAULT_RETAIN = 5;
    /**
     * The syntaxes of a duration and a size, compiled only when an argument gives one: compiling a pattern loads and
     * interprets about 25 classes of {@code java.util.regex} in premain, which most applications never use.
     */
    private static final class Syntax {
        static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m)?");
        static final Pattern SIZE = Pattern.compile("(\\d{1,12})([kmg])?");
    }

    private final List<String> packages;
    private final Optional<Path> modules;
    private final List<String> shared;
    private final Path store;
    private final int retain;
    private final boolean watch;
    private final Duration quiet;
    private final boolean allowOutside;
    private final boolean jmx;
    private final LogLevel log;
    private final List<String> executors;
    private final List<String> loops;
    private final List<String> requests;
    private final Optional<Duration> drainWarning;
    private final int maxGenerations;
    private final OnLimit onLimit;
    private final JarLimits jarLimits;
    private final double canary;
    private final double canaryMargin;
    private final long canaryMinTasks;
    private final double canaryLatency;
    private final List<String> normalExceptions;
    private final Optional<Path> config;
    private final Permissions permissions;
    private final Optional<Path> trust;
    private final Optional<PasswordSource> trustPassword;

    private AgentOptions(Map<String, Setting> settings, Optional<Path> config,
                         Map<String, String> env, Path userHome) throws OptionsException {
        this.packages = packageList(settings.get("packages"));
        this.shared = packageList(settings.get("shared"));
        checkNotShared(settings.get("packages"), packages, shared);
        this.modules = settings.containsKey("modules")
                ? Optional.of(modulesDirectory(settings.get("modules"))) : Optional.empty();
        this.store = settings.containsKey("store")
                ? storeDirectory(settings.get("store")) : defaultStore(env, userHome);
        this.retain = retain(settings.get("retain"));
        this.watch = bool(settings.get("watch"));
        this.quiet = quietPeriod(settings.get("quiet"));
        this.allowOutside = outside(settings.get("outside"));
        this.jmx = bool(settings.get("jmx"));
        this.log = logLevel(settings.get("log"));
        this.executors = classList(settings.get("executors"));
        this.loops = loopList(settings.get("loops"));
        this.requests = requestList(settings.get("requests"));
        this.drainWarning = drainWarning(settings.get("drainWarning"));
        this.maxGenerations = maxGenerations(settings.get("maxGenerations"));
        this.onLimit = onLimit(settings.get("onLimit"), settings.containsKey("maxGenerations"));
        this.jarLimits = new JarLimits(
                size(settings.get("maxEntrySize"), JarLimits.DEFAULT.maxEntrySize()),
                size(settings.get("maxJarSize"), JarLimits.DEFAULT.maxJarSize()),
                count(settings.get("maxEntries"), JarLimits.DEFAULT.maxEntries(), "how many entries a jar may hold"),
                count(settings.get("maxRatio"), JarLimits.DEFAULT.maxRatio(),
                        "how many times its compressed size an entry over " + JarLimits.size(JarLimits.RATIO_FLOOR)
                                + " may inflate to"));
        this.canary = percent(settings.get("canary"), false);
        this.canaryMargin = percent(settings.get("canaryMargin"), true);
        this.canaryMinTasks = canaryMinTasks(settings.get("canaryMinTasks"),
                settings.containsKey("canaryMargin") || settings.containsKey("canaryLatency"));
        this.canaryLatency = factor(settings.get("canaryLatency"));
        this.normalExceptions = exceptionList(settings.get("normalExceptions"));
        this.config = config;
        this.permissions = permissions(settings.get("permissions"));
        this.trust = settings.containsKey("trust") ? Optional.of(keystore(settings.get("trust"))) : Optional.empty();
        this.trustPassword = trustPassword(settings.get("trustPassword"), trust.isPresent());
        if (packages.isEmpty() && modules.isEmpty()) {
            throw new OptionsException("nothing to swap: give packages=PREFIX[:PREFIX…] or modules=DIR");
        }
    }

    /** Parses {@code -javaagent:modulets-agent.jar=<agentArgs>}; null or empty is allowed (and then refused: nothing to swap). */
    public static AgentOptions parse(String agentArgs) throws OptionsException {
        return parse(agentArgs, System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** As {@link #parse(String)}, with the environment ({@code XDG_CACHE_HOME}) and home directory given. */
    public static AgentOptions parse(String agentArgs, Map<String, String> env, Path userHome)
            throws OptionsException {
        Map<String, Setting> settings = AgentArguments.parse(agentArgs);
        Optional<Path> config = Optional.empty();
        Setting configSetting = settings.get("config");
        if (configSetting != null) {
            Path file = configSetting.path();
            AgentArguments.readConfigFile(file, configSetting).forEach(settings::putIfAbsent);
            config = Optional.of(file);
        }
        return new AgentOptions(settings, config, env, userHome);
    }

    /** Swappable package prefixes as given ({@code com.acme.jobs}); empty: derive them from the modules jars. */
    public List<String> packages() {
        return packages;
    }

    /** The directory whose jars are the swappable code, if given. */
    public Optional<Path> modules() {
        return modules;
    }

    /** The user's extra never-swapped prefixes (the built-in ones are {@link PackageFilter#BUILT_IN_SHARED}). */
    public List<String> shared() {
        return shared;
    }

    /** The directory for the immutable snapshots, absolute; it need not exist yet. */
    public Path store() {
        return store;
    }

    /**
     * How many generations made current the store keeps for each modules directory (key {@code retain}),
     * besides every generation loaded or rollback-able ({@code generations.StoreHygiene}).
     */
    public int retain() {
        return retain;
    }

    public boolean watch() {
        return watch;
    }

    /** How long the modules directory must be quiet before its jars are activated (key {@code quiet}). */
    public Duration quiet() {
        return quiet;
    }

    /**
     * Whether the modules jars may hold classes outside the swappable packages (key {@code outside}:
     * {@code ignore}); such classes are never loaded from a generation. By default they are refused.
     */
    public boolean allowOutside() {
        return allowOutside;
    }

    public boolean jmx() {
        return jmx;
    }

    public LogLevel log() {
        return log;
    }

    /**
     * Application executor classes (binary names, {@code com.acme.EventLoop$Queue}) whose
     * {@code execute(Runnable)} captures the task's binding, for executors that are not JDK pools.
     */
    public List<String> executors() {
        return executors;
    }

    /**
     * Threads that only loop and hand out work, never bound (key {@code loops}): binary names of thread
     * classes or of the Runnables they run; a trailing {@code *} makes a prefix.
     */
    public List<String> loops() {
        return loops;
    }

    /**
     * Methods that mark a request or a job run (key {@code requests}), as {@code com.acme.Server#handle}:
     * the outermost call on an unbound thread is a root task.
     */
    public List<String> requests() {
        return requests;
    }

    /**
     * How long a generation drains before the agent names the threads bound to it (key
     * {@code drainWarning}); empty for {@code off}.
     */
    public Optional<Duration> drainWarning() {
        return drainWarning;
    }

    /** At most this many generations loaded at once (not yet unloaded); 0: no limit. */
    public int maxGenerations() {
        return maxGenerations;
    }

    /** What an activation beyond {@link #maxGenerations()} does. */
    public OnLimit onLimit() {
        return onLimit;
    }

    /**
     * How much a deploy may make the agent inflate (keys {@code maxEntrySize}, {@code maxJarSize},
     * {@code maxEntries}, {@code maxRatio}).
     */
    public JarLimits jarLimits() {
        return jarLimits;
    }

    /**
     * The share of new root tasks that a deploy's new generation gets as a canary (key {@code canary},
     * a fraction of 1); 0: deploys are plain activations.
     */
    public double canary() {
        return canary;
    }

    /**
     * The automatic abort's margin (key {@code canaryMargin}, a fraction of 1), or NaN: canaries do not
     * abort by themselves.
     */
    public double canaryMargin() {
        return canaryMargin;
    }

    /** The ended tasks a canary needs before the automatic abort judges it (key {@code canaryMinTasks}). */
    public long canaryMinTasks() {
        return canaryMinTasks;
    }

    /**
     * How many times the current generation's p99 latency a canary's may reach before it aborts (key
     * {@code canaryLatency}, {@code 1.5x}), or NaN: latency does not abort.
     */
    public double canaryLatency() {
        return canaryLatency;
    }

    /**
     * Exception classes (binary names) that are part of a contract, with their subclasses: not counted as thrown
     * by a generation's code (key {@code normalExceptions}, DESIGN §4 "Outcomes").
     */
    public List<String> normalExceptions() {
        return normalExceptions;
    }

    /** The config file read, if given. */
    public Optional<Path> config() {
        return config;
    }

    /** What a path that other users can write does (key {@code permissions}). */
    public Permissions permissions() {
        return permissions;
    }

    /** The keystore whose certificates every jar of a generation must be signed by (key {@code trust}), if given. */
    public Optional<Path> trust() {
        return trust;
    }

    /** Where the trust keystore's password comes from (key {@code trustPassword}), if given. */
    public Optional<PasswordSource> trustPassword() {
        return trustPassword;
    }

    /** All options in key=value form, e.g. for the agent's first log line; an absent one has an empty value. */
    @Override
    public String toString() {
        return "packages=" + String.join(":", packages)
                + ", modules=" + modules.map(Path::toString).orElse("")
                + ", shared=" + String.join(":", shared)
                + ", outside=" + (allowOutside ? "ignore" : "refuse")
                + ", store=" + store
                + ", retain=" + retain
                + ", watch=" + watch
                + ", quiet=" + quiet.toMillis() + "ms"
                + ", jmx=" + jmx
                + ", log=" + log.argument()
                + ", executors=" + String.join(":", executors)
                + ", loops=" + String.join(":", loops)
                + ", requests=" + String.join(":", requests)
                + ", drainWarning=" + drainWarning.map(d -> d.toMillis() + "ms").orElse("off")
                + ", maxGenerations=" + (maxGenerations == 0 ? "" : maxGenerations)
                + ", onLimit=" + onLimit.argument()
                + ", maxEntrySize=" + JarLimits.size(jarLimits.maxEntrySize())
                + ", maxJarSize=" + JarLimits.size(jarLimits.maxJarSize())
                + ", maxEntries=" + jarLimits.maxEntries()
                + ", maxRatio=" + jarLimits.maxRatio()
                + ", permissions=" + permissions.argument()
                + ", trust=" + trust.map(Path::toString).orElse("")
                + ", trustPassword=" + trustPassword.map(PasswordSource::toString).orElse("")
                + ", canary=" + (canary == 0 ? "" : Percent.format(canary))
                + ", canaryMargin=" + (Double.isNaN(canaryMargin) ? "" : Percent.format(canaryMargin))
                + ", canaryMinTasks=" + (Double.isNaN(canaryMargin) && Double.isNaN(canaryLatency) ? ""
                        : canaryMinTasks)
                + ", canaryLatency=" + (Double.isNaN(canaryLatency) ? "" : Factor.format(canaryLatency))
                + ", normalExceptions=" + String.join(":", normalExceptions)
                + ", config=" + config.map(Path::toString).orElse("");
    }

    // A shared package under a swappable one is a legitimate carve-out; the reverse is a contradiction.
    private static void checkNotShared(Setting setting, List<String> packages, List<String> shared)
            throws OptionsException {
        for (String name : packages) {
            for (String builtIn : PackageFilter.BUILT_IN_SHARED) {
                if (PackageFilter.isUnder(name, builtIn)) {
                    throw setting.error(name + " is both swappable and shared ("
                            + String.join(", ", PackageFilter.BUILT_IN_SHARED) + " are never swapped)");
                }
            }
            for (String sharedName : shared) {
                if (PackageFilter.isUnder(name, sharedName)) {
                    throw setting.error(name + " is both swappable and shared (shared=" + sharedName
                            + "); only a subpackage of a swappable package can be shared");
                }
            }
        }
    }

    /**
     * Elements separated by ':', trimmed, empty ones skipped, duplicates dropped. Each list below checks its own in a
     * loop, not through a lambda per kind of list: those were spun classes in premain (docs/PERFORMANCE.md, start-up).
     */
    private static List<String> list(Setting setting) {
        if (setting == null) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String element : setting.value().split(":")) {
            String name = element.trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /** Each element a package name. */
    private static List<String> packageList(Setting setting) throws OptionsException {
        List<String> names = list(setting);
        for (String name : names) {
            if (!PackageFilter.isPackageName(name)) {
                throw setting.error("'" + name + "' is not a Java package name (give dot-separated Java"
                        + " identifiers such as com.acme.jobs, separated by ':'; a prefix covers its subpackages)");
            }
        }
        return names;
    }

    /** Each element a binary class name outside the JDK. */
    private static List<String> classList(Setting setting) throws OptionsException {
        List<String> names = list(setting);
        for (String name : names) {
            if (!isClassName(name)) {
                throw setting.error("'" + name + "' is not a class name (give binary names such as"
                        + " com.acme.EventLoop or com.acme.Loop$Queue, separated by ':')");
            }
            if (isJdk(name)) {
                throw setting.error(name + " is a JDK class; the JDK's executors are captured already");
            }
        }
        return names;
    }

    /** Each element a binary class name, the JDK's included (java.io.FileNotFoundException). */
    private static List<String> exceptionList(Setting setting) throws OptionsException {
        List<String> names = list(setting);
        for (String name : names) {
            if (!isClassName(name)) {
                throw setting.error("'" + name + "' is not a class name (give binary names such as"
                        + " java.io.FileNotFoundException or com.acme.Orders$NotFound, separated by ':')");
            }
        }
        return names;
    }

    /** As {@link #classList}, where a name may end in {@code *} (a prefix, for anonymous classes). */
    private static List<String> loopList(Setting setting) throws OptionsException {
        List<String> names = list(setting);
        for (String name : names) {
            String stem = name.endsWith("*") ? name.substring(0, name.length() - 1) : name;
            String checked = stem.endsWith("$") || stem.endsWith(".") ? stem.substring(0, stem.length() - 1) : stem;
            if (!isClassName(checked)) {
                throw setting.error("'" + name + "' is not a class name (give binary names of thread or Runnable"
                        + " classes such as com.acme.Poller or com.acme.Server$Worker, a trailing * for a prefix,"
                        + " separated by ':')");
            }
        }
        return names;
    }

    /** Each element {@code binary.ClassName#method}, outside the JDK. */
    private static List<String> requestList(Setting setting) throws OptionsException {
        List<String> names = list(setting);
        for (String name : names) {
            int hash = name.indexOf('#');
            String type = hash < 0 ? name : name.substring(0, hash);
            if (hash < 0 || !isClassName(type) || !isIdentifier(name.substring(hash + 1))) {
                throw setting.error("'" + name + "' is not a method (give binary class name#method such as"
                        + " com.acme.Server#handle, separated by ':')");
            }
            if (isJdk(type)) {
                throw setting.error(type + " is a JDK class; the JDK's tasks are captured already");
            }
        }
        return names;
    }

    private static boolean isClassName(String name) {
        return name.contains(".") && PackageFilter.isPackageName(name.replace('$', '.'));
    }

    private static boolean isJdk(String className) {
        return PackageFilter.isUnder(className, "java") || PackageFilter.isUnder(className, "jdk");
    }

    private static boolean isIdentifier(String name) {
        if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Character.isJavaIdentifierPart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static Path modulesDirectory(Setting setting) throws OptionsException {
        Path dir = setting.path();
        if (!Files.exists(dir)) {
            throw setting.error(dir + " does not exist; give the directory that holds the swappable jars");
        }
        if (!Files.isDirectory(dir)) {
            throw setting.error(dir + " is not a directory; give the directory that holds the swappable jars");
        }
        if (!Files.isReadable(dir)) {
            throw setting.error(dir + " is not readable; give a directory the JVM's user can read");
        }
        return dir;
    }

    private static Path storeDirectory(Setting setting) throws OptionsException {
        Path dir = setting.path();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw setting.error(dir + " exists and is not a directory; give a directory (it is created if missing)");
        }
        return dir;
    }

    private static Path defaultStore(Map<String, String> env, Path userHome) throws OptionsException {
        Path store = cacheDirectory(env, userHome).resolve("modulets").resolve("store").toAbsolutePath();
        if (Files.exists(store) && !Files.isDirectory(store)) {
            throw new OptionsException("default store " + store + " exists and is not a directory; give store=DIR");
        }
        return store;
    }

    // $XDG_CACHE_HOME, else ~/.cache; the XDG base directory spec says to ignore a relative one.
    private static Path cacheDirectory(Map<String, String> env, Path userHome) {
        String xdg = env.getOrDefault("XDG_CACHE_HOME", "").trim();
        try {
            if (!xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
                return Path.of(xdg);
            }
        } catch (InvalidPathException e) {
            // not a path on this platform: use the home directory
        }
        return userHome.resolve(".cache");
    }

    private static boolean bool(Setting setting) throws OptionsException {
        if (setting == null) {
            return true;
        }
        return switch (setting.value().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw setting.error("must be true or false");
        };
    }

    /** {@code 200ms}, {@code 2s}, {@code 1m}, or a plain number of milliseconds; 1 ms to 1 hour. */
    private static Duration quietPeriod(Setting setting) throws OptionsException {
        if (setting == null) {
            return DEFAULT_QUIET;
        }
        return duration(setting);
    }

    /** {@code off}, or a duration as {@code quiet} takes it (1 ms to 60 m). */
    private static Optional<Duration> drainWarning(Setting setting) throws OptionsException {
        if (setting == null) {
            return Optional.of(DEFAULT_DRAIN_WARNING);
        }
        if (setting.value().equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        return Optional.of(duration(setting));
    }

    private static Duration duration(Setting setting) throws OptionsException {
        String value = setting.value().toLowerCase(Locale.ROOT);
        Matcher m = Syntax.DURATION.matcher(value);
        if (!m.matches()) {
            throw setting.error("not a duration; give a number with ms, s or m (200ms, 2s, 1m; a plain number is ms)"
                    + (setting.key().equals("drainWarning") ? ", or off" : ""));
        }
        Duration quiet;
        try {
            long amount = Long.parseLong(m.group(1));
            quiet = switch (m.group(2) == null ? "ms" : m.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofMillis(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            quiet = MAX_QUIET.plusMillis(1);
        }
        if (quiet.compareTo(Duration.ofMillis(1)) < 0 || quiet.compareTo(MAX_QUIET) > 0) {
            throw setting.error("must be between 1ms and 60m");
        }
        return quiet;
    }

    private static boolean outside(Setting setting) throws OptionsException {
        if (setting == null) {
            return false;
        }
        return switch (setting.value().toLowerCase(Locale.ROOT)) {
            case "refuse" -> false;
            case "ignore" -> true;
            default -> throw setting.error("must be refuse (a modules jar holding a class outside the swappable"
                    + " packages is not activated) or ignore (such classes are never loaded from a generation)");
        };
    }

    private static int retain(Setting setting) throws OptionsException {
        if (setting == null) {
            return DEFAULT_RETAIN;
        }
        String reason = "must be a whole number from 1 to 1000: how many generations made current the store keeps"
                + " (besides those loaded or rollback-able)";
        try {
            int n = Integer.parseInt(setting.value());
            if (n >= 1 && n <= 1000) return n;
        } catch (NumberFormatException e) {
            // the reason says what it must be
        }
        throw setting.error(reason);
    }

    private static int maxGenerations(Setting setting) throws OptionsException {
        if (setting == null) {
            return 0;
        }
        String reason = "must be a whole number of at least 2 (the current generation and the one being"
                + " activated); leave it out for no limit";
        int n;
        try {
            n = Integer.parseInt(setting.value());
        } catch (NumberFormatException e) {
            throw setting.error(reason);
        }
        if (n < 2) {
            throw setting.error(reason);
        }
        return n;
    }

    /** {@code 512m}, {@code 2g}, {@code 64k} (binary units) or a plain number of bytes; at least 1 byte. */
    private static long size(Setting setting, long absent) throws OptionsException {
        if (setting == null) {
            return absent;
        }
        Matcher m = Syntax.SIZE.matcher(setting.value().toLowerCase(Locale.ROOT));
        long bytes = 0;
        if (m.matches()) {
            int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
                case "k" -> 10;
                case "m" -> 20;
                default -> 30;
            };
            long amount = Long.parseLong(m.group(1));
            bytes = amount > (Long.MAX_VALUE >> shift) ? 0 : amount << shift;
        }
        if (bytes < 1) {
            throw setting.error("not a size; give a whole number of bytes, or one with k, m or g (64k, 512m, 2g)");
        }
        return bytes;
    }

    /** A whole number of at least 1; {@code what} says what it counts. */
    private static long count(Setting setting, long absent, String what) throws OptionsException {
        if (setting == null) {
            return absent;
        }
        long n;
        try {
            n = Long.parseLong(setting.value());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw setting.error("must be a whole number of at least 1 (" + what + ")");
        }
        return n;
    }

    private static OnLimit onLimit(Setting setting, boolean limited) throws OptionsException {
        if (setting == null) {
            return OnLimit.REFUSE;
        }
        OnLimit choice = OnLimit.fromArgument(setting.value()).orElseThrow(() -> setting.error("must be one of "
                + Arrays.stream(OnLimit.values()).map(OnLimit::argument).collect(Collectors.joining(", "))));
        if (!limited) {
            throw setting.error("has no effect without maxGenerations=N; give both or neither");
        }
        return choice;
    }

    private static Permissions permissions(Setting setting) throws OptionsException {
        if (setting == null) {
            return Permissions.STRICT;
        }
        return Permissions.fromArgument(setting.value()).orElseThrow(() -> setting.error("must be strict (a modules"
                + " directory, jar, store or keystore that other users can write is refused) or warn (log it and go on)"));
    }

    private static Path keystore(Setting setting) throws OptionsException {
        Path file = setting.path();
        if (!Files.isRegularFile(file)) {
            throw setting.error(file + " is not a file; give a PKCS12 or JKS keystore with the signers' certificates");
        }
        return file;
    }

    private static Optional<PasswordSource> trustPassword(Setting setting, boolean trusted) throws OptionsException {
        if (setting == null) {
            return Optional.empty();
        }
        PasswordSource source = PasswordSource.parse(setting);
        if (!trusted) {
            throw setting.error("has no effect without trust=KEYSTORE; give both or neither");
        }
        return Optional.of(source);
    }

    /** A percentage ({@link Percent}); absent: 0 for {@code canary}, NaN for {@code canaryMargin}. */
    private static double percent(Setting setting, boolean zero) throws OptionsException {
        if (setting == null) {
            return zero ? Double.NaN : 0;
        }
        try {
            return Percent.parse(setting.value(), zero);
        } catch (IllegalArgumentException e) {
            throw setting.error(e.getMessage());
        }
    }

    /** A factor ({@link Factor}); absent: NaN. */
    private static double factor(Setting setting) throws OptionsException {
        if (setting == null) {
            return Double.NaN;
        }
        try {
            return Factor.parse(setting.value());
        } catch (IllegalArgumentException e) {
            throw setting.error(e.getMessage());
        }
    }

    private static long canaryMinTasks(Setting setting, boolean withMargin) throws OptionsException {
        if (setting == null) {
            return DEFAULT_CANARY_MIN_TASKS;
        }
        long n;
        try {
            n = Long.parseLong(setting.value());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw setting.error("must be a whole number of at least 1 (the ended tasks a canary needs before it is"
                    + " judged)");
        }
        if (!withMargin) {
            throw setting.error("has no effect without canaryMargin=N% or canaryLatency=Fx; give it with one of"
                    + " them");
        }
        return n;
    }

    private static LogLevel logLevel(Setting setting) throws OptionsException {
        if (setting == null) {
            return LogLevel.INFO;
        }
        Optional<LogLevel> level = LogLevel.fromArgument(setting.value());
        if (level.isEmpty()) {
            throw setting.error("must be one of "
                    + Arrays.stream(LogLevel.values()).map(LogLevel::argument).collect(Collectors.joining(", ")));
        }
        return level.get();
    }
}
