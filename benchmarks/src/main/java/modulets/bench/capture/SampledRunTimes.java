package modulets.bench.capture;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.LatencyHistogram;
import io.modulets.bootstrap.TaskOutcomes;
import io.modulets.bootstrap.TestSeams;
import io.modulets.bootstrap.ThreadHooks;
import modulets.bench.Compare;

/**
 * How close the run-time figures that the agent estimates from a sample of the runs are to the exact ones
 * (docs/PERFORMANCE.md, "Counting task outcomes"): a few threads run bound runs whose lengths follow a
 * long-tailed distribution (log-normal, median about 3 µs, with a 2% tail of about 90 µs); each run's
 * length is also measured by the run itself, and the exact mean, median and 99th percentile (raw, and as
 * the top of their histogram bucket, which is what the agent reports) are printed beside the agent's.
 * The counts must be equal; the estimates close.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.capture.SampledRunTimes [threads] [runsPerThread]
 * </pre>
 * It starts itself again in a child JVM with the agent (the "modulets" setup of {@link Compare}).
 */
public final class SampledRunTimes {
    private SampledRunTimes() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        if (System.getProperty("modulets.bench.modules") == null) { // not yet in the child with the agent
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Compare.jvmArgs("modulets"));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), SampledRunTimes.class.getName(),
                    String.valueOf(threads), String.valueOf(runs)));
            System.exit(new ProcessBuilder(command).inheritIO().start().waitFor());
        }
        ClassLoader generation = Bindings.current();
        TaskOutcomes outcomes = ((GenerationLoader) generation).outcomes();
        long[][] lengths = new long[threads][runs];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            long[] mine = lengths[t];
            SplittableRandom random = new SplittableRandom(t);
            workers[t] = new Thread(() -> {
                for (int i = 0; i < runs; i++) {
                    long spin = spinNanos(random);
                    int index = i;
                    TestSeams.runBound(generation, () -> mine[index] = spin(spin));
                }
            });
            ThreadHooks.neverBind(workers[t]); // a loop, not a task: its body is no run, each bound run is one
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long[] all = Arrays.stream(lengths).flatMapToLong(Arrays::stream).sorted().toArray();
        long[] buckets = outcomes.runBuckets();
        long estimated = Arrays.stream(buckets).sum();
        System.out.printf(Locale.ROOT, "runs: %d started, %d ended (counted); %d run; the histogram stands for %d%n",
                outcomes.startedCount(), outcomes.endedCount(), all.length, estimated);
        System.out.printf(Locale.ROOT, "%-22s %12s %12s%n", "", "exact", "agent");
        System.out.printf(Locale.ROOT, "%-22s %12d %12d%n", "mean (ns)", Arrays.stream(all).sum() / all.length,
                estimated == 0 ? 0 : outcomes.runNanos() / estimated);
        for (double q : new double[] {0.5, 0.99}) {
            long exact = all[(int) Math.min(all.length - 1, Math.ceil(q * all.length) - 1)];
            System.out.printf(Locale.ROOT, "%-22s %12d %12s%n", "p" + (int) (q * 100) + " (ns)", exact, "-");
            System.out.printf(Locale.ROOT, "%-22s %12d %12d%n", "p" + (int) (q * 100) + " bucket top (ns)",
                    bucketTop(exact), quantileTop(buckets, q));
        }
        System.out.printf(Locale.ROOT, "%-22s %12d %12d%n", "max (ns)", all[all.length - 1], outcomes.maxRunNanos());
    }

    /**
     * Log-normal around 3 µs (inside a histogram bucket, not at its edge), with one run in 50 about thirty
     * times longer (so the 99th percentile falls inside the tail, not at its edge).
     */
    private static long spinNanos(SplittableRandom random) {
        double gaussian = nextGaussian(random);
        long nanos = (long) (3_000 * Math.exp(0.4 * gaussian));
        return random.nextInt(50) == 0 ? nanos * 30 : nanos;
    }

    private static double nextGaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Spins for about {@code nanos}; returns how long it spun. */
    private static long spin(long nanos) {
        long start = System.nanoTime();
        long now = start;
        while (now - start < nanos) {
            Thread.onSpinWait();
            now = System.nanoTime();
        }
        return now - start;
    }

    private static long bucketTop(long nanos) {
        return LatencyHistogram.highest(LatencyHistogram.bucket(nanos));
    }

    /** As generations.Outcomes#runNanosAtMost. */
    private static long quantileTop(long[] buckets, double q) {
        return LatencyHistogram.quantile(buckets, q);
    }
}
