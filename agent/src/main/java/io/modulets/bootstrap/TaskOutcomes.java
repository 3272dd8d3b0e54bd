package io.modulets.bootstrap;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one generation's task runs did (DESIGN §4, "Outcomes"): how many started, how many ended, how many of those
 * ended by an exception (by exception class), and how long they ran. Held by the agent's record of the
 * generation, not by its loader, so that it outlives the loader; it never references a class of the
 * generation (an exception class is kept by name).
 *
 * <p>Hot path ({@link #started()}, {@link #ended(long)}): striped counters ({@link LongAdder}) and one
 * volatile read for the maximum, so a task that ends normally costs no lock and no allocation, also on
 * many cores. A failure ({@link #failed(String, long)}) takes a lock on a small table of exception
 * classes of fixed size.
 *
 * <p>The number of tasks ended is the sum of the run-time histogram; completed is ended minus failed.
 */
public final class TaskOutcomes {
    /** Log2 buckets of run time: bucket {@code i} counts runs of {@code [2^i, 2^(i+1))} ns (bucket 0 also 0 ns). */
    public static final int BUCKETS = 48;

    private final LongAdder started = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder runNanos = new LongAdder();
    private final AtomicLong maxRunNanos = new AtomicLong();
    private final LongAdder[] buckets = new LongAdder[BUCKETS];
    private final ExceptionTable exceptions = new ExceptionTable(ExceptionTable.CAPACITY);

    public TaskOutcomes() {
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** A task run bound to this generation starts. */
    public void started() {
        started.increment();
    }

    /** A run counted as started never ran (a thread collected before it ran). */
    public void notStarted() {
        started.decrement();
    }

    /** A task run ends normally after {@code nanos}. */
    public void ended(long nanos) {
        if (nanos < 0) {
            nanos = 0; // nanoTime is monotonic, but a thread's start and end may be read on different CPUs
        }
        buckets[bucket(nanos)].increment();
        runNanos.add(nanos);
        long max = maxRunNanos.get();
        while (nanos > max && !maxRunNanos.compareAndSet(max, nanos)) {
            max = maxRunNanos.get();
        }
    }

    /** A task run ends by an exception of class {@code exceptionClass} (its name) after {@code nanos}. */
    public void failed(String exceptionClass, long nanos) {
        ended(nanos); // before the failure: a reader that reads failed first never sees more failed than ended
        failed.increment();
        exceptions.add(exceptionClass);
    }

    static int bucket(long nanos) {
        int log2 = 63 - Long.numberOfLeadingZeros(nanos | 1);
        return Math.min(log2, BUCKETS - 1);
    }

    public long startedCount() {
        return started.sum();
    }

    public long failedCount() {
        return failed.sum();
    }

    public long runNanos() {
        return runNanos.sum();
    }

    public long maxRunNanos() {
        return maxRunNanos.get();
    }

    /** Runs ended so far, by log2 bucket of their run time (a copy). */
    public long[] runBuckets() {
        long[] counts = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = buckets[i].sum();
        }
        return counts;
    }

    /** The most frequent exception classes, most frequent first, at most {@code limit} (see {@link ExceptionTable}). */
    public ExceptionTable.Count[] exceptions(int limit) {
        return exceptions.top(limit);
    }
}
