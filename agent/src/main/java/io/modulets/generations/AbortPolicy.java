package io.modulets.generations;

import java.util.Locale;

import io.modulets.config.Percent;

/**
 * When a canary aborts itself (DESIGN §4, agent arguments {@code canaryMargin}, {@code canaryMinTasks}):
 * once it has at least {@code minTasks} ended tasks, if its failure rate (failed / ended, since it
 * started) exceeds the current generation's over the same period by more than {@code margin}, or the share
 * of its ended tasks in which its own code threw an exception into shell code does (DESIGN §4, "Outcomes"),
 * or, once it has at least {@code minTasks} server requests answered (job runs ended), the share of them
 * answered with a 5xx status (that failed) does. A current generation that ended none meanwhile counts as
 * failing none.
 *
 * @param margin   a fraction of 1 in [0, 1]
 * @param minTasks at least 1
 */
public record AbortPolicy(double margin, long minTasks) {
    /** Never aborts by itself. */
    public static final AbortPolicy NONE = new AbortPolicy(Double.NaN, Long.MAX_VALUE);

    /** The minimum number of ended tasks when none is given. */
    public static final long DEFAULT_MIN_TASKS = 100;

    /** Rates are compared with this slack, so that a rate exactly at the margin does not abort. */
    private static final double EPSILON = 1e-9;

    public boolean isSet() {
        return !Double.isNaN(margin);
    }

    /**
     * Why the canary must abort by its failure rate, or null while it may run on.
     *
     * @param canaryExceptions the canary's most frequent exceptions, "IllegalStateException 49", or ""
     */
    public String verdict(long canaryFailed, long canaryEnded, String canaryExceptions, Generation current,
                          long currentFailed, long currentEnded) {
        return verdictAgainst(canaryFailed, canaryEnded, canaryExceptions, name(current), currentFailed, currentEnded);
    }

    /**
     * As {@link #verdict(long, long, String, Generation, long, long)}, with the current generation named by
     * {@code current} ("generation 1"): for a judge outside the JVM, the CLI's {@code rollout}.
     */
    public String verdictAgainst(long canaryFailed, long canaryEnded, String canaryExceptions, String current,
                                 long currentFailed, long currentEnded) {
        if (!exceeds(canaryFailed, canaryEnded, currentFailed, currentEnded)) {
            return null;
        }
        return String.format(Locale.ROOT, "%s of its %,d tasks failed%s, current %s failed %s of %,d; margin %s",
                rate(canaryFailed, canaryEnded), canaryEnded, list(canaryExceptions), current,
                rate(currentFailed, currentEnded), currentEnded, Percent.format(margin));
    }

    /**
     * Why the canary must abort by the share of its tasks in which its own code threw an exception into shell
     * code, caught or not (DESIGN §4, "Outcomes"), or null while it may run on. The same rule as the failure
     * rate's, on that share.
     *
     * @param canaryThrown the canary's most frequent thrown exceptions, "IllegalStateException 49", or ""
     */
    public String thrownVerdict(long canaryThrewIn, long canaryEnded, String canaryThrown, Generation current,
                                long currentThrewIn, long currentEnded) {
        return thrownVerdictAgainst(canaryThrewIn, canaryEnded, canaryThrown, name(current), currentThrewIn,
                currentEnded);
    }

    /** As {@link #thrownVerdict(long, long, String, Generation, long, long)}, the current generation named. */
    public String thrownVerdictAgainst(long canaryThrewIn, long canaryEnded, String canaryThrown, String current,
                                       long currentThrewIn, long currentEnded) {
        if (!exceeds(canaryThrewIn, canaryEnded, currentThrewIn, currentEnded)) {
            return null;
        }
        return String.format(Locale.ROOT,
                "its code threw exceptions in %s of its %,d tasks%s, current %s's in %s of %,d; margin %s",
                rate(canaryThrewIn, canaryEnded), canaryEnded, list(canaryThrown), current,
                rate(currentThrewIn, currentEnded), currentEnded, Percent.format(margin));
    }

    /**
     * Why the canary must abort by the share of its server requests answered with a 5xx status (DESIGN §4,
     * "Outcomes"), or null while it may run on: the same rule, on its requests instead of its tasks.
     */
    public String serverErrorVerdict(long canaryErrors, long canaryRequests, Generation current, long currentErrors,
                                     long currentRequests) {
        return serverErrorVerdictAgainst(canaryErrors, canaryRequests, name(current), currentErrors, currentRequests);
    }

    /** As {@link #serverErrorVerdict}, the current generation named ("generation 1"; the CLI's rollout). */
    public String serverErrorVerdictAgainst(long canaryErrors, long canaryRequests, String current,
                                            long currentErrors, long currentRequests) {
        if (!exceeds(canaryErrors, canaryRequests, currentErrors, currentRequests)) {
            return null;
        }
        return String.format(Locale.ROOT,
                "5xx responses to %s of its %,d requests, current %s's to %s of %,d; margin %s",
                rate(canaryErrors, canaryRequests), canaryRequests, current,
                rate(currentErrors, currentRequests), currentRequests, Percent.format(margin));
    }

    /**
     * Why the canary must abort by the share of its scheduler job runs that failed (their job threw, the scheduler
     * caught it), or null while it may run on: the same rule, on its job runs.
     *
     * @param canaryExceptions the canary's most frequent exceptions of failed job runs, or ""
     */
    public String failedJobVerdict(long canaryFailed, long canaryJobs, String canaryExceptions, Generation current,
                                   long currentFailed, long currentJobs) {
        return failedJobVerdictAgainst(canaryFailed, canaryJobs, canaryExceptions, name(current), currentFailed,
                currentJobs);
    }

    /** As {@link #failedJobVerdict}, the current generation named ("generation 1"; the CLI's rollout). */
    public String failedJobVerdictAgainst(long canaryFailed, long canaryJobs, String canaryExceptions, String current,
                                          long currentFailed, long currentJobs) {
        if (!exceeds(canaryFailed, canaryJobs, currentFailed, currentJobs)) {
            return null;
        }
        return String.format(Locale.ROOT, "%s of its %,d job runs failed%s, current %s's %s of %,d; margin %s",
                rate(canaryFailed, canaryJobs), canaryJobs, list(canaryExceptions), current,
                rate(currentFailed, currentJobs), currentJobs, Percent.format(margin));
    }

    /** The rule: enough canary tasks, and a rate above the current's (0 if it ended none) by more than the margin. */
    private boolean exceeds(long canaryCount, long canaryEnded, long currentCount, long currentEnded) {
        if (!isSet() || canaryEnded < minTasks || canaryEnded <= 0) {
            return false;
        }
        double canaryRate = (double) canaryCount / canaryEnded;
        double currentRate = currentEnded == 0 ? 0 : (double) currentCount / currentEnded;
        return canaryRate - currentRate > margin + EPSILON;
    }

    private static String list(String exceptions) {
        return exceptions.isEmpty() ? "" : " (" + exceptions + ")";
    }

    private static String name(Generation current) {
        return current == null ? "generation" : "generation " + current.sequence();
    }

    /** {@code count} of {@code ended} as a percentage, as the verdicts word it: 41%, 0.5%; 0% of none. */
    public static String rate(long count, long ended) {
        return rate(ended == 0 ? 0 : (double) count / ended);
    }

    /** A rate as a whole percentage when it is one, else with a decimal: 41%, 0.5%. */
    private static String rate(double rate) {
        return Percent.format(Math.round(rate * 1000) / 1000.0);
    }

    @Override
    public String toString() {
        return isSet() ? "abort above the current generation's failure, thrown-exception, 5xx or failed-job rate + "
                + Percent.format(margin) + " after " + minTasks + " ended tasks" : "no automatic abort";
    }
}
