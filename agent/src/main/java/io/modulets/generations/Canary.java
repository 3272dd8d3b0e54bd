package io.modulets.generations;

import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;

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
    /** What each had done when the canary started: the automatic abort judges what they did since. */
    private final Outcomes generationAtStart;
    private final Outcomes againstAtStart;
    private volatile AbortPolicy policy = AbortPolicy.NONE;

    Canary(Generation generation, Generation against, double fraction, Instant started) {
        this.generation = generation;
        this.against = against;
        this.fraction = fraction;
        this.started = started;
        this.generationAtStart = generation.outcomes();
        this.againstAtStart = against.outcomes();
    }

    /** What the canary's tasks did since it started (a generation reused as a canary may have run before). */
    public Outcomes outcomesSinceStart() {
        return generation.outcomes().minus(generationAtStart);
    }

    /** What the current generation's tasks did over the same period. */
    public Outcomes againstSinceStart() {
        return against.outcomes().minus(againstAtStart);
    }

    /**
     * Why the policy aborts the canary now, one line, or null while it may run on. Reads the counters
     * the task hooks keep anyway: tasks pay nothing for it.
     */
    public String verdict() {
        AbortPolicy p = policy;
        if (!p.isSet()) {
            return null;
        }
        Outcomes mine = outcomesSinceStart();
        Outcomes theirs = againstSinceStart();
        String failed = p.verdict(mine.failed(), mine.ended(), top(mine.exceptions()), against, theirs.failed(),
                theirs.ended());
        if (failed != null) {
            return failed;
        }
        String thrown = p.thrownVerdict(mine.threwIn(), mine.ended(), top(mine.thrownExceptions()), against,
                theirs.threwIn(), theirs.ended());
        if (thrown != null) {
            return thrown;
        }
        String serverErrors = p.serverErrorVerdict(mine.serverErrors(), mine.requests(), against,
                theirs.serverErrors(), theirs.requests());
        if (serverErrors != null) {
            return serverErrors;
        }
        String failedJobs = p.failedJobVerdict(mine.failedJobs(), mine.jobs(), top(mine.jobExceptions()), against,
                theirs.failedJobs(), theirs.jobs());
        if (failedJobs != null) {
            return failedJobs;
        }
        String requestLatency = p.latencyVerdict("requests", mine.requestNanosAtMost(0.99), mine.timedRequests(),
                against, theirs.requestNanosAtMost(0.99), theirs.timedRequests());
        if (requestLatency != null) {
            return requestLatency;
        }
        return p.latencyVerdict("timed task runs", mine.runNanosAtMost(0.99), mine.timedRuns(), against,
                theirs.runNanosAtMost(0.99), theirs.timedRuns());
    }

    /** The three most frequent exception classes by simple name, "IllegalStateException 49, …", or "". */
    private static String top(List<Outcomes.ExceptionCount> exceptions) {
        StringJoiner top = new StringJoiner(", ");
        for (Outcomes.ExceptionCount e : exceptions.subList(0, Math.min(3, exceptions.size()))) {
            String name = e.className();
            top.add(name.substring(name.lastIndexOf('.') + 1) + " " + e.count());
        }
        return top.toString();
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
