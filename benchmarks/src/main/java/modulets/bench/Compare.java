package modulets.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs JMH benchmarks side by side in one run, once per JVM setup (no agent, modulets, …), and
 * prints one table of the scores with each setup's ratio and difference against the first setup.
 * Default setups: all three ({@link #SETUPS}); "ttl" skips the benchmarks it has no counterpart for.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--quick] [--setups none,modulets,ttl] REGEX...
 * </pre>
 *
 * The benchmarks live outside {@code io.modulets} (the agent's own packages are always shared). The
 * classes of {@code modulets.bench.swappable} are the swappable code: with the agent they come from
 * a modules directory made from this jar (generation 1), without it from the class path. A
 * benchmark that activates more generations writes jars into the directory named by the system
 * property {@code modulets.bench.modules}.
 */
public final class Compare {
    static final String SWAPPABLE = "modulets.bench.swappable";

    private Compare() {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, Compare::cli);
    }

    private static void cli(String[] args) throws Exception {
        boolean quick = false;
        List<String> setupNames = SETUPS;
        List<String> includes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--setups" -> {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException("--setups needs a list, e.g. none,modulets,ttl");
                    }
                    setupNames = List.of(args[++i].split(","));
                    for (String setup : setupNames) {
                        if (!SETUPS.contains(setup)) {
                            throw new IllegalArgumentException("unknown setup " + setup + " (" + String.join(", ", SETUPS) + ")");
                        }
                    }
                }
                default -> includes.add(args[i]);
            }
        }
        if (includes.isEmpty()) {
            includes.add(".*");
        }
        print(run(includes, setupNames, quick), setupNames);
    }

    /** Every setup, in the order of the table; the first is the base of the ratios. */
    public static final List<String> SETUPS = List.of("none", "modulets", "ttl");

    /**
     * Benchmarks with no TTL counterpart: the boundary, activations and generations are what modulets
     * does and TTL does not. The "ttl" setup skips them.
     */
    private static final String NOT_FOR_TTL = "modulets\\.bench\\.(boundary|deploy|lifecycle)\\..*";

    /** Virtual threads need JDK 21; on older JDKs these are skipped with a line. */
    private static final String NEEDS_JDK_21 = ".*[Vv]irtualThread.*";

    /**
     * Runs the benchmarks matching {@code includes} once per setup and returns the results by
     * benchmark key (class, method and parameters), then by setup.
     */
    public static Map<String, Map<String, RunResult>> run(List<String> includes, List<String> setups, boolean quick)
            throws IOException, RunnerException {
        return run(includes, setups, quick, Map.of(), null);
    }

    /**
     * As {@link #run(List, List, boolean)}, with benchmark parameters overridden ({@code params}, JMH's
     * {@code -p}) and JMH's own output written to {@code outputFile} (null: the console).
     */
    public static Map<String, Map<String, RunResult>> run(List<String> includes, List<String> setups, boolean quick,
                                                          Map<String, String[]> params, String outputFile)
            throws IOException, RunnerException {
        Map<String, Map<String, RunResult>> scores = new LinkedHashMap<>();
        if (Runtime.version().feature() < 21) {
            System.out.println("modulets.bench: skipping the virtual-thread benchmarks: JDK " + Runtime.version().feature()
                    + " has no virtual threads (21+)");
        }
        for (String setup : setups) {
            List<String> excludes = new ArrayList<>();
            if (setup.equals("ttl")) {
                excludes.add(NOT_FOR_TTL);
            }
            if (Runtime.version().feature() < 21) {
                excludes.add(NEEDS_JDK_21);
            }
            ChainedOptionsBuilder options = options(includes, excludes, quick, jvmArgs(setup));
            params.forEach(options::param);
            if (outputFile != null) {
                options.output(outputFile + "." + setup);
            }
            for (RunResult result : run(options)) {
                scores.computeIfAbsent(key(result), k -> new LinkedHashMap<>()).put(setup, result);
            }
        }
        return scores;
    }

    /** The JVM arguments of one setup. */
    public static List<String> jvmArgs(String setup) throws IOException {
        return jvmArgs(setup, "");
    }

    /**
     * The JVM arguments of one setup; {@code agentOptions} ({@code ,key=value...}) are appended to the
     * modulets agent's arguments. Every setup names itself in {@code -Dmodulets.bench.setup}.
     * <ul>
     *   <li>{@code none}: no agent;</li>
     *   <li>{@code modulets}: the agent in its normal configuration, the swappable classes of this jar
     *       as generation 1 in a fresh modules directory;</li>
     *   <li>{@code ttl}: the TransmittableThreadLocal agent with its defaults (it instruments
     *       ThreadPoolExecutor, ScheduledThreadPoolExecutor, ForkJoinTask/ForkJoinPool and TimerTask);
     *       the benchmarks set one {@link TtlValue} in the submitting thread, which it carries.</li>
     * </ul>
     */
    public static List<String> jvmArgs(String setup, String agentOptions) throws IOException {
        List<String> args = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-Dmodulets.bench.setup=" + setup));
        switch (setup) {
            case "none" -> { }
            case "modulets" -> {
                Path modules = modulesDirectory();
                args.add("-javaagent:" + agentJar() + "=packages=" + SWAPPABLE + ",modules=" + modules
                        + ",store=" + modules.resolveSibling("store") + ",log=warn" + agentOptions);
                args.add("-Dmodulets.bench.modules=" + modules);
            }
            case "ttl" -> args.add("-javaagent:" + ttlJar());
            default -> throw new IllegalArgumentException("unknown setup " + setup + " (" + String.join(", ", SETUPS) + ")");
        }
        return args;
    }

    private static ChainedOptionsBuilder options(List<String> includes, List<String> excludes, boolean quick,
                                                 List<String> jvmArgs) {
        ChainedOptionsBuilder options = new OptionsBuilder().forks(1).jvmArgsAppend(jvmArgs.toArray(String[]::new));
        includes.forEach(options::include);
        excludes.forEach(options::exclude);
        if (quick) {
            // proves the benchmark runs and shows a direction; not a figure to quote
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
                    .measurementIterations(3).measurementTime(TimeValue.milliseconds(200));
        }
        return options;
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        try {
            return new Runner(options.build()).run();
        } catch (NoBenchmarksException none) {
            return List.of(); // every match excluded for this setup
        }
    }

    static String key(RunResult result) {
        StringBuilder key = new StringBuilder(result.getParams().getBenchmark().replace("modulets.bench.", ""));
        for (String param : result.getParams().getParamsKeys()) {
            key.append(' ').append(param).append('=').append(result.getParams().getParam(param));
        }
        return key.toString();
    }

    static void print(Map<String, Map<String, RunResult>> scores, List<String> setups) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-60s", "benchmark"));
        for (String setup : setups) {
            header.append(String.format(Locale.ROOT, " %24s", setup));
        }
        System.out.println();
        System.out.println(header);
        scores.forEach((name, bySetup) -> {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-60s", name));
            RunResult base = bySetup.get(setups.get(0));
            for (String setup : setups) {
                RunResult r = bySetup.get(setup);
                row.append(String.format(Locale.ROOT, " %24s", r == null ? "-" : cell(r, base)));
            }
            System.out.println(row);
        });
        System.out.println("(score ± error unit; for each setup after the first: score, ratio and difference against the first)");
    }

    private static String cell(RunResult r, RunResult base) {
        double score = r.getPrimaryResult().getScore();
        if (base == null || base == r) {
            return String.format(Locale.ROOT, "%.2f±%.2f %s", score, r.getPrimaryResult().getScoreError(),
                    r.getPrimaryResult().getScoreUnit());
        }
        double b = base.getPrimaryResult().getScore();
        return String.format(Locale.ROOT, "%.2f ×%.2f %+.2f", score, score / b, score - b);
    }

    /** {@code modulets.agent.jar}, else the agent built beside this module. */
    public static Path agentJar() {
        String property = System.getProperty("modulets.agent.jar");
        Path jar = property != null ? Path.of(property)
                : ownJar().getParent().resolve("../../agent/target/modulets-agent.jar").normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no agent jar at " + jar + " (build it, or set -Dmodulets.agent.jar)");
        }
        return jar.toAbsolutePath();
    }

    /** {@code modulets.ttl.jar}, else the TransmittableThreadLocal agent the build copied beside this jar. */
    public static Path ttlJar() {
        String property = System.getProperty("modulets.ttl.jar");
        Path jar = property != null ? Path.of(property)
                : ownJar().getParent().resolve("transmittable-thread-local-" + TtlValue.VERSION + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no TTL agent jar at " + jar + " (build the benchmarks, or set -Dmodulets.ttl.jar)");
        }
        return jar.toAbsolutePath();
    }

    /**
     * A fresh modules directory holding the swappable classes of this jar as one jar; it and the
     * store beside it are deleted when this JVM exits (the JVMs that use them have ended by then).
     */
    public static Path modulesDirectory() throws IOException {
        Path work = Files.createTempDirectory("modulets-bench");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work), "delete " + work));
        Path modules = Files.createDirectory(work.resolve("modules"));
        String prefix = SWAPPABLE.replace('.', '/') + '/';
        try (JarFile own = new JarFile(ownJar().toFile());
             OutputStream file = Files.newOutputStream(modules.resolve("swappable.jar"));
             JarOutputStream out = new JarOutputStream(file)) {
            for (JarEntry entry : (Iterable<JarEntry>) own.stream()::iterator) {
                if (entry.getName().startsWith(prefix)) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = own.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return modules;
    }

    /** Deletes a directory tree, the store's read-only files included; what cannot be deleted stays. */
    public static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            System.err.println("modulets.bench: could not delete " + root + ": " + e);
        }
    }

    /** The jar (or classes directory) this class came from: benchmarks/target/benchmarks.jar when built. */
    public static Path ownJar() {
        try {
            return Path.of(Compare.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
