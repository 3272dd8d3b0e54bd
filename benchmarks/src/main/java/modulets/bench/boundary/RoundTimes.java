package modulets.bench.boundary;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The rounds of a timed loop ({@link ActivationWave}, {@link DispatchWave}), kept per bucket of {@link #BUCKET_NANOS}
 * from the start of the run: how many rounds ended in it, their total time and the longest. A stall is one long
 * round, which an average hides; the buckets keep it.
 */
final class RoundTimes {
    static final long BUCKET_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final int PER_SECOND = (int) (TimeUnit.SECONDS.toNanos(1) / BUCKET_NANOS);

    /** When the run started, {@code System.nanoTime()}. */
    final long start;
    /** Triples (rounds, total, longest) per bucket. */
    private final long[] buckets;

    RoundTimes(long start, long nanos) {
        this.start = start;
        this.buckets = new long[3 * (int) (nanos / BUCKET_NANOS + 1)];
    }

    /** A round that began at {@code from} and ended at {@code to}, counted in the bucket where it ended. */
    void add(long from, long to) {
        int b = 3 * Math.min(bucketOf(to), count() - 1);
        buckets[b]++;
        buckets[b + 1] += to - from;
        buckets[b + 2] = Math.max(buckets[b + 2], to - from);
    }

    /** The bucket of the instant {@code nanos}. */
    int bucketOf(long nanos) {
        return (int) ((nanos - start) / BUCKET_NANOS);
    }

    int count() {
        return buckets.length / 3;
    }

    long rounds(int bucket) {
        return buckets[3 * bucket];
    }

    long longest(int bucket) {
        return buckets[3 * bucket + 2];
    }

    /** The mean round of each bucket in [from, to) that has rounds. */
    List<Long> means(int from, int to) {
        List<Long> means = new ArrayList<>();
        for (int b = Math.max(0, from); b < Math.min(to, count()); b++) {
            if (buckets[3 * b] > 0) {
                means.add(buckets[3 * b + 1] / buckets[3 * b]);
            }
        }
        return means;
    }

    /** The median of the mean rounds of the buckets in [from, to); {@link Long#MAX_VALUE} if none has rounds. */
    long median(int from, int to) {
        List<Long> sorted = means(from, to);
        if (sorted.isEmpty()) {
            return Long.MAX_VALUE;
        }
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
