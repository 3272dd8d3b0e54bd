package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The log-linear histogram: each duration in the bucket that holds it, quantiles within the stated error. */
@Timeout(60)
class LatencyHistogramTest {
    @Test
    void everyDurationFallsInTheBucketWhoseBoundsHoldIt() {
        Random random = new Random(25);
        for (int i = 0; i < 200_000; i++) {
            long nanos = i < 1_000 ? i : random.nextLong() >>> (20 + random.nextInt(44)); // every order of magnitude
            int bucket = LatencyHistogram.bucket(nanos);
            long lowest = bucket == 0 ? 0 : LatencyHistogram.highest(bucket - 1) + 1;
            assertTrue(lowest <= nanos && nanos <= LatencyHistogram.highest(bucket), nanos + " in bucket " + bucket);
            assertTrue(bucket == LatencyHistogram.BUCKETS - 1
                            || LatencyHistogram.highest(bucket) - lowest <= lowest * LatencyHistogram.RELATIVE_ERROR,
                    "bucket " + bucket + " is at most 1/16 of its lower bound wide");
        }
        assertEquals(0, LatencyHistogram.bucket(-5), "a negative duration counts as 0");
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucket(Long.MAX_VALUE), "the last takes the rest");
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucket(1L << 44));
        assertEquals((1L << 44) - 1, LatencyHistogram.highest(LatencyHistogram.BUCKETS - 2));
    }

    @Test
    void quantilesAreNeverBelowTheExactOnesAndAtMostTheStatedErrorAbove() {
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            LatencyHistogram histogram = new LatencyHistogram();
            int n = 1 + random.nextInt(5_000);
            long[] exact = new long[n];
            for (int i = 0; i < n; i++) {
                // log-normal around 3 µs to 30 ms, with a tail
                exact[i] = (long) Math.exp(8 + random.nextInt(10) * 0.1 + random.nextGaussian() * (trial % 4 + 1));
                histogram.add(exact[i], 1);
            }
            Arrays.sort(exact);
            long[] counts = histogram.counts();
            assertEquals(n, LatencyHistogram.total(counts));
            for (double q : new double[] {0.5, 0.9, 0.99, 0.999, 1.0}) {
                long truth = exact[(int) Math.max(0, Math.ceil(q * n) - 1)]; // the nearest-rank quantile
                long read = LatencyHistogram.quantile(counts, q);
                assertTrue(read >= truth && read <= truth + truth * LatencyHistogram.RELATIVE_ERROR + 1,
                        "p" + q + " of " + n + ": exact " + truth + ", read " + read);
            }
        }
        assertEquals(0, LatencyHistogram.quantile(new long[LatencyHistogram.BUCKETS], 0.99), "none counted: 0");
    }

    @Test
    void weightsCountAsThatManyDurations() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.add(1_000, 98);
        histogram.add(100_000, 2);
        long[] counts = histogram.counts();
        assertEquals(100, LatencyHistogram.total(counts));
        assertEquals(1_023, LatencyHistogram.quantile(counts, 0.98));
        assertEquals(102_399, LatencyHistogram.quantile(counts, 0.99)); // [98304, 102400): 2^16 / 16 wide
    }

    @Test
    void concurrentAddsAreAllCounted() throws Exception {
        LatencyHistogram histogram = new LatencyHistogram();
        int threads = 4;
        int adds = 100_000;
        CyclicBarrier go = new CyclicBarrier(threads + 1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    go.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < adds; i++) {
                    histogram.add(1_000 + (i & 7), 1); // every thread into the same few buckets
                }
            });
            workers[t].start();
        }
        go.await(30, TimeUnit.SECONDS);
        for (Thread worker : workers) {
            worker.join(30_000);
        }
        assertEquals((long) threads * adds, LatencyHistogram.total(histogram.counts()));
    }
}
