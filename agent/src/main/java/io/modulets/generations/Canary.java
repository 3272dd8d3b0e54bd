package io.modulets.generations;

import java.time.Instant;

import io.modulets.config.Percent;

/**
 * A canary in progress (DESIGN §2.1, §4): {@link #generation()} gets {@link #fraction()} of the new
 * root tasks, {@link #against()} (the current generation, which cannot change meanwhile) the rest,
 * since {@link #started()}. What each had done at the start is kept, so that the automatic abort
 * compares what both did since. The abort policy may be changed while the canary runs.
 */
public final class Canary {
    private final Generation generation;
    private final Generation against;
    private final double fraction;
    private final Instant started;
    private volatile AbortPolicy policy = AbortPolicy.NONE;

    Canary(Generation generation, Generation against, double fraction, Instant started) {
        this.generation = generation;
        this.against = against;
        this.fraction = fraction;
        this.started = started;
    }

    public Generation generation() {
        return generation;
    }

    /** The current generation the canary runs beside. */
    public Generation against() {
        return against;
    }

    /** The share of new root tasks that get the canary, in (0, 1]. */
    public double fraction() {
        return fraction;
    }

    public Instant started() {
        return started;
    }

    /** When the canary aborts itself; {@link AbortPolicy#NONE} for never. */
    public AbortPolicy policy() {
        return policy;
    }

    public void policy(AbortPolicy policy) {
        this.policy = policy == null ? AbortPolicy.NONE : policy;
    }

    static String percent(double fraction) {
        return Percent.format(fraction);
    }

    @Override
    public String toString() {
        return "canary " + generation + " for " + percent(fraction) + " of new root tasks beside " + against;
    }
}
