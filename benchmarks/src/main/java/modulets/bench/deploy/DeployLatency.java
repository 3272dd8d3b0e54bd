package modulets.bench.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.tools.ToolProvider;

import modulets.bench.swappable.DeployProbe;

/**
 * Deploy latency (issue 6), outside JMH because one sample is one whole deploy: the time from the
 * rename of a new jar over the old one in the modules directory to the first root task that runs
 * the new generation. The driver writes the versions and starts a child JVM with the agent; the
 * child renames each version in, then submits root tasks to a pool until one returns the new
 * number, and prints the percentiles. Most of the latency is the quiet period by design (the
 * agent waits for the directory to settle); the table shows it apart.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.deploy.DeployLatency [--quick]
 *      [--agent agent/target/modulets-agent.jar] [--quiet 200ms] [--deploys 30]
 * </pre>
 */
public final class DeployLatency {
    private DeployLatency() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
            return;
        }
        List<String> a = Arrays.asList(args);
        boolean quick = a.contains("--quick");
        String agent = option(a, "--agent", "agent/target/modulets-agent.jar");
        String quiet = option(a, "--quiet", "200ms");
        int deploys = Integer.parseInt(option(a, "--deploys", quick ? "5" : "30"));

        Path work = Files.createTempDirectory("modulets-deploy-latency");
        Path versions = Files.createDirectories(work.resolve("versions"));
        for (int v = 1; v <= deploys + 1; v++) {
            writeVersion(versions, v);
        }
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(versions.resolve("probe-1.jar"), modules.resolve("probe.jar"));
        String self = Path.of(DeployLatency.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + Path.of(agent).toAbsolutePath() + "=packages=modulets.bench.swappable,modules="
                        + modules + ",store=" + work.resolve("store") + ",quiet=" + quiet + ",log=warn",
                "-cp", self, DeployLatency.class.getName(), "--child", versions.toString(), modules.toString(),
                "" + deploys, "" + parseMillis(quiet));
        Process child = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!child.waitFor(10L * deploys + 120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the child JVM did not finish in time");
            }
            if (child.exitValue() != 0) {
                throw new IllegalStateException("the child JVM failed with exit code " + child.exitValue());
            }
        } finally {
            child.destroyForcibly();
            deleteTree(work);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        }
    }

    /** In the JVM with the agent: deploy each version, measure, print one table. */
    static void child(Path versions, Path modules, int deploys, long quietMillis) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        if (pool.submit(() -> DeployProbe.version()).get() != 1) {
            throw new IllegalStateException("generation 1 is not version 1");
        }
        long[] micros = new long[deploys];
        for (int i = 0; i < deploys; i++) {
            int version = i + 2;
            Path temp = modules.resolve(".probe.tmp");
            Files.copy(versions.resolve("probe-" + version + ".jar"), temp, StandardCopyOption.REPLACE_EXISTING);
            long renamed = System.nanoTime();
            Files.move(temp, modules.resolve("probe.jar"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            long deadline = renamed + TimeUnit.SECONDS.toNanos(30);
            long seen;
            while (true) {
                long[] ran = pool.submit(() -> new long[] {DeployProbe.version(), System.nanoTime()}).get();
                if (ran[0] == version) {
                    seen = ran[1];
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("version " + version + " not seen within 30 s");
                }
                Thread.sleep(0, 100_000); // about 0.1 ms between probes: the resolution of the measurement
            }
            micros[i] = (seen - renamed) / 1_000;
        }
        pool.shutdown();
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "deploy latency, rename -> first root task on the new generation"
                        + " (JDK %s, %d deploys, quiet %d ms)%n", Runtime.version(), deploys, quietMillis);
        System.out.printf(Locale.ROOT, "%-8s %12s %22s%n", "", "ms", "ms beyond the quiet time");
        for (String[] row : new String[][] {{"min", "0"}, {"median", "50"}, {"p90", "90"}, {"max", "100"}}) {
            long value = percentile(sorted, Integer.parseInt(row[1]));
            System.out.printf(Locale.ROOT, "%-8s %12.1f %22.1f%n", row[0], value / 1000.0,
                    value / 1000.0 - quietMillis);
        }
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** A jar whose {@code DeployProbe.version()} returns {@code v}, compiled with the JDK's compiler. */
    private static void writeVersion(Path versions, int v) throws IOException {
        Path src = Files.createDirectories(versions.resolve("src-" + v + "/modulets/bench/swappable"));
        Path classes = Files.createDirectories(versions.resolve("classes-" + v));
        Path source = src.resolve("DeployProbe.java");
        Files.writeString(source, "package modulets.bench.swappable;\n"
                + "public final class DeployProbe {\n"
                + "    private DeployProbe() {}\n"
                + "    public static int version() { return " + v + "; }\n"
                + "}\n");
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "--release", "17", "-d", classes.toString(), source.toString());
        if (status != 0) throw new IOException("javac failed for version " + v);
        try (OutputStream file = Files.newOutputStream(versions.resolve("probe-" + v + ".jar"));
             JarOutputStream jar = new JarOutputStream(file)) {
            jar.putNextEntry(new JarEntry("modulets/bench/swappable/DeployProbe.class"));
            jar.write(Files.readAllBytes(classes.resolve("modulets/bench/swappable/DeployProbe.class")));
            jar.closeEntry();
        }
    }

    private static String option(List<String> args, String name, String otherwise) {
        int at = args.indexOf(name);
        return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : otherwise;
    }

    private static long parseMillis(String quiet) {
        String q = quiet.toLowerCase(Locale.ROOT);
        if (q.endsWith("ms")) return Long.parseLong(q.substring(0, q.length() - 2));
        if (q.endsWith("s")) return Long.parseLong(q.substring(0, q.length() - 1)) * 1000;
        if (q.endsWith("m")) return Long.parseLong(q.substring(0, q.length() - 1)) * 60_000;
        return Long.parseLong(q);
    }
}
