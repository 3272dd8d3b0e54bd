package io.modulets.generations;

import java.util.Locale;

import io.modulets.config.Percent;

/**
 * When a canary aborts itself (DESIGN §4, agent arguments {@code canaryMargin}, {@code canaryMinTasks}):
 * once it has at least {@code minTasks} ended tasks, if its failure rate (failed / ended, since it
 * started) exceeds the current generation's over the same period by more than {@code margin}.
 * A current generation that ended no task meanwhile counts as failing none.
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
     * Why the canary must abort, or null while it may run on.
     *
     * @param canaryExceptions the canary's most frequent exceptions, "IllegalStateException 49", or ""
     */
    public String verdict(long canaryFailed, long canaryEnded, String canaryExceptions, Generation current,
                          long currentFailed, long currentEnded) {
        if (!isSet() || canaryEnded < minTasks || canaryEnded <= 0) {
            return null;
        }
        double canaryRate = (double) canaryFailed / canaryEnded;
        double currentRate = currentEnded == 0 ? 0 : (double) currentFailed / currentEnded;
        if (canaryRate - currentRate <= margin + EPSILON) {
            return null;
        }
        return String.format(Locale.ROOT, "%s of its %,d tasks failed%s, current %s failed %s of %,d; margin %s",
                rate(canaryRate), canaryEnded, canaryExceptions.isEmpty() ? "" : " (" + canaryExceptions + ")",
                current == null ? "generation" : "generation " + current.sequence(), rate(currentRate), currentEnded,
                Percent.format(margin));
    }

    /** A rate as a whole percentage when it is one, else with a decimal: 41%, 0.5%. */
    private static String rate(double rate) {
        return Percent.format(Math.round(rate * 1000) / 1000.0);
    }

    @Override
    public String toString() {
        return isSet() ? "abort above the current generation's failure rate + " + Percent.format(margin) + " after "
                + minTasks + " ended tasks" : "no automatic abort";
    }
}
