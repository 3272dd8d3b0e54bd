package modulets.bench.lifecycle;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import modulets.bench.Cli;
import modulets.bench.Compare;

/**
 * What a generation costs in memory, and whether activations leak: a harness, not JMH (memory
 * after a collection is not a time). Each setup runs in its own JVM:
 * <ul>
 *   <li>{@code none}: the swappable jar loaded by K plain {@code URLClassLoader}s — what the
 *       classes themselves cost;</li>
 *   <li>{@code modulets}: K generations activated through the modules directory, each kept loaded by
 *       one object of its classes — the classes plus what the agent adds per generation.</li>
 * </ul>
 * Then N more loaders (or activations), each used by a task and dropped, with metaspace and loaded
 * classes printed along the way: they must stay flat.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.lifecycle.GenerationMemory [--quick] [--setups none,modulets] [--quiet 200ms]
 * </pre>
 * Full run: K = 200, N = 1000 (about five minutes with the agent's default quiet period of 200 ms,
 * which each activation waits for; the harness uses {@code --quiet 20ms}); {@code --quick}: K = 20, N = 50.
 */
public final class GenerationMemory {
    private static final String WORK = "modulets.bench.swappable.Work";
    /**
     * With {@code --histogram}: the child prints the classes whose instances grew most from the first fifth of the
     * N activations to the end (the JVM's class histogram after a full collection, as {@code jcmd PID
     * GC.class_histogram}), to find a leak.
     */
    private static final String HISTOGRAM = "modulets.bench.histogram";

    private GenerationMemory() {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, GenerationMemory::cli);
    }

    private static void cli(String[] args) throws Exception {
        boolean quick = false;
        List<String> setups = List.of("none", "modulets");
        String quiet = "200ms";
        int held = -1;
        int activations = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--setups" -> setups = List.of(args[++i].split(","));
                case "--quiet" -> quiet = args[++i];
                case "--held" -> held = Integer.parseInt(args[++i]);
                case "--activations" -> activations = Integer.parseInt(args[++i]);
                case "--histogram" -> System.setProperty(HISTOGRAM, "true");
                default -> throw new IllegalArgumentException("usage: [--quick] [--setups none,modulets] [--quiet 200ms]"
                        + " [--held K] [--activations N] [--histogram]");
            }
        }
        print(measure(setups, held >= 0 ? held : quick ? 20 : 200, activations > 0 ? activations : quick ? 50 : 1000,
                ",quiet=" + quiet), setups);
    }

    /**
     * Runs each setup in its own JVM: {@code held} generations kept loaded at once, then
     * {@code activations} more, each used by a task and dropped. {@code agentOptions} are appended
     * to the modulets agent's arguments (the quiet period: a setting, not a cost). Returns the
     * results by setup, then by measure.
     */
    public static Map<String, Map<String, String>> measure(List<String> setups, int held, int activations,
                                                           String agentOptions) throws Exception {
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        for (String setup : setups) {
            results.put(setup, runChild(setup, held, activations, agentOptions));
        }
        return results;
    }

    private static Map<String, String> runChild(String setup, int held, int activations, String agentOptions)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Compare.jvmArgs(setup, agentOptions));
        cmd.add("-D" + HISTOGRAM + "=" + Boolean.getBoolean(HISTOGRAM));
        cmd.add("-cp");
        cmd.add(Compare.ownJar().toString());
        cmd.add(Child.class.getName());
        cmd.add(setup);
        cmd.add(Integer.toString(held));
        cmd.add(Integer.toString(activations));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, String> result = new LinkedHashMap<>();
        StringBuilder log = new StringBuilder();
        try (var lines = process.inputReader(StandardCharsets.UTF_8)) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("result\t")) {
                    String[] parts = line.split("\t", 3);
                    result.put(parts[1], parts[2]);
                } else {
                    log.append('[').append(setup).append("] ").append(line).append('\n');
                }
            }
        }
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            System.err.print(log); // the agent's log (the benchmark's objects pin retired generations on purpose)
            throw new IllegalStateException(setup + " failed");
        }
        return result;
    }

    private static void print(Map<String, Map<String, String>> results, List<String> setups) {
        List<String> keys = new ArrayList<>();
        results.values().forEach(m -> m.keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-44s", "measure"));
        setups.forEach(s -> header.append(String.format(Locale.ROOT, " %16s", s)));
        if (setups.size() > 1) {
            header.append(String.format(Locale.ROOT, " %16s", "difference"));
        }
        System.out.println();
        System.out.println(header);
        for (String key : keys) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-44s", key));
            for (String setup : setups) {
                row.append(String.format(Locale.ROOT, " %16s", results.get(setup).getOrDefault(key, "-")));
            }
            if (setups.size() > 1) {
                try {
                    double a = Double.parseDouble(results.get(setups.get(0)).get(key));
                    double b = Double.parseDouble(results.get(setups.get(setups.size() - 1)).get(key));
                    row.append(String.format(Locale.ROOT, " %+16.0f", b - a));
                } catch (RuntimeException notANumber) {
                    row.append(String.format(Locale.ROOT, " %16s", "-"));
                }
            }
            System.out.println(row);
        }
        System.out.println("(bytes and classes after full collections; per generation: the difference between"
                + " K loaded and none, over K; 'difference' is the last setup minus the first: what the agent adds)");
    }

    /** One setup, in its own JVM. Prints "result key value" lines. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            boolean agent = args[0].equals("modulets");
            int held = Integer.parseInt(args[1]);
            int activations = Integer.parseInt(args[2]);
            Generations generations = agent ? new Activations() : new PlainLoaders();

            // The first activations load the agent's own lifecycle classes (and JDK ones): not a per-generation cost.
            for (int i = 0; i < 5; i++) {
                use(generations.next());
            }
            Sample before = Sample.now();
            List<Object> kept = new ArrayList<>();
            for (int i = 0; i < held; i++) {
                kept.add(generations.next());
            }
            Sample loaded = Sample.now();
            result("per generation: heap bytes", (loaded.heap - before.heap) / held);
            result("per generation: metaspace bytes", (loaded.metaspace - before.metaspace) / held);
            result("per generation: loaded classes", (double) (loaded.classes - before.classes) / held);
            kept.clear();

            Sample start = Sample.now();
            // From the first fifth on: what a bounded record (the registry's newest 100 unloaded generations, JMX's)
            // adds until it is full is not a leak.
            int fifth = Math.max(1, activations / 5);
            Map<String, long[]> histogramBefore = null;
            Sample last = start;
            Sample atFifth = start;
            for (int i = 1; i <= activations; i++) {
                use(generations.next());
                if (i == fifth && Boolean.getBoolean(HISTOGRAM)) histogramBefore = Histogram.now();
                if (i % fifth == 0) {
                    last = Sample.now();
                    if (i == fifth) atFifth = last;
                    result("after " + i + ": heap bytes", last.heap);
                    result("after " + i + ": metaspace bytes", last.metaspace);
                    result("after " + i + ": loaded classes", last.classes);
                }
            }
            result("heap growth over " + activations + " bytes", last.heap - start.heap);
            result("heap growth per activation bytes", (double) (last.heap - start.heap) / activations);
            result("heap growth per activation after " + fifth + " bytes",
                    (double) (last.heap - atFifth.heap) / Math.max(1, activations - fifth));
            result("metaspace growth over " + activations + " bytes", last.metaspace - start.metaspace);
            result("loaded classes growth over " + activations, last.classes - start.classes);
            if (histogramBefore != null) Histogram.printGrowth(histogramBefore, Histogram.now(), activations - fifth);
        }

        private static void use(Object work) throws ReflectiveOperationException {
            // A task on its own thread, as an application would run one between deploys.
            Thread task = new Thread(() -> {
                try {
                    work.getClass().getMethod("mix", int.class).invoke(work, 7);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            task.start();
            try {
                task.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void result(String key, double value) {
            System.out.println("result\t" + key + "\t" + String.format(Locale.ROOT, "%.1f", value));
        }
    }

    /** A source of generations: each call loads one more and returns an object of its classes. */
    private interface Generations {
        Object next() throws Exception;
    }

    /** Without the agent: the swappable jar in a fresh class loader each time. */
    private static final class PlainLoaders implements Generations {
        private final URL jar;

        PlainLoaders() throws IOException {
            jar = Compare.modulesDirectory().resolve("swappable.jar").toUri().toURL();
        }

        @Override
        public Object next() throws Exception {
            URLClassLoader loader = new URLClassLoader(new URL[] {jar}, PlainLoaders.class.getClassLoader()) {
                @Override
                protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                    if (name.startsWith("modulets.bench.swappable.")) { // child-first, as a generation is
                        synchronized (getClassLoadingLock(name)) {
                            Class<?> c = findLoadedClass(name);
                            return c != null ? c : findClass(name);
                        }
                    }
                    return super.loadClass(name, resolve);
                }
            };
            return loader.loadClass(WORK).getConstructor(int.class).newInstance(1);
        }
    }

    /**
     * With the agent: each call deploys a jar of new content into the modules directory and waits
     * until it is current. The class is reached by name through the system loader (unbound code
     * resolves in the current generation), so no boundary call site of this class caches one.
     */
    private static final class Activations implements Generations {
        private final Path modules = Path.of(System.getProperty("modulets.bench.modules"));
        private final Path base;
        private int version;

        Activations() throws IOException {
            base = Files.copy(modules.resolve("swappable.jar"), modules.resolveSibling("base.jar"),
                    StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public Object next() throws Exception {
            Class<?> before = current();
            // Written beside the directory, then renamed into it: the agent sees one change, not the writes.
            Path temp = modules.resolveSibling("swappable.jar.tmp");
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(base));
                 OutputStream file = Files.newOutputStream(temp);
                 ZipOutputStream out = new ZipOutputStream(file)) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
                out.putNextEntry(new ZipEntry("modulets/bench/swappable/version.txt"));
                out.write(Integer.toString(++version).getBytes(StandardCharsets.US_ASCII));
                out.closeEntry();
            }
            Files.move(temp, modules.resolve("swappable.jar"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Class<?> now;
            while ((now = current()) == before) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("version " + version + " did not become current");
                }
                Thread.sleep(5);
            }
            return now.getConstructor(int.class).newInstance(1);
        }

        private static Class<?> current() throws ClassNotFoundException {
            return ClassLoader.getSystemClassLoader().loadClass(WORK);
        }
    }

    /** The JVM's class histogram (live objects, after a full collection): class name to {instances, bytes}. */
    private static final class Histogram {
        static Map<String, long[]> now() throws Exception {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Map<String, long[]> classes = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                // "  1:   1234   56789  java.lang.String (java.base@17)"
                if (f.length >= 4 && f[0].endsWith(":")) {
                    long[] sum = classes.computeIfAbsent(f[3], k -> new long[2]);
                    sum[0] += Long.parseLong(f[1]);
                    sum[1] += Long.parseLong(f[2]);
                }
            }
            return classes;
        }

        /** Prints the 15 classes whose live bytes grew most, with their growth per activation. */
        static void printGrowth(Map<String, long[]> before, Map<String, long[]> after, int activations) {
            after.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), new long[] {
                            e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
                            e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]}))
                    .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(15)
                    .forEach(e -> Child.result("histogram growth: " + e.getKey() + " (instances " + e.getValue()[0]
                            + ") bytes per activation", (double) e.getValue()[1] / activations));
        }
    }

    /** Heap, metaspace and loaded classes after collections that unload classes. */
    private record Sample(long heap, long metaspace, long classes) {
        static Sample now() throws InterruptedException {
            long previous = -1;
            // Collect until the loaded class count is stable: unloading can take more than one cycle.
            for (int i = 0; i < 20; i++) {
                System.gc();
                Thread.sleep(50);
                long classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
                if (classes == previous) {
                    break;
                }
                previous = classes;
            }
            long metaspace = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getName().equals("Metaspace")) {
                    metaspace = pool.getUsage().getUsed();
                }
            }
            return new Sample(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), metaspace,
                    ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        }
    }

}
