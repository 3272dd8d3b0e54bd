package modulets.bench.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import jdk.security.jarsigner.JarSigner;

import modulets.bench.Cli;
import modulets.bench.Compare;
import modulets.bench.swappable.DeployProbe;

/**
 * Activation latency, outside JMH because one sample is one whole deploy: the time from the rename
 * of a new jar over the old one in the modules directory to the first root task that runs the new
 * generation. The driver starts a child JVM with the agent; the child writes each version beside the
 * modules directory (the probe class, its own {@code deploy-version.txt}, and incompressible filler
 * entries, stored, so the jar really has the size asked for), renames it in, then submits root tasks
 * to a pool about every 0.1 ms until one returns the new number. Most of the latency is the quiet
 * period by design (the agent waits for the directory to settle): it is a setting, not a cost, so
 * the results show the time beyond it, and {@code --quiet 1ms} measures the work alone. With
 * {@code --trust} the agent runs with {@code trust=KEYSTORE} and every jar is signed before its rename
 * (signing is not timed): the difference is what checking the signatures adds to an activation.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.deploy.DeployLatency [--quick]
 *      [--quiet 200ms] [--deploys 10] [--sizes 1,5,10,50] [--trust]
 * </pre>
 * The agent jar is found as {@link Compare#agentJar()} finds it.
 */
public final class DeployLatency {
    private static final String PROBE_CLASS = "modulets/bench/swappable/DeployProbe.class";
    private static final String PROBE_DIR = "modulets/bench/swappable/";
    private static final int MB = 1 << 20;

    private DeployLatency() {
    }

    /** The deploys of one jar size: latencies in microseconds, sorted. */
    public record Result(int megabytes, long quietMillis, long[] sortedMicros) {
        /** The p-th percentile (0 = min, 100 = max) in milliseconds. */
        public double percentileMillis(int p) {
            int index = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
            return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, index))] / 1000.0;
        }
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, DeployLatency::cli);
    }

    private static void cli(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Path.of(args[1]), Path.of(args[2]), sizes(args[3]), Integer.parseInt(args[4]),
                    args.length > 5 ? new Signer(Path.of(args[5])) : null);
            return;
        }
        List<String> a = Arrays.asList(args);
        boolean quick = a.contains("--quick");
        String quiet = option(a, "--quiet", "200ms");
        int deploys = Integer.parseInt(option(a, "--deploys", quick ? "3" : "10"));
        List<Integer> sizes = sizes(option(a, "--sizes", "1,5,10,50"));
        boolean trusted = a.contains("--trust");
        List<Result> results = measure(sizes, quiet, deploys, trusted);
        System.out.printf(Locale.ROOT, "activation latency, rename -> first root task on the new generation"
                + " (JDK %s, %d deploys per size, quiet %s%s)%n", Runtime.version(), deploys, quiet,
                trusted ? ", signed jars, trust=KEYSTORE" : "");
        System.out.printf(Locale.ROOT, "%-8s %10s %10s %10s %10s %24s%n", "jar", "min ms", "median ms", "p90 ms",
                "max ms", "median beyond quiet ms");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%5d MB %10.1f %10.1f %10.1f %10.1f %24.1f%n", r.megabytes(),
                    r.percentileMillis(0), r.percentileMillis(50), r.percentileMillis(90), r.percentileMillis(100),
                    r.percentileMillis(50) - r.quietMillis());
        }
    }

    /**
     * Runs {@code deploys} activations of a jar of each size (MB) in one child JVM with the agent
     * (quiet period {@code quiet}) and returns the latencies per size.
     */
    public static List<Result> measure(List<Integer> sizes, String quiet, int deploys) throws Exception {
        return measure(sizes, quiet, deploys, false);
    }

    /** As {@link #measure(List, String, int)}; {@code trusted}: signed jars and {@code trust=KEYSTORE}. */
    public static List<Result> measure(List<Integer> sizes, String quiet, int deploys, boolean trusted)
            throws Exception {
        long quietMillis = parseMillis(quiet);
        Path work = Files.createTempDirectory("modulets-deploy-latency");
        try {
            Path modules = Files.createDirectories(work.resolve("modules"));
            try (InputStream probe = DeployLatency.class.getResourceAsStream("/" + PROBE_CLASS)) {
                Files.write(work.resolve("DeployProbe.class"), probe.readAllBytes());
            }
            new Jars(work, 0).write(modules.resolve("probe.jar"), 1, 0);
            String trust = "";
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            List<String> childArgs = new ArrayList<>(List.of("--child", work.toString(), modules.toString(),
                    sizes.stream().map(String::valueOf).collect(Collectors.joining(",")), Integer.toString(deploys)));
            if (trusted) {
                Path keystore = Signer.keystore(work);
                new Signer(keystore).sign(modules.resolve("probe.jar"));
                trust = ",trust=" + keystore + ",trustPassword=file:" + Signer.passwordFile(work);
                childArgs.add(keystore.toString());
            }
            command.addAll(List.of("-javaagent:" + Compare.agentJar() + "=packages=modulets.bench.swappable,modules="
                    + modules + ",store=" + work.resolve("store") + ",quiet=" + quiet + ",log=warn" + trust,
                    "-cp", Compare.ownJar().toString(), DeployLatency.class.getName()));
            command.addAll(childArgs);
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            Map<Integer, long[]> micros = new LinkedHashMap<>();
            StringBuilder log = new StringBuilder();
            try (var lines = child.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = lines.readLine()) != null; ) {
                    String[] parts = line.split("\t");
                    if (parts.length == 3 && parts[0].equals("result")) {
                        micros.put(Integer.parseInt(parts[1]),
                                Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).sorted().toArray());
                    } else {
                        log.append(line).append('\n');
                    }
                }
            }
            if (!child.waitFor(10L * deploys * sizes.size() + 120, TimeUnit.SECONDS) || child.exitValue() != 0) {
                child.destroyForcibly();
                throw new IllegalStateException("the deploy latency child failed:\n" + log);
            }
            List<Result> results = new ArrayList<>();
            micros.forEach((size, values) -> results.add(new Result(size, quietMillis, values)));
            return results;
        } finally {
            Compare.deleteTree(work);
        }
    }

    /** In the JVM with the agent: deploy each version, measure, print one result line per size. */
    static void child(Path work, Path modules, List<Integer> sizes, int deploys, Signer signer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        if (pool.submit(() -> DeployProbe.version()).get() != 1) {
            throw new IllegalStateException("generation 1 is not version 1");
        }
        Jars jars = new Jars(work, sizes.stream().mapToInt(Integer::intValue).max().orElse(0));
        int version = 1;
        for (int size : sizes) {
            long[] micros = new long[deploys];
            for (int i = 0; i < deploys; i++) {
                int expected = ++version;
                Path staged = work.resolve("staged.jar"); // beside the directory: the agent sees one rename
                jars.write(staged, expected, size);
                if (signer != null) signer.sign(staged); // before the clock starts: the deployer's check is timed
                long renamed = System.nanoTime();
                Files.move(staged, modules.resolve("probe.jar"), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                long deadline = renamed + TimeUnit.SECONDS.toNanos(60);
                long seen;
                while (true) {
                    long[] ran = pool.submit(() -> new long[] {DeployProbe.version(), System.nanoTime()}).get();
                    if (ran[0] == expected) {
                        seen = ran[1];
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("version " + expected + " (" + size + " MB) not seen within 60 s");
                    }
                    Thread.sleep(0, 100_000); // about 0.1 ms between probes: the resolution of the measurement
                }
                micros[i] = (seen - renamed) / 1_000;
            }
            System.out.println("result\t" + size + "\t"
                    + Arrays.stream(micros).mapToObj(Long::toString).collect(Collectors.joining(",")));
        }
        pool.shutdown();
    }

    /** Writes probe jars: the probe class, its version, and {@code megabytes} of random stored entries. */
    static final class Jars {
        private final byte[] probe;
        private final byte[][] filler;
        private final long[] crcs;

        Jars(Path work, int megabytes) throws IOException {
            probe = Files.readAllBytes(work.resolve("DeployProbe.class"));
            Random random = new Random(42);
            filler = new byte[megabytes][];
            crcs = new long[megabytes];
            for (int i = 0; i < megabytes; i++) {
                filler[i] = new byte[MB];
                random.nextBytes(filler[i]);
                CRC32 crc = new CRC32();
                crc.update(filler[i]);
                crcs[i] = crc.getValue();
            }
        }

        void write(Path jar, int version, int megabytes) throws IOException {
            try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
                out.putNextEntry(new JarEntry(PROBE_CLASS));
                out.write(probe);
                out.closeEntry();
                out.putNextEntry(new JarEntry(PROBE_DIR + DeployProbe.VERSION_RESOURCE));
                out.write(Integer.toString(version).getBytes(StandardCharsets.US_ASCII));
                out.closeEntry();
                for (int i = 0; i < megabytes; i++) {
                    JarEntry entry = new JarEntry(PROBE_DIR + "filler/" + i + ".bin");
                    entry.setMethod(ZipEntry.STORED); // random bytes do not compress: stored, the jar has the size
                    entry.setSize(MB);
                    entry.setCompressedSize(MB);
                    entry.setCrc(crcs[i]);
                    out.putNextEntry(entry);
                    out.write(filler[i]);
                    out.closeEntry();
                }
            }
        }
    }

    /** Signs probe jars with the key of a keystore made by the JDK's keytool, which also serves as the trust keystore. */
    static final class Signer {
        private static final String PASSWORD = "bench-password";
        private final JarSigner signer;

        Signer(Path keystore) throws IOException, GeneralSecurityException {
            KeyStore store = KeyStore.getInstance(keystore.toFile(), PASSWORD.toCharArray());
            PrivateKey key = (PrivateKey) store.getKey("bench", PASSWORD.toCharArray());
            signer = new JarSigner.Builder(key, CertificateFactory.getInstance("X.509")
                    .generateCertPath(Arrays.asList(store.getCertificateChain("bench")))).build();
        }

        /** {@code work/bench.p12} with the key pair {@code bench}, and its password file beside it. */
        static Path keystore(Path work) throws IOException, InterruptedException {
            Path keystore = work.resolve("bench.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD,
                    "-alias", "bench", "-keyalg", "EC", "-dname", "CN=bench", "-validity", "2")
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                keytool.destroyForcibly();
                throw new IllegalStateException("keytool failed: " + output);
            }
            Files.writeString(passwordFile(work), PASSWORD + "\n");
            Files.setPosixFilePermissions(passwordFile(work), java.nio.file.attribute.PosixFilePermissions
                    .fromString("rw-------"));
            return keystore;
        }

        static Path passwordFile(Path work) {
            return work.resolve("password.txt");
        }

        void sign(Path jar) throws IOException {
            Path signed = jar.resolveSibling(jar.getFileName() + ".signed");
            try (ZipFile in = new ZipFile(jar.toFile()); OutputStream out = Files.newOutputStream(signed)) {
                signer.sign(in, out);
            }
            Files.move(signed, jar, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<Integer> sizes(String list) {
        List<Integer> sizes = new ArrayList<>();
        for (String s : list.split(",")) {
            int mb = Integer.parseInt(s.trim());
            if (mb < 0 || mb > 1024) {
                throw new IllegalArgumentException("jar size " + s + " MB: must be 0-1024");
            }
            sizes.add(mb);
        }
        return sizes;
    }


    private static String option(List<String> args, String name, String otherwise) {
        int at = args.indexOf(name);
        return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : otherwise;
    }

    /** The agent's quiet syntax: 200ms, 2s, 1m, or milliseconds. */
    public static long parseMillis(String quiet) {
        String q = quiet.toLowerCase(Locale.ROOT);
        if (q.endsWith("ms")) return Long.parseLong(q.substring(0, q.length() - 2));
        if (q.endsWith("s")) return Long.parseLong(q.substring(0, q.length() - 1)) * 1000;
        if (q.endsWith("m")) return Long.parseLong(q.substring(0, q.length() - 1)) * 60_000;
        return Long.parseLong(q);
    }
}
