package modulets.bench.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import modulets.bench.Cli;
import modulets.bench.Compare;
import modulets.bench.swappable.DeployEcho;
import modulets.bench.swappable.DeployProbe;

/**
 * The soak (not in CI): one child JVM with the agent runs root tasks on a pool without pause while
 * two deployer threads, at once, make a random mix of good deploys, bad deploys and rollbacks through the
 * Manager MBean, until both the task and the activation targets are reached. Each task asks two swappable
 * classes ({@link DeployProbe}, {@link DeployEcho}) which version they are, with work between the calls: one
 * task seeing two numbers is <em>mixed</em>; one that throws is <em>failed</em> (only good content is ever
 * current, so every failure counts); one submitted and never ended is <em>lost</em>. A bad deploy made current
 * is <em>accepted</em>. Every 100 activations the child samples, after collections that unload classes, the
 * heap, metaspace, loaded classes and open files; from the 100th activation on, each must be flat (its
 * least-squares slope per activation under a bound, below).
 *
 * <pre>
 * scripts/soak [--tasks 1000000] [--activations 1000] [--quiet 20ms] [--jdk JAVA_HOME]
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.soak.Soak [--tasks N] [--activations N]
 * </pre>
 * Exit code 0 when the verdict is PASS, 1 when it is FAIL.
 */
public final class Soak {
    /** What "flat" allows per activation, from the 100th on: well under one generation's cost, which is tens of KB. */
    static final double HEAP_SLOPE = 1024;
    static final double METASPACE_SLOPE = 1024;
    static final double CLASSES_SLOPE = 0.05;
    static final double FILES_SLOPE = 0.01;
    private static final int SAMPLE_EVERY = 100;

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, Soak::cli);
    }

    private static void cli(String[] args) throws Exception {
        long tasks = 1_000_000;
        int activations = 1000;
        String quiet = "20ms";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tasks" -> tasks = Long.parseLong(args[++i]);
                case "--activations" -> activations = Integer.parseInt(args[++i]);
                case "--quiet" -> quiet = args[++i];
                default -> throw new IllegalArgumentException("usage: [--tasks N] [--activations N] [--quiet 20ms]");
            }
        }
        if (tasks < 1 || activations < 2 * SAMPLE_EVERY) {
            throw new IllegalArgumentException("--tasks must be at least 1 and --activations at least " + 2 * SAMPLE_EVERY);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Compare.jvmArgs("modulets", ",quiet=" + quiet));
        cmd.addAll(List.of("-cp", Compare.ownJar().toString(), Child.class.getName(), Long.toString(tasks),
                Integer.toString(activations)));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var lines = child.inputReader(StandardCharsets.UTF_8)) {
            for (String line; (line = lines.readLine()) != null; ) {
                System.out.println(line);
            }
        }
        System.exit(child.waitFor() == 0 ? 0 : 1);
    }

    /** The soaked JVM. */
    public static final class Child {
        private static final ObjectName MANAGER = name("io.modulets:type=Manager");
        private final long taskTarget;
        private final int activationTarget;
        private final Path modules = Path.of(System.getProperty("modulets.bench.modules"));
        private final Path deploys;
        private final byte[] base;
        private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        private final AtomicLong submitted = new AtomicLong();
        private final AtomicLong completed = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong mixed = new AtomicLong();
        private final AtomicInteger activations = new AtomicInteger();
        private final AtomicInteger good = new AtomicInteger();
        private final AtomicInteger goodRefused = new AtomicInteger();
        private final AtomicInteger bad = new AtomicInteger();
        private final AtomicInteger badAccepted = new AtomicInteger();
        private final AtomicInteger rollbacks = new AtomicInteger();
        private final AtomicInteger rollbacksRefused = new AtomicInteger();
        private final AtomicInteger versions = new AtomicInteger(1);
        private final AtomicReference<String> firstProblem = new AtomicReference<>();
        private final List<Sample> samples = new ArrayList<>();
        /** Deploys and rollbacks hold it shared; a sample holds it alone, so that none is half done while it counts. */
        private final ReentrantReadWriteLock sampling = new ReentrantReadWriteLock();
        private volatile boolean stop;
        private volatile int sink;
        /** The JVM's metaspace use by kind of loader at the first sample after activation 0 (VM.metaspace). */
        private volatile String metaspaceAtFirst = "";
        /** The activations of the last sample; written under the sampling lock. */
        private volatile int lastSampled = -1;

        private Child(long taskTarget, int activationTarget) throws IOException {
            this.taskTarget = taskTarget;
            this.activationTarget = activationTarget;
            this.deploys = Files.createDirectories(modules.resolveSibling("deploys"));
            this.base = Files.readAllBytes(modules.resolve("swappable.jar"));
        }

        public static void main(String[] args) throws Exception {
            Child soak = new Child(Long.parseLong(args[0]), Integer.parseInt(args[1]));
            System.exit(soak.run() ? 0 : 1);
        }

        private boolean run() throws Exception {
            long started = System.nanoTime();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(4096));
            Semaphore inFlight = new Semaphore(4096);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                threads.add(new Thread(() -> submit(pool, inFlight), "soak-submitter-" + i));
                threads.add(new Thread(this::deploy, "soak-deployer-" + i));
            }
            sample(0);
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            pool.shutdown();
            boolean ended = pool.awaitTermination(5, TimeUnit.MINUTES);
            Sample end = measure(activations.get()); // shown, not judged: no task runs any more
            long lost = submitted.get() - completed.get() - failed.get();
            double seconds = (System.nanoTime() - started) / 1e9;
            print("tasks: %d submitted, %d completed, %d failed, %d mixed, %d lost%s", submitted.get(), completed.get(),
                    failed.get(), mixed.get(), lost, ended ? "" : " (the pool did not end within 5 minutes)");
            print("activations: %d (%d good deploys, %d rollbacks); bad deploys: %d refused, %d accepted;"
                            + " refused: %d good deploys, %d rollbacks (a concurrent deploy or rollback won)",
                    activations.get(), good.get(), rollbacks.get(), bad.get() - badAccepted.get(), badAccepted.get(),
                    goodRefused.get(), rollbacksRefused.get());
            print("%.0f s, %.0f tasks/s", seconds, submitted.get() / seconds);
            print("%-12s %14s %14s %10s %8s", "activations", "heap bytes", "metaspace", "classes", "files");
            for (Sample s : samples) {
                print("%-12d %14d %14d %10d %8d", s.activations, s.heap, s.metaspace, s.classes, s.files);
            }
            print("%-12s %14d %14d %10d %8d", "end, idle", end.heap, end.metaspace, end.classes, end.files);
            List<Sample> flat = samples.stream().filter(s -> s.activations >= SAMPLE_EVERY).toList();
            double heap = slope(flat, s -> s.heap);
            double metaspace = slope(flat, s -> s.metaspace);
            double classes = slope(flat, s -> s.classes);
            double files = slope(flat, s -> s.files);
            print("slope per activation from the %dth: heap %.0f bytes (bound %.0f), metaspace %.0f bytes (bound %.0f),"
                    + " classes %.3f (bound %.2f), files %.4f (bound %.2f)", SAMPLE_EVERY, heap, HEAP_SLOPE, metaspace,
                    METASPACE_SLOPE, classes, CLASSES_SLOPE, files, FILES_SLOPE);
            if (firstProblem.get() != null) print("first problem: %s", firstProblem.get());
            print("metaspace by kind of loader (jcmd VM.metaspace by-spacetype) at the sample after activation %d:%n%s",
                    SAMPLE_EVERY, metaspaceAtFirst);
            print("and at the end, idle:%n%s", metaspaceByLoader());
            boolean pass = ended && lost == 0 && failed.get() == 0 && mixed.get() == 0 && badAccepted.get() == 0
                    && submitted.get() >= taskTarget && activations.get() >= activationTarget && heap < HEAP_SLOPE
                    && metaspace < METASPACE_SLOPE && classes < CLASSES_SLOPE && files < FILES_SLOPE;
            print("verdict: %s", pass ? "PASS" : "FAIL");
            return pass;
        }

        // ---- tasks ---------------------------------------------------------------------------------

        private void submit(ThreadPoolExecutor pool, Semaphore inFlight) {
            while (!(stop && submitted.get() >= taskTarget)) {
                inFlight.acquireUninterruptibly();
                submitted.incrementAndGet();
                try {
                    pool.execute(() -> {
                        try {
                            task();
                        } finally {
                            inFlight.release();
                        }
                    });
                } catch (RuntimeException rejected) {
                    inFlight.release();
                    problem("a task was rejected: " + rejected);
                    submitted.decrementAndGet();
                }
            }
        }

        private void task() {
            try {
                int first = DeployProbe.version();
                int work = 0;
                for (int i = 0; i < 200; i++) {
                    work += Integer.toString(i + first).hashCode();
                }
                Thread.yield(); // a deploy may happen between the two calls
                int second = DeployEcho.version();
                sink = work; // keeps the work
                if (first != second) {
                    mixed.incrementAndGet();
                    problem("a task saw versions " + first + " and " + second);
                }
                completed.incrementAndGet();
            } catch (Throwable e) {
                failed.incrementAndGet();
                problem("a task failed: " + e);
            }
        }

        // ---- deploys -------------------------------------------------------------------------------

        private void deploy() {
            Random random = new Random(Thread.currentThread().getName().hashCode());
            while (activations.get() < activationTarget) {
                int draw = random.nextInt(100);
                int at;
                sampling.readLock().lock();
                try {
                    if (draw < 60) {
                        goodDeploy();
                    } else if (draw < 80) {
                        badDeploy(random.nextInt(3));
                    } else {
                        rollback();
                    }
                    at = activations.get();
                } catch (Exception e) {
                    problem("the deployer failed: " + e);
                    break;
                } finally {
                    sampling.readLock().unlock();
                }
                if (at / SAMPLE_EVERY > lastSampled / SAMPLE_EVERY) sample(at);
            }
            stop = true;
        }

        private void goodDeploy() throws Exception {
            int version = versions.incrementAndGet();
            Path jar = deploys.resolve("good-" + version + ".jar");
            write(jar, Integer.toString(version), null, null);
            String refusal = invoke("activate", jar);
            Files.delete(jar);
            if (refusal == null) {
                good.incrementAndGet();
                activated();
            } else if (!refusal.contains("refused")) {
                problem("a good deploy failed: " + refusal);
            } else {
                goodRefused.incrementAndGet(); // e.g. the checks stopped for a concurrent rollback
            }
        }

        /** Content the checks must refuse, new each time: not a zip, a class missing that the shell calls, a truncated class. */
        private void badDeploy(int kind) throws Exception {
            int version = versions.incrementAndGet();
            Path jar = deploys.resolve("bad-" + version + ".jar");
            switch (kind) {
                case 0 -> Files.writeString(jar, "not a zip " + version);
                case 1 -> write(jar, Integer.toString(version), "modulets/bench/swappable/DeployEcho.class", null);
                default -> write(jar, Integer.toString(version), null, "modulets/bench/swappable/DeployEcho.class");
            }
            bad.incrementAndGet();
            String refusal = invoke("activate", jar);
            Files.delete(jar);
            if (refusal == null) {
                badAccepted.incrementAndGet();
                problem("bad content (kind " + kind + ") was made current");
            }
        }

        private void rollback() throws Exception {
            String refusal = invoke("rollback", null);
            if (refusal == null) {
                rollbacks.incrementAndGet();
                activated();
            } else {
                rollbacksRefused.incrementAndGet();
            }
        }

        private void activated() {
            activations.incrementAndGet();
        }

        /** Null if the operation succeeded, else the refusal's message. */
        private String invoke(String operation, Path jar) throws Exception {
            try {
                if (jar == null) {
                    server.invoke(MANAGER, operation, null, null);
                } else {
                    server.invoke(MANAGER, operation, new Object[] {new String[] {jar.toString()}},
                            new String[] {String[].class.getName()});
                }
                return null;
            } catch (javax.management.RuntimeMBeanException e) {
                return String.valueOf(e.getCause().getMessage());
            }
        }

        /** The swappable jar with this version; without {@code drop}; with {@code truncate} cut in half. */
        private void write(Path jar, String version, String drop, String truncate) throws IOException {
            Path temp = jar.resolveSibling(jar.getFileName() + ".tmp");
            Files.write(temp, base);
            try (ZipFile in = new ZipFile(temp.toFile());
                 OutputStream file = Files.newOutputStream(jar);
                 ZipOutputStream out = new ZipOutputStream(file)) {
                for (ZipEntry e : in.stream().toList()) {
                    if (e.getName().equals(drop)) continue;
                    out.putNextEntry(new ZipEntry(e.getName()));
                    try (InputStream data = in.getInputStream(e)) {
                        byte[] bytes = data.readAllBytes();
                        out.write(bytes, 0, e.getName().equals(truncate) ? bytes.length / 2 : bytes.length);
                    }
                    out.closeEntry();
                }
                out.putNextEntry(new ZipEntry("modulets/bench/swappable/" + DeployProbe.VERSION_RESOURCE));
                out.write(version.getBytes(StandardCharsets.US_ASCII));
                out.closeEntry();
            }
            Files.delete(temp);
        }

        // ---- samples -------------------------------------------------------------------------------

        private record Sample(int activations, long heap, long metaspace, long classes, long files) {
        }

        /**
         * Samples once each time the activations pass a multiple of {@link #SAMPLE_EVERY}, with no deploy under way
         * (tasks run on).
         */
        private void sample(int at) {
            sampling.writeLock().lock();
            try {
                if (lastSampled >= 0 && at / SAMPLE_EVERY <= lastSampled / SAMPLE_EVERY) return;
                lastSampled = at;
                samples.add(measure(at));
                if (samples.size() == 2) metaspaceAtFirst = metaspaceByLoader(); // the sample at about 100
            } finally {
                sampling.writeLock().unlock();
            }
            print("sample at %d activations, %d tasks", at, submitted.get());
        }

        private Sample measure(int at) {
            long previous = -1;
            for (int i = 0; i < 20; i++) { // until the loaded class count is stable: unloading can take cycles
                System.gc();
                long classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
                if (classes == previous) break;
                previous = classes;
            }
            long metaspace = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getName().equals("Metaspace")) metaspace = pool.getUsage().getUsed();
            }
            long files;
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                files = fds.count();
            } catch (IOException e) {
                files = -1;
            }
            return new Sample(at, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), metaspace,
                    ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(), files);
        }

        /** The part of {@code jcmd PID VM.metaspace by-spacetype} that says who uses the metaspace. */
        private static String metaspaceByLoader() {
            try {
                String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                        name("com.sun.management:type=DiagnosticCommand"), "vmMetaspace",
                        new Object[] {new String[] {"by-spacetype"}}, new String[] {String[].class.getName()});
                int end = text.indexOf("Virtual space:");
                return end < 0 ? text : text.substring(0, end);
            } catch (Exception e) {
                return "(VM.metaspace: " + e + ")";
            }
        }

        private interface Measure {
            double of(Sample s);
        }

        /** The least-squares slope of {@code measure} over activations. */
        private static double slope(List<Sample> samples, Measure measure) {
            int n = samples.size();
            if (n < 2) return 0;
            double mx = samples.stream().mapToDouble(s -> s.activations).average().orElse(0);
            double my = samples.stream().mapToDouble(measure::of).average().orElse(0);
            double sxy = 0;
            double sxx = 0;
            for (Sample s : samples) {
                sxy += (s.activations - mx) * (measure.of(s) - my);
                sxx += (s.activations - mx) * (s.activations - mx);
            }
            return sxx == 0 ? 0 : sxy / sxx;
        }

        private void problem(String what) {
            firstProblem.compareAndSet(null, what);
        }

        private static void print(String format, Object... args) {
            System.out.println("soak: " + String.format(Locale.ROOT, format, args));
        }

        private static ObjectName name(String name) {
            try {
                return new ObjectName(name);
            } catch (javax.management.MalformedObjectNameException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
