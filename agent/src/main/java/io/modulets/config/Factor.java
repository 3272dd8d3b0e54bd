package io.modulets.config;

import java.util.regex.Pattern;

/**
 * A factor written as {@code 1.5x} or {@code 2x}: how much slower a canary's p99 latency may be than the current
 * generation's before it aborts (DESIGN §4, {@code canaryLatency}). Strict: digits, at most two decimals, then
 * {@code x}; at least 1 (a canary no slower than the current one is never aborted for it).
 */
public final class Factor {
    private static final Pattern SYNTAX = Pattern.compile("\\d{1,4}(\\.\\d{1,2})?x");

    private Factor() {
    }

    /**
     * The factor {@code text} names.
     *
     * @throws IllegalArgumentException with the reason, to follow "bad …: " in a one-line refusal
     */
    public static double parse(String text) {
        String value = text == null ? "" : text.trim();
        if (!SYNTAX.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a factor; give one such as 1.5x or 2x");
        }
        double factor = Double.parseDouble(value.substring(0, value.length() - 1));
        if (factor < 1) {
            throw new IllegalArgumentException("'" + text + "' is below 1x; give 1x or more");
        }
        return factor;
    }

    /** {@code factor} as {@link #parse} reads it: 1.5 → "1.5x", 2 → "2x". */
    public static String format(double factor) {
        return java.math.BigDecimal.valueOf(factor).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString() + "x";
    }
}
