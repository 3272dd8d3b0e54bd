package io.modulets.generations;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.modulets.bootstrap.ExceptionTable;
import io.modulets.bootstrap.LatencyHistogram;
import io.modulets.bootstrap.TaskOutcomes;

/**
 * What a generation's tasks did, at one moment (DESIGN §4 "Outcomes"): task runs started,
 * ended normally ({@code completed}) and ended by an exception ({@code failed}), the total and longest
 * run time of the runs that ended, the most frequent exception classes, and histograms of run times and of
 * request latencies ({@link LatencyHistogram}: quantiles at most 6.25 % above the true ones). Immutable;
 * {@link Generation#outcomes()} makes one. The counts are exact; the run times come from a sample of the runs
 * (each timed run weighted by the runs it stands for, DESIGN §4 "Outcomes"), so the histogram's total estimates
 * the runs ended rather than equals it; request latencies are exact (every request counted whose beginning the
 * agent saw).
 *
 * @param started     task runs begun
 * @param completed   runs that ended normally
 * @param failed      runs that ended by an exception
 * @param runNanos    total run time of the runs that ended (estimated from the timed runs)
 * @param maxRunNanos longest timed run that ended
 * @param exceptions  the most frequent exception classes of the failed runs, most frequent first (at most
 *                    {@link #TOP_EXCEPTIONS}); exact while the generation saw at most 16 distinct classes,
 *                    then a count may include failures of classes it displaced
 * @param runBuckets  runs ended by bucket of run time ({@link LatencyHistogram#bucket}), estimated from the timed
 *                    runs (a copy is returned)
 * @param timedRuns   the runs timed: the sample {@code runBuckets} is estimated from
 * @param thrown      exceptions the generation's own code threw into shell code, whether or not the application
 *                    caught them (each once per run and exception; not those of classes declared normal)
 * @param threwIn     runs that ended in which the generation's own code threw into shell code (at most ended)
 * @param thrownExceptions the most frequent classes of {@code thrown}, as {@code exceptions}
 * @param requests     server requests of the generation that ended with a response status read (DESIGN §4,
 *                     "Outcomes": which servers show one)
 * @param serverErrors those answered with a 5xx status
 * @param clientErrors those answered with a 4xx status
 * @param jobs         scheduler job runs of the generation that ended (Quartz)
 * @param failedJobs   those whose job threw, caught by the scheduler
 * @param jobExceptions the most frequent exception classes of the failed job runs, as {@code exceptions}
 * @param latencyBuckets requests answered and timed (DESIGN §2.12: from the request's beginning to its end as the
 *                     agent sees them), by bucket of latency (a copy is returned)
 */
public record Outcomes(long started, long completed, long failed, long runNanos, long maxRunNanos,
                       List<ExceptionCount> exceptions, long[] runBuckets, long timedRuns, long thrown, long threwIn,
                       List<ExceptionCount> thrownExceptions, long requests, long serverErrors, long clientErrors,
                       long jobs, long failedJobs, List<ExceptionCount> jobExceptions, long[] latencyBuckets) {
    /** How many exception classes a snapshot names. */
    public static final int TOP_EXCEPTIONS = 10;

    /** Nothing counted. */
    public static final Outcomes NONE = new Outcomes(0, 0, 0, 0, 0, List.of(), new long[TaskOutcomes.BUCKETS], 0, 0,
            0, List.of(), 0, 0, 0, 0, 0, List.of(), new long[TaskOutcomes.BUCKETS]);

    /** Failed runs whose exception was of class {@code className} (by name: the class may be unloaded). */
    public record ExceptionCount(String className, long count) {
        @Override
        public String toString() {
            return className + " " + count;
        }
    }

    public Outcomes {
        exceptions = List.copyOf(exceptions);
        thrownExceptions = List.copyOf(thrownExceptions);
        jobExceptions = List.copyOf(jobExceptions);
        runBuckets = runBuckets.clone();
        latencyBuckets = latencyBuckets.clone();
    }

    /** Reads the counters now. Ended runs are read before started ones, so {@link #running()} is never negative. */
    public static Outcomes of(TaskOutcomes counters) {
        // Read before the runs that ended: a run's end is counted before it is counted as one that threw, so
        // these are among them, and runs ending meanwhile add to ended only (the share is never overstated).
        long threwIn = counters.threwInCount();
        long ended = counters.endedCount();
        // Read after the runs that ended: a run's end is counted before its failure, so every failed run
        // is among them.
        long failed = Math.min(counters.failedCount(), ended);
        long timedRuns = counters.timedRunCount();
        long[] buckets = counters.runBuckets();
        long runNanos = counters.runNanos();
        long max = counters.maxRunNanos();
        List<ExceptionCount> exceptions = counts(counters.exceptions(TOP_EXCEPTIONS));
        long thrown = counters.thrownCount();
        List<ExceptionCount> thrownExceptions = counts(counters.thrownExceptions(TOP_EXCEPTIONS));
        long started = Math.max(counters.startedCount(), ended);
        // A request's latency is counted before the request: read first, so no more are timed than counted.
        long[] latencies = counters.requestLatencyBuckets();
        // A request's or a job's failure is counted after the request or job itself: read first, never above it.
        long serverErrors = counters.serverErrorCount();
        long clientErrors = counters.clientErrorCount();
        long requests = Math.max(counters.requestCount(), serverErrors + clientErrors);
        long failedJobs = counters.failedJobCount();
        List<ExceptionCount> jobExceptions = counts(counters.jobExceptions(TOP_EXCEPTIONS));
        long jobs = Math.max(counters.jobCount(), failedJobs);
        return new Outcomes(started, ended - failed, failed, runNanos, max, exceptions, buckets, timedRuns, thrown,
                threwIn, thrownExceptions, requests, serverErrors, clientErrors, jobs, failedJobs, jobExceptions,
                latencies);
    }

    private static List<ExceptionCount> counts(ExceptionTable.Count[] top) {
        List<ExceptionCount> counts = new ArrayList<>();
        for (ExceptionTable.Count c : top) {
            counts.add(new ExceptionCount(c.className, c.count));
        }
        return counts;
    }

    /** The share of the runs that ended in which its own code threw into shell code; 0 if none ended. */
    public double threwInRate() {
        return ended() == 0 ? 0 : (double) threwIn / ended();
    }

    @Override
    public long[] runBuckets() {
        return runBuckets.clone();
    }

    @Override
    public long[] latencyBuckets() {
        return latencyBuckets.clone();
    }

    /** Requests answered and timed: the sample of {@link #requestNanosAtMost}. */
    public long timedRequests() {
        return LatencyHistogram.total(latencyBuckets);
    }

    /**
     * An upper bound of the {@code fraction} quantile of request latency (0.5: the median, 0.99): the top of the
     * bucket it falls in, at most 6.25 % above the true value; 0 if no request was timed.
     */
    public long requestNanosAtMost(double fraction) {
        return LatencyHistogram.quantile(latencyBuckets, fraction);
    }

    /** Runs started and not yet ended. */
    public long running() {
        return Math.max(0, started - completed - failed);
    }

    /** Runs that ended, normally or not. */
    public long ended() {
        return completed + failed;
    }

    /** Mean run time of the runs that ended (of the timed ones, as they are weighted), in nanoseconds; 0 if none did. */
    public long meanRunNanos() {
        long timed = 0;
        for (long b : runBuckets) {
            timed += b;
        }
        return timed == 0 ? 0 : runNanos / timed;
    }

    /**
     * An upper bound of the {@code fraction} quantile of run time (0.5: the median, 0.99): the top of the
     * bucket it falls in, at most 6.25 % above the true value (of the timed runs, as they are weighted); 0 if no
     * run ended.
     */
    public long runNanosAtMost(double fraction) {
        return LatencyHistogram.quantile(runBuckets, fraction);
    }

    /**
     * What happened since {@code earlier}, a snapshot of the same generation: counts, total run time and
     * the histogram are exact differences; {@code maxRunNanos} is this snapshot's (the longest since the
     * start, an upper bound); exception counts are differences by class name of the two top lists, so
     * approximate once a class entered or left the top.
     */
    public Outcomes minus(Outcomes earlier) {
        return new Outcomes(Math.max(0, started - earlier.started), Math.max(0, completed - earlier.completed),
                Math.max(0, failed - earlier.failed), Math.max(0, runNanos - earlier.runNanos), maxRunNanos,
                since(exceptions, earlier.exceptions), since(runBuckets, earlier.runBuckets),
                Math.max(0, timedRuns - earlier.timedRuns), Math.max(0, thrown - earlier.thrown),
                Math.max(0, threwIn - earlier.threwIn), since(thrownExceptions, earlier.thrownExceptions),
                Math.max(0, requests - earlier.requests), Math.max(0, serverErrors - earlier.serverErrors),
                Math.max(0, clientErrors - earlier.clientErrors), Math.max(0, jobs - earlier.jobs),
                Math.max(0, failedJobs - earlier.failedJobs), since(jobExceptions, earlier.jobExceptions),
                since(latencyBuckets, earlier.latencyBuckets));
    }

    private static long[] since(long[] now, long[] earlier) {
        long[] since = new long[now.length];
        for (int i = 0; i < since.length; i++) {
            since[i] = Math.max(0, now[i] - (i < earlier.length ? earlier[i] : 0));
        }
        return since;
    }

    private static List<ExceptionCount> since(List<ExceptionCount> now, List<ExceptionCount> earlier) {
        Map<String, Long> before = new HashMap<>();
        for (ExceptionCount e : earlier) {
            before.put(e.className(), e.count());
        }
        List<ExceptionCount> since = new ArrayList<>();
        for (ExceptionCount e : now) {
            long count = e.count() - before.getOrDefault(e.className(), 0L);
            if (count > 0) {
                since.add(new ExceptionCount(e.className(), count));
            }
        }
        since.sort((a, b) -> Long.compare(b.count(), a.count()));
        return since;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Outcomes o && started == o.started && completed == o.completed && failed == o.failed
                && runNanos == o.runNanos && maxRunNanos == o.maxRunNanos && exceptions.equals(o.exceptions)
                && java.util.Arrays.equals(runBuckets, o.runBuckets) && timedRuns == o.timedRuns && thrown == o.thrown
                && threwIn == o.threwIn && java.util.Arrays.equals(latencyBuckets, o.latencyBuckets)
                && thrownExceptions.equals(o.thrownExceptions) && requests == o.requests
                && serverErrors == o.serverErrors && clientErrors == o.clientErrors && jobs == o.jobs
                && failedJobs == o.failedJobs && jobExceptions.equals(o.jobExceptions);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(started, completed, failed, runNanos, maxRunNanos, exceptions,
                java.util.Arrays.hashCode(runBuckets), timedRuns, thrown, threwIn, thrownExceptions, requests,
                serverErrors, clientErrors, jobs, failedJobs, jobExceptions, java.util.Arrays.hashCode(latencyBuckets));
    }

    @Override
    public String toString() {
        return "started " + started + ", completed " + completed + ", failed " + failed + ", running " + running()
                + ", mean run " + meanRunNanos() + " ns, max " + maxRunNanos + " ns, exceptions " + exceptions
                + ", thrown " + thrown + " in " + threwIn + " runs " + thrownExceptions + ", requests " + requests
                + " (5xx " + serverErrors + ", 4xx " + clientErrors + ", p50 " + requestNanosAtMost(0.5) + " ns, p99 "
                + requestNanosAtMost(0.99) + " ns of " + timedRequests() + " timed), jobs " + jobs + " (failed "
                + failedJobs + " " + jobExceptions + ")";
    }
}
