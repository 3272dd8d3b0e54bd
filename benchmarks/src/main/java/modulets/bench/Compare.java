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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs JMH benchmarks side by side in one run, once per JVM setup (no agent, modulets, …), and
 * prints one table of the scores with each setup's ratio and difference against the first setup.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--quick] [--setups none,modulets] REGEX...
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
        boolean quick = false;
        List<String> setupNames = List.of("none", "modulets");
        List<String> includes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--setups" -> setupNames = List.of(args[++i].split(","));
                default -> includes.add(args[i]);
            }
        }
        if (includes.isEmpty()) {
            includes.add(".*");
        }
        Map<String, Map<String, RunResult>> scores = new LinkedHashMap<>();
        for (String setup : setupNames) {
            for (RunResult result : run(includes, quick, jvmArgs(setup))) {
                scores.computeIfAbsent(key(result), k -> new LinkedHashMap<>()).put(setup, result);
            }
        }
        print(scores, setupNames);
    }

    /** The JVM arguments of one setup. */
    public static List<String> jvmArgs(String setup) throws IOException {
        List<String> args = new ArrayList<>(List.of("-Xms1g", "-Xmx1g"));
        switch (setup) {
            case "none" -> { }
            case "modulets" -> {
                Path modules = modulesDirectory();
                args.add("-javaagent:" + agentJar() + "=packages=" + SWAPPABLE + ",modules=" + modules
                        + ",store=" + modules.resolveSibling("store") + ",log=warn");
                args.add("-Dmodulets.bench.modules=" + modules);
            }
            default -> throw new IllegalArgumentException("unknown setup " + setup + " (none, modulets)");
        }
        return args;
    }

    private static Collection<RunResult> run(List<String> includes, boolean quick, List<String> jvmArgs)
            throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder().forks(1).jvmArgsAppend(jvmArgs.toArray(String[]::new));
        includes.forEach(options::include);
        if (quick) {
            options.warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
        }
        return new Runner(options.build()).run();
    }

    private static String key(RunResult result) {
        StringBuilder key = new StringBuilder(result.getParams().getBenchmark().replace("modulets.bench.", ""));
        for (String param : result.getParams().getParamsKeys()) {
            key.append(' ').append(param).append('=').append(result.getParams().getParam(param));
        }
        return key.toString();
    }

    private static void print(Map<String, Map<String, RunResult>> scores, List<String> setups) {
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

    /** A fresh modules directory holding the swappable classes of this jar as one jar. */
    public static Path modulesDirectory() throws IOException {
        Path work = Files.createTempDirectory("modulets-bench");
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

    private static Path ownJar() {
        try {
            return Path.of(Compare.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
