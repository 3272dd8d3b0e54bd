package io.modulets.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What one generation's task runs did (DESIGN §4, "Outcomes"): how many started, how many ended, how many of those
 * ended by an exception (by exception class), and how long they ran. Held by the agent's record of the
 * generation, not by its loader, so that it outlives the loader; it never references a class of the
 * generation (an exception class is kept by name).
 *
 * <p>The counts are exact. A thread that runs many tasks counts them in a {@link Cell} of its own, with
 * plain (opaque) writes that no other thread makes: no shared cache line is written per run. Other runs
 * (a thread's first runs, a thread's body) count in striped counters ({@link LongAdder}). A reader sums
 * both under this object's lock, which only registering and folding a cell also take.
 *
 * <p>Run times are a sample ({@link #timed}): each timed run stands for {@code weight} runs (itself and
 * those since the previous timed run of its thread), so the histogram and the run-time sum estimate those
 * of every run, and their total estimates the runs ended. A failure ({@link #failed}) takes a lock on a
 * small table of exception classes of fixed size.
 *
 * <p>Beside the runs: the exceptions the generation's own code threw into shell code ({@link #thrown}, DESIGN
 * §4 "Outcomes"), by class, and how many of its ended runs saw one ({@link #threwIn}). Counted on the throw
 * path only (a striped increment and the same short lock): a call that returns normally pays nothing.
 *
 * <p>And what users of a server or scheduler saw: its requests answered, by status class, and how long each took
 * ({@link #answered}), and its job runs, failed or not ({@link #jobEnded}), counted once per request or job as it
 * ends. Run times and request latencies are kept in log-linear histograms ({@link LatencyHistogram}): an atomic
 * add to a fixed array, no allocation, no lock.
 */
public final class TaskOutcomes {
    /** Buckets of run time and of request latency ({@link LatencyHistogram}). */
    public static final int BUCKETS = LatencyHistogram.BUCKETS;
    private static final VarHandle STARTED;
    private static final VarHandle ENDED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STARTED = lookup.findVarHandle(Cell.class, "started", long.class);
            ENDED = lookup.findVarHandle(Cell.class, "ended", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One thread's counts of this generation's runs. Only its thread writes them, with opaque writes (a plain
     * {@code mov}, never hoisted out of the thread's loop), so readers see every increment soon and whole.
     */
    public static final class Cell extends ThreadCells.Cell {
        private long started;
        private long ended;

        /** A run starts; on the cell's own thread only. */
        public void started() {
            STARTED.setOpaque(this, (long) STARTED.getOpaque(this) + 1);
        }

        /** A run ends; on the cell's own thread only. */
        public void ended() {
            ENDED.setOpaque(this, (long) ENDED.getOpaque(this) + 1);
        }
    }

    private final LongAdder started = new LongAdder();
    private final LongAdder ended = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder runNanos = new LongAdder();
    private final AtomicLong maxRunNanos = new AtomicLong();
    private final LatencyHistogram runTimes = new LatencyHistogram();
    /** Runs timed (each stands for its weight of runs in the histogram): the sample the run-time quantiles are of. */
    private final LongAdder timedRuns = new LongAdder();
    private final LatencyHistogram requestLatencies = new LatencyHistogram();
    private final ExceptionTable exceptions = new ExceptionTable(ExceptionTable.CAPACITY);
    private final LongAdder thrown = new LongAdder();
    private final LongAdder threwIn = new LongAdder();
    private final ExceptionTable thrownClasses = new ExceptionTable(ExceptionTable.CAPACITY);
    private final LongAdder requests = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final LongAdder clientErrors = new LongAdder();
    private final LongAdder jobs = new LongAdder();
    private final LongAdder failedJobs = new LongAdder();
    private final ExceptionTable jobExceptions = new ExceptionTable(ExceptionTable.CAPACITY);
    /** The threads' cells, folded back into the shared counters. Guarded by this. */
    private final ThreadCells<Cell> cells = new ThreadCells<>(new Consumer<Cell>() {
        @Override
        public void accept(Cell cell) {
            addShared(cell); // a class, not a method reference: generation 1 makes the first in premain (see NoHook)
        }
    });

    /** A task run bound to this generation starts (counted in the shared counters). */
    public void started() {
        started.increment();
    }

    /** A run counted as started never ran (a thread collected before it ran). */
    public void notStarted() {
        started.decrement();
    }

    /** A task run ends, normally or not (counted in the shared counters). */
    public void ended() {
        ended.increment();
    }

    /** The run that ended before this call failed, by an exception of class {@code exceptionClass} (its name). */
    public void failed(String exceptionClass) {
        failed.increment();
        exceptions.add(exceptionClass);
    }

    /** The generation's code threw an exception of class {@code exceptionClass} (its name) into shell code. */
    public void thrown(String exceptionClass) {
        thrown.increment();
        thrownClasses.add(exceptionClass);
    }

    /** The run that ended before this call was one in which the generation's own code threw into shell code. */
    public void threwIn() {
        threwIn.increment();
    }

    /**
     * A request of this generation was answered with HTTP status {@code status} (DESIGN §4, "Outcomes"): counted,
     * and as a server error (5xx) or a client error (4xx). Striped increments only: nothing allocated.
     */
    public void answered(int status) {
        requests.increment();
        countStatus(status);
    }

    /** As {@link #answered(int)}, for a request that took {@code nanos} from its start to its end. */
    public void answered(int status, long nanos) {
        requestLatencies.add(nanos, 1);
        requests.increment();
        countStatus(status);
    }

    private void countStatus(int status) {
        if (status >= 500 && status < 600) {
            serverErrors.increment();
        } else if (status >= 400 && status < 500) {
            clientErrors.increment();
        }
    }

    /**
     * A job run of this generation ended (DESIGN §4, "Outcomes"): failed if {@code failure} (the class name of the
     * exception the scheduler caught) is not null.
     */
    public void jobEnded(String failure) {
        jobs.increment();
        if (failure != null) {
            failedJobs.increment();
            jobExceptions.add(failure);
        }
    }

    /** A run ended after {@code nanos}, timed as one of {@code weight} runs (DESIGN §4, "Outcomes"). */
    public void timed(long nanos, long weight) {
        if (nanos < 0) {
            nanos = 0; // nanoTime is monotonic, but a thread's start and end may be read on different CPUs
        }
        runTimes.add(nanos, weight);
        timedRuns.increment();
        runNanos.add(nanos * weight);
        long max = maxRunNanos.get();
        while (nanos > max && !maxRunNanos.compareAndSet(max, nanos)) {
            max = maxRunNanos.get();
        }
    }

    /** A cell for the calling thread's runs; it keeps it, and gives it back with {@link #fold} if it stops using it. */
    public synchronized Cell newCell() {
        return cells.add(new Cell());
    }

    /** The calling thread no longer counts in {@code cell}, its own: its counts move to the shared counters. */
    public synchronized void fold(Cell cell) {
        cells.fold(cell);
    }

    private void addShared(Cell cell) {
        started.add((long) STARTED.getOpaque(cell));
        ended.add((long) ENDED.getOpaque(cell));
    }

    public synchronized long startedCount() {
        long sum = started.sum();
        for (Cell cell : cells) {
            sum += (long) STARTED.getOpaque(cell);
        }
        return sum;
    }

    public synchronized long endedCount() {
        long sum = ended.sum();
        for (Cell cell : cells) {
            sum += (long) ENDED.getOpaque(cell);
        }
        return sum;
    }

    public long failedCount() {
        return failed.sum();
    }

    /** Exceptions its code threw into shell code (each once per run and exception). */
    public long thrownCount() {
        return thrown.sum();
    }

    /** Its ended runs in which its own code threw into shell code. */
    public long threwInCount() {
        return threwIn.sum();
    }

    /** Requests answered with a status. */
    public long requestCount() {
        return requests.sum();
    }

    /** Requests answered with a 5xx status. */
    public long serverErrorCount() {
        return serverErrors.sum();
    }

    /** Requests answered with a 4xx status. */
    public long clientErrorCount() {
        return clientErrors.sum();
    }

    /** Job runs that ended. */
    public long jobCount() {
        return jobs.sum();
    }

    /** Job runs that ended with an exception the scheduler caught. */
    public long failedJobCount() {
        return failedJobs.sum();
    }

    /** As {@link #exceptions}, for the failed job runs. */
    public ExceptionTable.Count[] jobExceptions(int limit) {
        return jobExceptions.top(limit);
    }

    /** The run-time sum, estimated from the timed runs. */
    public long runNanos() {
        return runNanos.sum();
    }

    /** The longest timed run. */
    public long maxRunNanos() {
        return maxRunNanos.get();
    }

    /** Runs ended so far, estimated from the timed runs, by bucket of their run time ({@link LatencyHistogram}). */
    public long[] runBuckets() {
        return runTimes.counts();
    }

    /** Runs timed so far (the sample behind {@link #runBuckets}). */
    public long timedRunCount() {
        return timedRuns.sum();
    }

    /** Requests answered so far and timed, by bucket of their latency ({@link LatencyHistogram}). */
    public long[] requestLatencyBuckets() {
        return requestLatencies.counts();
    }

    /** The most frequent exception classes, most frequent first, at most {@code limit} (see {@link ExceptionTable}). */
    public ExceptionTable.Count[] exceptions(int limit) {
        return exceptions.top(limit);
    }

    /** As {@link #exceptions}, for the exceptions its code threw into shell code. */
    public ExceptionTable.Count[] thrownExceptions(int limit) {
        return thrownClasses.top(limit);
    }
}
