package modulets.bench.startup;

import java.io.File;
import java.io.IOException;
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

import modulets.bench.Cli;
import modulets.bench.Compare;

/**
 * The whole process: a trivial application ({@code startup.app.OneThread}: {@code main} starts one thread
 * that calls one swappable static method) from the start of its JVM to its exit, without an agent, with
 * modulets and with the TTL agent, on the JDK running this harness. Per run: the wall time (measured
 * here around the process), the CPU time (user + system, all threads) and the peak resident set, the
 * last two from {@code /usr/bin/time}. The runs interleave the setups, each round in a rotated order
 * (one uncounted warm-up run of each first: file cache, the agent's store), and what an agent adds is the
 * median of the differences within a round, so that a machine whose load drifts shifts both sides of each
 * difference alike. The load average before and after is part of the result: on a loaded machine the
 * wall times grow, the CPU times much less.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.startup.WholeProcess [--runs 11] [--setups none,modulets,ttl]
 * </pre>
 */
public final class WholeProcess {
    private static final String MAIN = "modulets.bench.startup.app.OneThread";
    private static final Path TIME = Path.of("/usr/bin/time");

    private WholeProcess() {
    }

    /** One run, or a median: milliseconds of wall and CPU time, megabytes of peak resident set. */
    public record Figures(double wallMs, double cpuMs, double rssMb) {
        Figures minus(Figures other) {
            return new Figures(wallMs - other.wallMs, cpuMs - other.cpuMs, rssMb - other.rssMb);
        }
    }

    /**
     * @param medians per setup, the median of its runs
     * @param added   per setup but the first, the median of its runs' differences to the first setup's in
     *                the same round
     */
    public record Result(Map<String, Figures> medians, Map<String, Figures> added, int runs, String loadBefore,
                         String loadAfter) {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, WholeProcess::cli);
    }

    private static void cli(String[] args) throws Exception {
        Rounds rounds = Rounds.parse(args, 11);
        int runs = rounds.runs();
        List<String> setups = rounds.setups();
        Result r = measure(setups, runs);
        System.out.printf(Locale.ROOT, "whole process of a trivial application, median of %d interleaved runs (JDK %s);"
                + " load average before %s, after %s%n", runs, Runtime.version(), r.loadBefore(), r.loadAfter());
        System.out.printf(Locale.ROOT, "%-10s %9s %9s %9s   %s%n", "setup", "wall ms", "CPU ms", "RSS MB",
                "added over " + setups.get(0) + " (median of paired differences)");
        r.medians().forEach((setup, f) -> {
            Figures a = r.added().get(setup);
            System.out.printf(Locale.ROOT, "%-10s %9.0f %9.0f %9.1f   %s%n", setup, f.wallMs(), f.cpuMs(), f.rssMb(),
                    a == null ? "" : String.format(Locale.ROOT, "wall %+.0f ms, CPU %+.0f ms, RSS %+.1f MB",
                            a.wallMs(), a.cpuMs(), a.rssMb()));
        });
    }

    public static Result measure(List<String> setups, int runs) throws Exception {
        if (!Files.isExecutable(TIME)) {
            throw new IOException("the whole-process figure needs " + TIME + " (GNU time: apt-get install time)");
        }
        Path work = Files.createTempDirectory("modulets-process");
        try {
            Path modules = Files.createDirectories(work.resolve("modules"));
            Path app = work.resolve("app.jar");
            Startup.copyEntries("modulets/bench/startup/app/", app);
            Startup.copyEntries("modulets/bench/startup/swap/", modules.resolve("greeting.jar"));
            String classPath = app + File.pathSeparator + modules.resolve("greeting.jar");
            Path times = work.resolve("time.out");
            Map<String, List<String>> commands = new LinkedHashMap<>();
            for (String setup : setups) {
                commands.put(setup, command(setup, classPath, modules, work.resolve("store"), times));
            }
            String loadBefore = loadAverage();
            Map<String, List<Figures>> samples = new Rounds(runs, setups)
                    .run(setup -> runOnce(commands.get(setup), times));
            String loadAfter = loadAverage();
            Map<String, Figures> medians = new LinkedHashMap<>();
            Map<String, Figures> added = new LinkedHashMap<>();
            List<Figures> base = samples.get(setups.get(0));
            samples.forEach((setup, s) -> {
                medians.put(setup, median(s));
                if (!setup.equals(setups.get(0))) {
                    List<Figures> differences = new ArrayList<>();
                    for (int i = 0; i < runs; i++) {
                        differences.add(s.get(i).minus(base.get(i)));
                    }
                    added.put(setup, median(differences));
                }
            });
            return new Result(medians, added, runs, loadBefore, loadAfter);
        } finally {
            Compare.deleteTree(work);
        }
    }

    private static List<String> command(String setup, String classPath, Path modules, Path store, Path times) {
        List<String> cmd = new ArrayList<>(List.of(TIME.toString(), "-o", times.toString(), "-f", "%U %S %M"));
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

    private static Figures runOnce(List<String> command, Path times) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("_JAVA_OPTIONS");
        long start = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        long wall = System.nanoTime() - start;
        if (!exited || process.exitValue() != 0 || !output.contains("hello")) {
            process.destroyForcibly();
            throw new IllegalStateException("the trivial application failed: " + String.join(" ", command) + "\n" + output);
        }
        String[] f = Files.readString(times).trim().split("\\s+"); // user s, system s, max RSS KB
        return new Figures(wall / 1e6, (Double.parseDouble(f[0]) + Double.parseDouble(f[1])) * 1000,
                Double.parseDouble(f[2]) / 1024);
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Figures median(List<Figures> values) {
        return new Figures(median(values.stream().mapToDouble(Figures::wallMs).toArray()),
                median(values.stream().mapToDouble(Figures::cpuMs).toArray()),
                median(values.stream().mapToDouble(Figures::rssMb).toArray()));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
