package modulets.bench.boundary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

import modulets.bench.Compare;

/**
 * What one activation costs a warm application with thousands of hot boundary sites (issue 4,
 * JVM-NOTES "the activation wave"): a thread calls every site of {@link ManySites}'s generated
 * shell classes in a loop, timing each round; after a warm-up a second generation is deployed
 * (generation 1 stays live, so the overlap lasts to the end). Prints the median round before the
 * deploy, the longest round after it, the time until a one-second window's median is back within
 * 20% of the median before, and the ratio of the last seconds' median to the median before.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.boundary.ActivationWave [bound|unbound] [warmupSeconds] [afterSeconds]
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
        if (!AgentControl.active()) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Compare.jvmArgs("modulets"));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ActivationWave.class.getName(),
                    mode, String.valueOf(warmup), String.valueOf(after)));
            System.exit(new ProcessBuilder(command).inheritIO().start().waitFor());
        }
        IntUnaryOperator[] shells = ManySites.load(ManySites.compile());
        long[][] rounds = new long[1][];
        Thread worker = new Thread(() -> rounds[0] = measure(shells, warmup + after));
        if (mode.equals("unbound")) {
            AgentControl.neverBind(worker); // a thread that runs no task: it follows the current generation
        }
        worker.start();
        TimeUnit.SECONDS.sleep(warmup);
        long deployAt = System.nanoTime();
        AgentControl.deploySecondGeneration();
        long current = System.nanoTime(); // within 10 ms of the publish: the wave starts here
        System.out.printf(Locale.ROOT, "second generation current %d ms after the jar was written%n",
                TimeUnit.NANOSECONDS.toMillis(current - deployAt));
        worker.join();
        report(rounds[0], current - TimeUnit.MILLISECONDS.toNanos(10), mode);
    }

    /** Rounds as pairs (end time, duration) in one array, for {@code seconds}. */
    private static long[] measure(IntUnaryOperator[] shells, int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long[] samples = new long[1 << 22];
        int n = 0;
        int sink = 0;
        for (long now = System.nanoTime(); now < end && n < samples.length; ) {
            for (IntUnaryOperator shell : shells) {
                sink = shell.applyAsInt(sink);
            }
            long t = System.nanoTime();
            samples[n++] = t;
            samples[n++] = t - now;
            now = t;
        }
        if (sink == 42) {
            System.out.println();
        }
        return Arrays.copyOf(samples, n);
    }

    private static void report(long[] samples, long deployAt, String mode) {
        List<Long> before = new ArrayList<>();
        long longestAfter = 0;
        long stallEnd = deployAt;
        for (int i = 0; i < samples.length; i += 2) {
            if (samples[i] < deployAt && samples[i] > deployAt - TimeUnit.SECONDS.toNanos(5)) {
                before.add(samples[i + 1]);
            } else if (samples[i] >= deployAt && samples[i + 1] > longestAfter) {
                longestAfter = samples[i + 1];
                stallEnd = samples[i];
            }
        }
        long baseline = median(before);
        long recovered = -1;
        long last = samples.length == 0 ? deployAt : samples[samples.length - 2];
        // Recovery is looked for after the longest stall: rounds made before the publish reached the
        // sites would otherwise make the first window look fast.
        for (long window = stallEnd; window + TimeUnit.SECONDS.toNanos(1) <= last; window += TimeUnit.MILLISECONDS.toNanos(100)) {
            if (median(between(samples, window, window + TimeUnit.SECONDS.toNanos(1))) <= baseline * 1.2) {
                recovered = window - deployAt;
                break;
            }
        }
        long tail = median(between(samples, last - TimeUnit.SECONDS.toNanos(5), last));
        int sites = ManySites.CLASSES * ManySites.METHODS;
        System.out.printf(Locale.ROOT, "%s thread, %d sites: round before %.1f us (%.2f ns/site), longest round after "
                        + "the publish %.1f ms, back within 20%% after %s, last 5 s %.1f us (×%.2f, %+.2f ns/site)%n",
                mode, sites, baseline / 1e3, (double) baseline / sites, longestAfter / 1e6,
                recovered < 0 ? "never" : String.format(Locale.ROOT, "%.1f s", recovered / 1e9), tail / 1e3,
                (double) tail / baseline, (double) (tail - baseline) / sites);
    }

    private static List<Long> between(long[] samples, long from, long to) {
        List<Long> durations = new ArrayList<>();
        for (int i = 0; i < samples.length; i += 2) {
            if (samples[i] >= from && samples[i] < to) {
                durations.add(samples[i + 1]);
            }
        }
        return durations;
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
