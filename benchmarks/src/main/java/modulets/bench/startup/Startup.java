package modulets.bench.startup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import modulets.bench.Cli;
import modulets.bench.Compare;

/**
 * Startup: a small application's time from the start of its JVM to {@code main}, and to its first
 * task (a pool task that calls swappable code), median of N runs per setup, on the JDK running this
 * harness. The application ({@code startup.app.Main}) and its swappable class
 * ({@code startup.swap.Greeting}) are copied out of this jar into an app jar and a modules jar, so
 * the application's class path is those two small jars. The setups:
 * <ul>
 *   <li>{@code none}: {@code java -cp app.jar:greeting.jar Main};</li>
 *   <li>{@code modulets}: the same with the agent, {@code packages=modulets.bench.startup.swap}, the
 *       modules directory holding greeting.jar, a store that the first (uncounted) run filled;</li>
 *   <li>{@code ttl}: the same with the TTL agent, and one TransmittableThreadLocal value set in
 *       {@code main} before the task is submitted.</li>
 * </ul>
 * Runs alternate between the setups (one uncounted warm-up run of each first), so that the machine's
 * state drifts over all of them alike. Times are taken with {@code System.nanoTime} in both JVMs
 * (CLOCK_MONOTONIC on Linux): from just before this JVM starts the child.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.startup.Startup [--runs 10] [--setups none,modulets,ttl]
 * </pre>
 */
public final class Startup {
    private static final String MAIN = "modulets.bench.startup.app.Main";

    private Startup() {
    }

    /** Medians of one setup, in milliseconds. */
    public record Times(double toMain, double toFirstTask) {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, Startup::cli);
    }

    private static void cli(String[] args) throws Exception {
        Rounds rounds = Rounds.parse(args, 10);
        int runs = rounds.runs();
        List<String> setups = rounds.setups();
        Map<String, Times> times = measure(setups, runs);
        System.out.printf(Locale.ROOT, "startup of a small application, median of %d runs (JDK %s)%n", runs,
                Runtime.version());
        System.out.printf(Locale.ROOT, "%-10s %14s %20s%n", "setup", "to main, ms", "to first task, ms");
        times.forEach((setup, t) -> System.out.printf(Locale.ROOT, "%-10s %14.1f %20.1f%n", setup, t.toMain(),
                t.toFirstTask()));
    }

    /** The median times of each setup over {@code runs} runs. */
    public static Map<String, Times> measure(List<String> setups, int runs) throws Exception {
        Path work = Files.createTempDirectory("modulets-startup");
        try {
            Path modules = Files.createDirectories(work.resolve("modules"));
            Path app = work.resolve("app.jar");
            copyEntries("modulets/bench/startup/app/", app);
            copyEntries("modulets/bench/startup/swap/", modules.resolve("greeting.jar"));
            String classPath = app + java.io.File.pathSeparator + modules.resolve("greeting.jar");
            Map<String, List<String>> commands = new LinkedHashMap<>();
            for (String setup : setups) {
                commands.put(setup, command(setup, classPath, modules, work.resolve("store")));
            }
            Map<String, double[][]> samples = new LinkedHashMap<>();
            for (String setup : setups) {
                runOnce(commands.get(setup)); // warm-up: file cache, and the agent's store
                samples.put(setup, new double[2][runs]);
            }
            for (int i = 0; i < runs; i++) {
                for (String setup : setups) {
                    double[] t = runOnce(commands.get(setup));
                    samples.get(setup)[0][i] = t[0];
                    samples.get(setup)[1][i] = t[1];
                }
            }
            Map<String, Times> medians = new LinkedHashMap<>();
            samples.forEach((setup, s) -> medians.put(setup, new Times(median(s[0]), median(s[1]))));
            return medians;
        } finally {
            Compare.deleteTree(work);
        }
    }

    private static List<String> command(String setup, String classPath, Path modules, Path store) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dmodulets.bench.setup=" + setup);
        switch (setup) {
            case "none" -> { }
            case "modulets" -> cmd.add("-javaagent:" + Compare.agentJar() + "=packages=modulets.bench.startup.swap,modules="
                    + modules + ",store=" + store + ",log=warn");
            case "ttl" -> cmd.add("-javaagent:" + Compare.ttlJar());
            default -> throw new IllegalArgumentException("unknown setup " + setup + " (none, modulets, ttl)");
        }
        cmd.addAll(List.of("-cp", classPath, MAIN));
        return cmd;
    }

    /** One run: milliseconds from just before the start to main, and to the first task. */
    private static double[] runOnce(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("_JAVA_OPTIONS");
        long start = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("the startup application failed: " + String.join(" ", command) + "\n" + output);
        }
        for (String line : output.split("\n")) {
            String[] parts = line.trim().split("\t");
            if (parts.length == 4 && parts[0].equals("startup")) {
                return new double[] {(Long.parseLong(parts[1]) - start) / 1e6, (Long.parseLong(parts[2]) - start) / 1e6};
            }
        }
        throw new IllegalStateException("the startup application printed no times: " + output);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Copies this jar's entries under {@code prefix} into a new jar. */
    static void copyEntries(String prefix, Path target) throws IOException {
        try (JarFile own = new JarFile(Compare.ownJar().toFile());
             OutputStream file = Files.newOutputStream(target);
             JarOutputStream out = new JarOutputStream(file)) {
            for (JarEntry entry : (Iterable<JarEntry>) own.stream()::iterator) {
                if (entry.getName().startsWith(prefix) && !entry.isDirectory()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = own.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
    }
}
