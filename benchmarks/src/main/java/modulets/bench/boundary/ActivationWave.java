package modulets.bench.boundary;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

import modulets.bench.Compare;

/**
 * What one activation costs a warm application with thousands of hot boundary sites
 * (docs/JVM-NOTES.md, "the activation wave"): a thread calls every site of {@link ManySites}'s generated
 * shell classes in a loop, timing each round (mode {@code bound}: the loop is one task, started before the publish,
 * that keeps its generation; {@code unbound}: a thread that runs no task, which follows the current generation;
 * {@code tasks}: each round a new task, bound to the generation current as it starts, as requests are, and
 * generation 1 retires at the publish, as in most deploys, where requests are short; {@code tasks-overlap}: the
 * same, with generation 1 kept live by a long task of its own); after a warm-up a second generation is deployed
 * (but in mode {@code tasks}, generation 1 stays live, so the overlap lasts to the end). Prints the median round
 * before the deploy, the longest round after it, the time until a one-second window's median is back within
 * 20% of the median before, the time from which every one-second median stays within 2x of the last 5
 * seconds', the ratio of the last seconds' median to the median before, and the whole trajectory after
 * the publish (the first second in tenths, then per second up to 60 s); then the garbage collections in the 5 s
 * before the publish and after it, since one in the window is a long round that is not the boundary's; and the JIT
 * compilers' time in the 5 s before and the first 10 s after, what the wave of new tasks is mostly made of
 * (docs/PERFORMANCE.md, "What the wave of new tasks is made of").
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.boundary.ActivationWave [bound|unbound|tasks|tasks-overlap] [warmupSeconds] [afterSeconds]
 * </pre>
 * It starts itself again in a child JVM with the agent (the "modulets" setup of {@link Compare}).
 * Not a JMH benchmark: a stall is one long round, which an average hides.
 */
public final class ActivationWave {
    private ActivationWave() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "bound";
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int after = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        if (!List.of("bound", "unbound", "tasks", "tasks-overlap").contains(mode)) {
            throw new IllegalArgumentException("mode: bound, unbound, tasks or tasks-overlap, not " + mode);
        }
        if (!AgentControl.active()) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Compare.jvmArgs("modulets"));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ActivationWave.class.getName(),
                    mode, String.valueOf(warmup), String.valueOf(after)));
            System.exit(new ProcessBuilder(command).inheritIO().start().waitFor());
        }
        IntUnaryOperator[] shells = ManySites.load(ManySites.compile());
        long[][] buckets = new long[1][];
        boolean tasks = mode.startsWith("tasks");
        Thread worker = new Thread(() -> buckets[0] = measure(shells, warmup + after, tasks));
        if (!mode.equals("bound")) {
            AgentControl.neverBind(worker); // a thread that runs no task: it follows the current generation
        }
        worker.start();
        TimeUnit.SECONDS.sleep(Math.max(0, warmup - 5));
        long[] collectionsBefore = collections();
        long compilingBefore = compilingMillis();
        TimeUnit.SECONDS.sleep(Math.min(5, warmup));
        long compilingAtPublish = compilingMillis();
        // Generation 1 stays live while a task of its own runs: the loop (bound), a long task in flight (unbound,
        // tasks-overlap); in mode tasks none is left (a round bound by the benchmark is no task), and it retires
        long renamed = AgentControl.deploySecondGeneration(!mode.equals("tasks"));
        long current = System.nanoTime(); // within 1 ms of the publish: the wave starts here
        long[] collectionsAtPublish = collections();
        System.out.printf(Locale.ROOT, "second generation current %d ms after the jar's rename%n",
                TimeUnit.NANOSECONDS.toMillis(current - renamed));
        int compilingWindow = Math.min(10, after);
        TimeUnit.NANOSECONDS.sleep(current + TimeUnit.SECONDS.toNanos(compilingWindow) - System.nanoTime());
        long compilingAfter = compilingMillis();
        worker.join();
        long[] collectionsAtEnd = collections();
        report(buckets[0], current - TimeUnit.MILLISECONDS.toNanos(1), mode);
        // A young collection in the window is a round the application loses too, but not to the boundary: whether
        // one falls in the deploy depends on how full eden was when it began (the start-up's allocation).
        System.out.printf(Locale.ROOT, "garbage collections in the last 5 s before the publish: %d (%d ms); after"
                        + " it: %d (%d ms)%n", collectionsAtPublish[0] - collectionsBefore[0],
                collectionsAtPublish[1] - collectionsBefore[1], collectionsAtEnd[0] - collectionsAtPublish[0],
                collectionsAtEnd[1] - collectionsAtPublish[1]);
        // Summed over the compiler threads, so it can exceed the window on a machine with more than one
        System.out.printf(Locale.ROOT, "JIT compilers' time (CompilationMXBean): %d ms in the last 5 s before the"
                        + " publish, %d ms in the first %d s after it%n", compilingAtPublish - compilingBefore,
                compilingAfter - compilingAtPublish, compilingWindow);
    }

    /** The JIT compilers' time so far, all threads, in ms; -1 where the JVM does not say. */
    private static long compilingMillis() {
        CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
        return compilation != null && compilation.isCompilationTimeMonitoringSupported()
                ? compilation.getTotalCompilationTime() : -1;
    }

    /** One bucket per {@link #BUCKET_NANOS} of the run: rounds made, their total and longest time. */
    private static final long BUCKET_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * Buckets as triples (count, total, longest), indexed from the start of the run. With {@code tasks}, each round
     * is a task of its own, bound to the generation current as it starts (a request: after the publish, the new
     * generation's); else the rounds run in the thread's own binding.
     */
    private static long[] measure(IntUnaryOperator[] shells, int seconds, boolean tasks) {
        long start = System.nanoTime();
        started = start;
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long[] buckets = new long[3 * (int) (TimeUnit.SECONDS.toNanos(seconds) / BUCKET_NANOS + 1)];
        int[] sink = {0};
        Runnable round = () -> {
            int s = sink[0];
            for (IntUnaryOperator shell : shells) {
                s = shell.applyAsInt(s);
            }
            sink[0] = s;
        };
        for (long now = start; now < end; ) {
            if (tasks) {
                AgentControl.run(AgentControl.current(), round);
            } else {
                round.run();
            }
            long t = System.nanoTime();
            int b = 3 * (int) Math.min((t - start) / BUCKET_NANOS, buckets.length / 3 - 1);
            buckets[b]++;
            buckets[b + 1] += t - now;
            buckets[b + 2] = Math.max(buckets[b + 2], t - now);
            now = t;
        }
        if (sink[0] == 42) {
            System.out.println();
        }
        return buckets;
    }

    private static volatile long started;

    /** Collections that stop the application so far (count, ms), of every collector but concurrent cycles. */
    private static long[] collections() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!collector.getName().contains("Concurrent")) {
                count += Math.max(0, collector.getCollectionCount());
                millis += Math.max(0, collector.getCollectionTime());
            }
        }
        return new long[] {count, millis};
    }

    private static void report(long[] buckets, long publishedAt, String mode) {
        int published = (int) ((publishedAt - started) / BUCKET_NANOS);
        int perSecond = (int) (TimeUnit.SECONDS.toNanos(1) / BUCKET_NANOS);
        long baseline = median(means(buckets, published - 5 * perSecond, published));
        long longestBefore = 0; // what the machine does to a round anyway: the noise floor of "longest"
        for (int b = Math.max(0, published - 5 * perSecond); b < published; b++) {
            longestBefore = Math.max(longestBefore, buckets[3 * b + 2]);
        }
        long longest = 0;
        int stallEnd = published;
        for (int b = published; b < buckets.length / 3; b++) {
            if (buckets[3 * b + 2] > longest) {
                longest = buckets[3 * b + 2];
                stallEnd = b;
            }
        }
        int last = buckets.length / 3;
        String recovered = "never";
        // Recovery is looked for after the longest stall, in one-second windows.
        for (int w = stallEnd + 1; w + perSecond <= last; w += perSecond / 10) {
            if (median(means(buckets, w, w + perSecond)) <= baseline * 1.2) {
                recovered = String.format(Locale.ROOT, "%.1f s", (w - published) * BUCKET_NANOS / 1e9);
                break;
            }
        }
        long tail = median(means(buckets, last - 5 * perSecond, last));
        int sites = ManySites.CLASSES * ManySites.METHODS;
        trajectory(buckets, published, perSecond, baseline, tail, sites);
        String steady = "never";
        // The first one-second window from which on every window's median is within 2x of the last 5 s.
        for (int w = published; w + perSecond <= last; w += perSecond / 10) {
            boolean within = true;
            for (int v = w; v + perSecond <= last && within; v += perSecond / 10) {
                within = median(means(buckets, v, v + perSecond)) <= 2 * tail;
            }
            if (within) {
                steady = String.format(Locale.ROOT, "%.1f s", (w - published) * BUCKET_NANOS / 1e9);
                break;
            }
        }
        System.out.printf(Locale.ROOT, "%s thread, %d sites: round before %.1f us (%.2f ns/site; longest in the 5 s "
                        + "before %.1f ms), longest round after the publish %.1f ms, back within 20%% after %s, within "
                        + "2x of the last 5 s from %s on, last 5 s %.1f us (x%.2f, %+.2f ns/site)%n",
                mode, sites, baseline / 1e3, (double) baseline / sites, longestBefore / 1e6, longest / 1e6, recovered,
                steady, tail / 1e3, (double) tail / baseline, (double) (tail - baseline) / sites);
    }

    /**
     * The whole trajectory after the publish: the first second in tenths, then every second up to 60 s
     * (median round, its cost per site against the round before, the longest round, rounds made).
     */
    private static void trajectory(long[] buckets, int published, int perSecond, long baseline, long tail, int sites) {
        int last = buckets.length / 3;
        System.out.println("after the publish: window, median round, per site (added to before), longest round, "
                + "rounds");
        int tenth = perSecond / 10;
        for (int w = published, i = 0; i < 10 && w + tenth <= last; w += tenth, i++) {
            line(buckets, w, w + tenth, String.format(Locale.ROOT, "%.1f-%.1f s", i / 10.0, (i + 1) / 10.0), baseline,
                    sites);
        }
        for (int w = published + perSecond, i = 1; i < 60 && w + perSecond <= last; w += perSecond, i++) {
            line(buckets, w, w + perSecond, String.format(Locale.ROOT, "%d-%d s", i, i + 1), baseline, sites);
        }
    }

    private static void line(long[] buckets, int from, int to, String window, long baseline, int sites) {
        long median = median(means(buckets, from, to));
        long rounds = 0;
        long longest = 0;
        for (int b = from; b < to; b++) {
            rounds += buckets[3 * b];
            longest = Math.max(longest, buckets[3 * b + 2]);
        }
        if (rounds == 0) {
            System.out.printf(Locale.ROOT, "  %-9s no round ended%n", window);
            return;
        }
        System.out.printf(Locale.ROOT, "  %-9s %10.1f us %9.2f ns/site (%+8.2f) %9.2f ms %8d%n", window, median / 1e3,
                (double) median / sites, (double) (median - baseline) / sites, longest / 1e6, rounds);
    }

    /** The mean round of each bucket in [from, to) that has rounds. */
    private static List<Long> means(long[] buckets, int from, int to) {
        List<Long> means = new ArrayList<>();
        for (int b = Math.max(0, from); b < Math.min(to, buckets.length / 3); b++) {
            if (buckets[3 * b] > 0) {
                means.add(buckets[3 * b + 1] / buckets[3 * b]);
            }
        }
        return means;
    }

    private static long median(List<Long> values) {
        if (values.isEmpty()) {
            return Long.MAX_VALUE;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
