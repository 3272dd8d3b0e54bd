package modulets.bench.report;

/**
 * One figure of the cost table: what was measured, on which JDK, the value of each setup (text,
 * with its unit or error), what the agent adds (ratio or difference), the target and whether it
 * was met. Cells that do not apply are "-".
 */
public record Row(String figure, String jdk, String none, String modulets, String ttl, String added, String target,
                  Verdict verdict) {

    /** Whether a figure meets its target. */
    public enum Verdict {
        MET("met"), MISSED("missed"), NONE("-"), SKIPPED("skipped"),
        /** The errors are too large to tell: measure again on a quieter machine. */
        NOISY("noisy");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }

        public static Verdict of(boolean met) {
            return met ? MET : MISSED;
        }
    }

    /** A figure that could not be measured here, and why. */
    public static Row skipped(String figure, String jdk, String why) {
        return new Row(figure, jdk, "-", "-", "-", why, "-", Verdict.SKIPPED);
    }
}
