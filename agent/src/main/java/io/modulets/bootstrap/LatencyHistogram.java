package io.modulets.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Durations in nanoseconds, counted in log-linear buckets (as HdrHistogram's, small): below {@link #SUB_BUCKETS}
 * ns one bucket per nanosecond, above it each power of two split into {@link #SUB_BUCKETS} equal buckets, so a
 * bucket's width is at most 1/16 of its lower bound. A quantile is read as the top of its bucket: never below the
 * true value, and above it by at most {@link #RELATIVE_ERROR} (6.25 %), fine enough to judge a p99 1.5 times
 * another's. Durations of {@code 2^44} ns (about 4.9 hours) and more count in a last bucket
 * of their own.
 *
 * <p>One fixed array of longs; {@link #add} is an atomic add to one element: no allocation, no lock. A reader
 * copies the counts ({@link #counts}), each read whole; a copy taken while adds go on may miss the newest.
 */
public final class LatencyHistogram {
    /** Buckets per power of two (and the exact range below it, in ns). */
    public static final int SUB_BUCKETS = 16;
    private static final int SUB_BITS = 4;
    /** Powers of two above the exact range: up to {@code 2^44} ns. */
    private static final int OCTAVES = 40;
    /** The number of buckets, the length of {@link #counts}: the last one counts {@code 2^44} ns and more. */
    public static final int BUCKETS = SUB_BUCKETS + OCTAVES * SUB_BUCKETS + 1;
    /** How far above the true value a quantile read from the buckets may be, as a fraction of it. */
    public static final double RELATIVE_ERROR = 1.0 / SUB_BUCKETS;

    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counts = new long[BUCKETS];

    /** Counts {@code weight} durations of {@code nanos} (a negative duration as 0). */
    public void add(long nanos, long weight) {
        COUNT.getAndAdd(counts, bucket(nanos), weight);
    }

    /** A copy of the counts, bucket by bucket ({@link #bucket}). */
    public long[] counts() {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = (long) COUNT.getOpaque(counts, i);
        }
        return copy;
    }

    /** The bucket of a duration. */
    public static int bucket(long nanos) {
        if (nanos < SUB_BUCKETS) {
            return nanos < 0 ? 0 : (int) nanos;
        }
        int log2 = 63 - Long.numberOfLeadingZeros(nanos); // at least SUB_BITS
        int octave = log2 - SUB_BITS; // 0 for [16, 32)
        if (octave >= OCTAVES) {
            return BUCKETS - 1;
        }
        int sub = (int) (nanos >>> octave) - SUB_BUCKETS; // the SUB_BITS bits below the leading one
        return SUB_BUCKETS + octave * SUB_BUCKETS + sub;
    }

    /** The largest duration that counts in bucket {@code index} (the last bucket's: {@link Long#MAX_VALUE}). */
    public static long highest(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        if (index >= BUCKETS - 1) {
            return Long.MAX_VALUE;
        }
        int octave = (index - SUB_BUCKETS) / SUB_BUCKETS;
        long lowest = (long) (SUB_BUCKETS + (index - SUB_BUCKETS) % SUB_BUCKETS) << octave;
        return lowest + (1L << octave) - 1;
    }

    /** The total of {@code counts}. */
    public static long total(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    /**
     * The {@code fraction} quantile (0.5: the median, 0.99) of the durations counted in {@code counts}, as the top
     * of its bucket (at most {@link #RELATIVE_ERROR} above the true value), or 0 if none is counted.
     */
    public static long quantile(long[] counts, double fraction) {
        long total = total(counts);
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return highest(i);
            }
        }
        return highest(counts.length - 1);
    }
}
