package io.modulets.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * A share written as a percentage, {@code 5%} or {@code 0.5%}: the canary's fraction of new root tasks
 * and the automatic abort's margin (DESIGN §4). Strict: digits, at most one decimal point, then
 * {@code %}; nothing else is read as a share (a bare {@code 0.05} could mean 5% or 0.05%).
 */
public final class Percent {
    private static final Pattern SYNTAX = Pattern.compile("\\d{1,3}(\\.\\d{1,4})?%");

    private Percent() {
    }

    /**
     * The share {@code text} names, as a fraction of 1.
     *
     * @param zero whether {@code 0%} is allowed (a margin may be 0; a canary's fraction may not)
     * @throws IllegalArgumentException with the reason, to follow "bad …: " in a one-line refusal
     */
    public static double parse(String text, boolean zero) {
        String value = text == null ? "" : text.trim();
        if (!SYNTAX.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage; give one such as 5% or 0.5%");
        }
        double percent = Double.parseDouble(value.substring(0, value.length() - 1));
        if (percent > 100 || (!zero && percent == 0)) {
            throw new IllegalArgumentException("'" + text + "' is out of range; give " + (zero ? "0%" : "more than 0%")
                    + " to 100%");
        }
        return percent / 100;
    }

    /** {@code fraction} as people read it: 0.05 → "5%", 0.125 → "12.5%", 1/3 → "33.33%". */
    public static String format(double fraction) {
        BigDecimal percent = BigDecimal.valueOf(fraction * 100).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
        return percent.toPlainString() + "%";
    }
}
