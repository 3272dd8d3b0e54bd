package io.modulets.generations;

/**
 * How many generations may be loaded at once (current, draining, retired and not yet collected),
 * and what an activation beyond that does: agent arguments {@code maxGenerations} and
 * {@code onLimit} (DESIGN §4).
 *
 * @param maxGenerations at most this many loaded generations; 0 for no limit
 * @param refuses        true: such an activation is refused; false: it goes ahead with a warning
 */
public record Limit(int maxGenerations, boolean refuses) {
    public static final Limit NONE = new Limit(0, false);

    public Limit {
        if (maxGenerations != 0 && maxGenerations < 2) {
            throw new IllegalArgumentException("maxGenerations must be 0 (no limit) or at least 2: " + maxGenerations);
        }
    }

    public boolean isSet() {
        return maxGenerations > 0;
    }
}
