package io.modulets.bootstrap;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A canary in progress (DESIGN §2.1): the generation that a root task gets instead of the current
 * one with probability {@code fraction}. Immutable, so that a root capture reads the generation and
 * its threshold in one volatile read ({@link Bindings}).
 *
 * <p>Why a random draw and not an exact ratio: an exact "every 20th root task" needs a counter that
 * every submitting thread increments, and that one cache line would be contended by every pool in the
 * JVM. {@link ThreadLocalRandom} is per thread, allocates nothing and takes no lock; the fraction then
 * holds as a binomial proportion (within a few standard deviations), which is what the tests check.
 */
public final class CanaryDraw {
    /** 2^32: a draw is an unsigned 32-bit number, compared with {@code fraction × 2^32}. */
    private static final double RANGE = 4294967296.0;

    final ClassLoader generation;
    /** Draws below this pick the canary; 2^32 (every draw) for a fraction of 1. */
    private final long threshold;

    /** @param fraction in (0, 1] */
    public CanaryDraw(ClassLoader generation, double fraction) {
        if (generation == null || !(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("a canary needs a generation and a fraction in (0, 1]: " + fraction);
        }
        this.generation = generation;
        this.threshold = Math.max(1L, Math.round(fraction * RANGE));
    }

    /** The canary generation. */
    public ClassLoader generation() {
        return generation;
    }

    /** The canary for about {@code fraction} of the calls, else {@code current}. */
    ClassLoader pick(ClassLoader current) {
        return (ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL) < threshold ? generation : current;
    }
}
