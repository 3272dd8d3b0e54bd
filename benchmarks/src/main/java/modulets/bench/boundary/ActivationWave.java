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
        RoundTimes[] times = new RoundTimes[1];
        boolean tasks = mode.startsWith("tasks");
        Thread worker = new Thread(() -> times[0] = measure(shells, warmup + after, tasks));
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
        report(times[0], current - TimeUnit.MILLISECONDS.toNanos(1), mode);
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

    /**
     * The rounds of the run. With {@code tasks}, each round
     * is a task of its own, bound to the generation current as it starts (a request: after the publish, the new
     * generation's); else the rounds run in the thread's own binding.
     */
    private static RoundTimes measure(IntUnaryOperator[] shells, int seconds, boolean tasks) {
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        RoundTimes times = new RoundTimes(start, end - start);
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
            times.add(now, t);
            now = t;
        }
        if (sink[0] == 42) {
            System.out.println();
        }
        return times;
    }

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

    private static void report(RoundTimes times, long publishedAt, String mode) {
        int published = times.bucketOf(publishedAt);
        int perSecond = RoundTimes.PER_SECOND;
        long baseline = times.median(published - 5 * perSecond, published);
        long longestBefore = 0; // what the machine does to a round anyway: the noise floor of "longest"
        for (int b = Math.max(0, published - 5 * perSecond); b < published; b++) {
            longestBefore = Math.max(longestBefore, times.longest(b));
        }
        long longest = 0;
        int stallEnd = published;
        for (int b = published; b < times.count(); b++) {
            if (times.longest(b) > longest) {
                longest = times.longest(b);
                stallEnd = b;
            }
        }
        int last = times.count();
        String recovered = "never";
        // Recovery is looked for after the longest stall, in one-second windows.
        for (int w = stallEnd + 1; w + perSecond <= last; w += perSecond / 10) {
            if (times.median(w, w + perSecond) <= baseline * 1.2) {
                recovered = String.format(Locale.ROOT, "%.1f s", (w - published) * RoundTimes.BUCKET_NANOS / 1e9);
                break;
            }
        }
        long tail = times.median(last - 5 * perSecond, last);
        int sites = ManySites.CLASSES * ManySites.METHODS;
        trajectory(times, published, baseline, sites);
        String steady = "never";
        // The first one-second window from which on every window's median is within 2x of the last 5 s.
        for (int w = published; w + perSecond <= last; w += perSecond / 10) {
            boolean within = true;
            for (int v = w; v + perSecond <= last && within; v += perSecond / 10) {
                within = times.median(v, v + perSecond) <= 2 * tail;
            }
            if (within) {
                steady = String.format(Locale.ROOT, "%.1f s", (w - published) * RoundTimes.BUCKET_NANOS / 1e9);
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
    private static void trajectory(RoundTimes times, int published, long baseline, int sites) {
        int last = times.count();
        int perSecond = RoundTimes.PER_SECOND;
        System.out.println("after the publish: window, median round, per site (added to before), longest round, "
                + "rounds");
        int tenth = perSecond / 10;
        for (int w = published, i = 0; i < 10 && w + tenth <= last; w += tenth, i++) {
            line(times, w, w + tenth, String.format(Locale.ROOT, "%.1f-%.1f s", i / 10.0, (i + 1) / 10.0), baseline,
                    sites);
        }
        for (int w = published + perSecond, i = 1; i < 60 && w + perSecond <= last; w += perSecond, i++) {
            line(times, w, w + perSecond, String.format(Locale.ROOT, "%d-%d s", i, i + 1), baseline, sites);
        }
    }

    private static void line(RoundTimes times, int from, int to, String window, long baseline, int sites) {
        long median = times.median(from, to);
        long rounds = 0;
        long longest = 0;
        for (int b = from; b < to; b++) {
            rounds += times.rounds(b);
            longest = Math.max(longest, times.longest(b));
        }
        if (rounds == 0) {
            System.out.printf(Locale.ROOT, "  %-9s no round ended%n", window);
            return;
        }
        System.out.printf(Locale.ROOT, "  %-9s %10.1f us %9.2f ns/site (%+8.2f) %9.2f ms %8d%n", window, median / 1e3,
                (double) median / sites, (double) (median - baseline) / sites, longest / 1e6, rounds);
    }
}
