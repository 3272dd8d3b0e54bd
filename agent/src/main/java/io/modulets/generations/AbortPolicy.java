package io.modulets.generations;

import java.util.Locale;

import io.modulets.config.Percent;

/**
 * When a canary aborts itself (DESIGN §4, agent arguments {@code canaryMargin}, {@code canaryMinTasks},
 * {@code canaryLatency}): once it has at least {@code minTasks} ended tasks, if its failure rate (failed / ended,
 * since it started) exceeds the current generation's over the same period by more than {@code margin} with
 * {@link #CONFIDENCE} confidence ({@link #differenceAtLeast}), or the share of its ended tasks in which its own code
 * threw an exception into shell code does (DESIGN §4, "Outcomes"), or, once it has at least {@code minTasks}
 * server requests answered (job runs ended), the share of them answered with a 5xx status (that failed) does. A
 * current generation that ended none meanwhile counts as failing none. And, with a latency factor, once both have
 * {@code minTasks} requests timed (task runs timed), if the canary's p99 latency (run time) is more than the
 * factor times the current's.
 *
 * @param margin        a fraction of 1 in [0, 1], or NaN: rates do not abort
 * @param minTasks      at least 1
 * @param latencyFactor at least 1, or NaN: latency does not abort
 */
public record AbortPolicy(double margin, long minTasks, double latencyFactor) {
    /** Never aborts by itself. */
    public static final AbortPolicy NONE = new AbortPolicy(Double.NaN, Long.MAX_VALUE, Double.NaN);

    /**
     * The one-sided confidence with which a canary's rate must exceed the current's plus the margin: high, since the
     * rule is applied again at every look while the canary runs (each look may err).
     */
    public static final double CONFIDENCE = 0.99;
    /** The standard normal quantile of {@link #CONFIDENCE}. */
    private static final double Z = 2.3263478740408408;

    /** The minimum number of ended tasks when none is given. */
    public static final long DEFAULT_MIN_TASKS = 100;

    /** Rates are compared with this slack, so that a rate exactly at the margin does not abort. */
    private static final double EPSILON = 1e-9;

    /** Rates only. */
    public AbortPolicy(double margin, long minTasks) {
        this(margin, minTasks, Double.NaN);
    }

    public boolean isSet() {
        return !Double.isNaN(margin) || !Double.isNaN(latencyFactor);
    }

    /** This policy with {@code factor} as its latency factor (NaN: none), its rates and minimum unchanged. */
    public AbortPolicy withLatency(double factor) {
        return new AbortPolicy(margin, Double.isNaN(margin) && Double.isNaN(latencyFactor) ? DEFAULT_MIN_TASKS
                : minTasks, factor);
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
                rate(currentFailed, currentEnded), currentEnded, Percent.format(margin))
                + confidence(canaryFailed, canaryEnded, currentFailed, currentEnded);
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
                rate(currentThrewIn, currentEnded), currentEnded, Percent.format(margin))
                + confidence(canaryThrewIn, canaryEnded, currentThrewIn, currentEnded);
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
                rate(currentErrors, currentRequests), currentRequests, Percent.format(margin))
                + confidence(canaryErrors, canaryRequests, currentErrors, currentRequests);
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
                rate(currentFailed, currentJobs), currentJobs, Percent.format(margin))
                + confidence(canaryFailed, canaryJobs, currentFailed, currentJobs);
    }

    /**
     * Why the canary must abort by its p99 latency, or null while it may run on: once both have {@code minTasks}
     * of {@code what} timed, if the canary's p99 is more than the latency factor times the current's.
     *
     * @param what "requests" (their latency) or "timed task runs" (their run time)
     */
    public String latencyVerdictAgainst(String what, long canaryP99, long canaryTimed, String current,
                                        long currentP99, long currentTimed) {
        if (Double.isNaN(latencyFactor) || canaryTimed < minTasks || currentTimed < minTasks || canaryTimed <= 0
                || canaryP99 <= latencyFactor * currentP99 + EPSILON) {
            return null;
        }
        return String.format(Locale.ROOT, "p99 %s of its %,d %s %s, current %s's %s of %,d; limit %s",
                what.equals("requests") ? "latency" : "run time", canaryTimed, what, duration(canaryP99), current,
                duration(currentP99), currentTimed, factor(latencyFactor));
    }

    /** As {@link #latencyVerdictAgainst}, the current generation as a generation. */
    public String latencyVerdict(String what, long canaryP99, long canaryTimed, Generation current, long currentP99,
                                 long currentTimed) {
        return latencyVerdictAgainst(what, canaryP99, canaryTimed, name(current), currentP99, currentTimed);
    }

    /**
     * The rule: enough canary tasks, and a rate above the current's (0 if it ended none) by more than the margin,
     * with {@link #CONFIDENCE} confidence: the lower bound of the difference of the two rates is above the margin.
     */
    private boolean exceeds(long canaryCount, long canaryEnded, long currentCount, long currentEnded) {
        if (Double.isNaN(margin) || canaryEnded < minTasks || canaryEnded <= 0) {
            return false;
        }
        return differenceAtLeast(canaryCount, canaryEnded, currentCount, currentEnded) > margin + EPSILON;
    }

    /**
     * A lower bound, with {@link #CONFIDENCE} one-sided confidence, of the difference between the rate of {@code x1}
     * in {@code n1} and that of {@code x2} in {@code n2} (Newcombe's hybrid score interval, his method 10: Wilson
     * score intervals of each rate, combined; sound at small counts and at rates of 0 or 1, where the normal
     * approximation is not). A rate of nothing ({@code n2} 0) counts as exactly 0.
     */
    public static double differenceAtLeast(long x1, long n1, long x2, long n2) {
        if (n1 <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double p1 = (double) x1 / n1;
        double p2 = n2 <= 0 ? 0 : (double) x2 / n2;
        double below = p1 - wilson(x1, n1, -1);
        double above = n2 <= 0 ? 0 : wilson(x2, n2, 1) - p2;
        return p1 - p2 - Math.sqrt(below * below + above * above);
    }

    /** The Wilson score bound of the rate {@code x / n} at {@link #Z}: the lower one for sign -1, else the upper. */
    static double wilson(long x, long n, int sign) {
        double p = (double) x / n;
        double z2 = Z * Z;
        double centre = p + z2 / (2.0 * n);
        double spread = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return Math.min(1, Math.max(0, (centre + sign * spread) / (1 + z2 / n)));
    }

    /** "; the difference at least 33% (99% confidence)": what the verdict rests on. */
    private static String confidence(long x1, long n1, long x2, long n2) {
        return ", the difference at least " + rate(Math.max(0, differenceAtLeast(x1, n1, x2, n2))) + " ("
                + Percent.format(CONFIDENCE) + " confidence)";
    }

    private static String factor(double factor) {
        return io.modulets.config.Factor.format(factor);
    }

    /** "850 ns", "12.3 us", "4.56 ms", "2.00 s", as {@code modulets outcomes} shows them. */
    static String duration(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
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
        if (!isSet()) {
            return "no automatic abort";
        }
        String rates = Double.isNaN(margin) ? null
                : "abort above the current generation's failure, thrown-exception, 5xx or failed-job rate + "
                + Percent.format(margin) + " (" + Percent.format(CONFIDENCE) + " confidence) after " + minTasks
                + " ended tasks";
        String latency = Double.isNaN(latencyFactor) ? null
                : "p99 latency above " + factor(latencyFactor) + " the current generation's after " + minTasks
                + " timed requests or task runs each";
        return rates == null ? "abort at a " + latency : latency == null ? rates : rates + ", or at a " + latency;
    }
}
