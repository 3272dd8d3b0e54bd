package io.modulets.cli;

import io.modulets.generations.AbortPolicy;
import io.modulets.manage.GenerationMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * How {@code rollout} judges a new generation on a target: by the agent's own rule for the automatic
 * abort of a canary ({@link AbortPolicy}, DESIGN §4, "Canaries"). Once the new generation has
 * {@code minTasks} ended tasks, it fails if its failure rate, or its share of tasks in which its own code
 * threw into shell code, exceeds the baseline's by more than the margin with the agent's confidence (99 %, a score
 * interval on the difference); so does its share of requests answered with a 5xx status, or of failed job runs,
 * once it has {@code minTasks} of those. Latency is not judged here: the MBeans show percentiles since a
 * generation was made, not over a period (the agent's own latency rule still guards a canary). The baseline is
 * the generation it replaces, over a period of the same flow of tasks: for the canary, the current
 * generation's tasks while the canary ran; for a wave, the replaced generation's tasks from the rollout's
 * first look until it was replaced.
 */
final class RolloutJudge {
    private final AbortPolicy policy;

    RolloutJudge(double margin, long minTasks) {
        this.policy = new AbortPolicy(margin, minTasks);
    }

    long minTasks() {
        return policy.minTasks();
    }

    /** Whether {@code candidate} has ended enough tasks to be judged. */
    boolean ready(Tally candidate) {
        return candidate.ended() >= policy.minTasks();
    }

    /**
     * Why {@code candidate} fails against {@code baseline} (the agent's one line: "40% of its 100 tasks
     * failed (IllegalStateException 40), current generation 1 failed 0% of 2,000; margin 5%"), or null when it
     * passes or has not ended enough tasks yet.
     *
     * @param exceptions   the candidate's most frequent exception classes, "IllegalStateException 40", or ""
     * @param baselineName the baseline generation, "generation 1"
     */
    String verdict(Tally candidate, String exceptions, String baselineName, Tally baseline) {
        String failed = policy.verdictAgainst(candidate.failed(), candidate.ended(), exceptions, baselineName,
                baseline.failed(), baseline.ended());
        if (failed == null) {
            failed = policy.thrownVerdictAgainst(candidate.threwIn(), candidate.ended(), "", baselineName,
                    baseline.threwIn(), baseline.ended());
        }
        if (failed == null) {
            failed = policy.serverErrorVerdictAgainst(candidate.serverErrors(), candidate.requests(), baselineName,
                    baseline.serverErrors(), baseline.requests());
        }
        return failed != null ? failed : policy.failedJobVerdictAgainst(candidate.jobsFailed(), candidate.jobRuns(),
                "", baselineName, baseline.jobsFailed(), baseline.jobRuns());
    }

    /**
     * {@code targets} in {@code waves} waves of nearly equal size, in order, the larger ones first; fewer
     * waves when there are fewer targets; none for none.
     */
    static <T> List<List<T>> waves(List<T> targets, int waves) {
        if (waves < 1) {
            throw new IllegalArgumentException("waves must be at least 1: " + waves);
        }
        int count = Math.min(waves, targets.size());
        List<List<T>> result = new ArrayList<>();
        int from = 0;
        for (int w = 0; w < count; w++) {
            int size = targets.size() / count + (w < targets.size() % count ? 1 : 0);
            result.add(List.copyOf(targets.subList(from, from + size)));
            from += size;
        }
        return result;
    }

    /** The three most frequent exception classes by simple name, "IllegalStateException 40, …", as the agent's. */
    static String top(List<String> exceptions) {
        StringJoiner top = new StringJoiner(", ");
        for (String e : exceptions.subList(0, Math.min(3, exceptions.size()))) {
            int space = e.lastIndexOf(' ');
            String name = space < 0 ? e : e.substring(0, space);
            top.add(name.substring(name.lastIndexOf('.') + 1) + (space < 0 ? "" : e.substring(space)));
        }
        return top.toString();
    }

    /**
     * A generation's ended task runs, failed ones and those in which its code threw into shell code, its server
     * requests and those answered with a 5xx, its job runs and the failed ones, as its counters stood, or over a
     * period (their difference).
     */
    record Tally(long ended, long failed, long threwIn, long requests, long serverErrors, long jobRuns,
                 long jobsFailed) {
        static final Tally NONE = new Tally(0, 0, 0);

        /** Task runs only: no request or job run counted. */
        Tally(long ended, long failed, long threwIn) {
            this(ended, failed, threwIn, 0, 0, 0, 0);
        }

        /** The counters of a generation's MBean now. */
        static Tally of(GenerationMXBean g) {
            long failed = g.getTasksFailed();
            long completed = g.getTasksCompleted();
            long threwIn = g.getTasksThrowing();
            return new Tally(completed + failed, failed, threwIn, g.getRequests(), g.getServerErrors(), g.getJobRuns(),
                    g.getJobRunsFailed());
        }

        /** What was counted since {@code earlier} (counters only grow; never below 0 when read apart). */
        Tally since(Tally earlier) {
            return new Tally(Math.max(0, ended - earlier.ended), Math.max(0, failed - earlier.failed),
                    Math.max(0, threwIn - earlier.threwIn), Math.max(0, requests - earlier.requests),
                    Math.max(0, serverErrors - earlier.serverErrors), Math.max(0, jobRuns - earlier.jobRuns),
                    Math.max(0, jobsFailed - earlier.jobsFailed));
        }

        /** The failure rate as the verdicts word it: "2%", "0.5%"; "-" with no ended task. */
        String failureRate() {
            return ended == 0 ? "-" : AbortPolicy.rate(failed, ended);
        }
    }
}
