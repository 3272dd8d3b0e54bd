package io.modulets.manage;

import javax.management.ConstructorParameters;

/**
 * One row of {@link ManagerMXBean#getGenerations()}: a generation at a glance. An MXBean maps it
 * to a {@code CompositeData}, so clients need not have this class. A client that does reads a row of an older
 * agent, without the request and job counts, through the shorter constructor (they read as 0).
 */
public final class GenerationInfo {
    private final int id;
    private final String state;
    private final String label;
    private final String hash;
    private final long liveTasks;
    private final String since;
    private final long tasksStarted;
    private final long tasksCompleted;
    private final long tasksFailed;
    private final long requests;
    private final long serverErrors;
    private final long clientErrors;
    private final long p50RequestNanos;
    private final long p99RequestNanos;
    private final long jobRuns;
    private final long jobRunsFailed;

    @ConstructorParameters({"id", "state", "label", "hash", "liveTasks", "since",
            "tasksStarted", "tasksCompleted", "tasksFailed", "requests", "serverErrors", "clientErrors",
            "p50RequestNanos", "p99RequestNanos", "jobRuns", "jobRunsFailed"})
    public GenerationInfo(int id, String state, String label, String hash, long liveTasks, String since,
                          long tasksStarted, long tasksCompleted, long tasksFailed, long requests, long serverErrors,
                          long clientErrors, long p50RequestNanos, long p99RequestNanos, long jobRuns,
                          long jobRunsFailed) {
        this.id = id;
        this.state = state;
        this.label = label;
        this.hash = hash;
        this.liveTasks = liveTasks;
        this.since = since;
        this.tasksStarted = tasksStarted;
        this.tasksCompleted = tasksCompleted;
        this.tasksFailed = tasksFailed;
        this.requests = requests;
        this.serverErrors = serverErrors;
        this.clientErrors = clientErrors;
        this.p50RequestNanos = p50RequestNanos;
        this.p99RequestNanos = p99RequestNanos;
        this.jobRuns = jobRuns;
        this.jobRunsFailed = jobRunsFailed;
    }

    /** A row without request and job counts (none counted, or an older agent's). */
    @ConstructorParameters({"id", "state", "label", "hash", "liveTasks", "since",
            "tasksStarted", "tasksCompleted", "tasksFailed"})
    public GenerationInfo(int id, String state, String label, String hash, long liveTasks, String since,
                          long tasksStarted, long tasksCompleted, long tasksFailed) {
        this(id, state, label, hash, liveTasks, since, tasksStarted, tasksCompleted, tasksFailed, 0, 0, 0, 0, 0, 0,
                0);
    }

    /** A row without task outcomes (none counted yet). */
    public GenerationInfo(int id, String state, String label, String hash, long liveTasks, String since) {
        this(id, state, label, hash, liveTasks, since, 0, 0, 0);
    }

    public int getId() {
        return id;
    }

    /** {@code canary}, {@code current}, {@code draining}, {@code retired} or {@code unloaded}. */
    public String getState() {
        return state;
    }

    public String getLabel() {
        return label;
    }

    public String getHash() {
        return hash;
    }

    public long getLiveTasks() {
        return liveTasks;
    }

    /** When it entered its state, as {@code Instant.toString()}. */
    public String getSince() {
        return since;
    }

    /** Task runs bound to it that began (DESIGN §4, "Outcomes"). */
    public long getTasksStarted() {
        return tasksStarted;
    }

    /** Task runs that ended normally. */
    public long getTasksCompleted() {
        return tasksCompleted;
    }

    /** Task runs that ended by an exception. */
    public long getTasksFailed() {
        return tasksFailed;
    }

    /** Server requests that ended with a response status read (DESIGN §2.12). */
    public long getRequests() {
        return requests;
    }

    /** Its requests answered with a 5xx status. */
    public long getServerErrors() {
        return serverErrors;
    }

    /** Its requests answered with a 4xx status. */
    public long getClientErrors() {
        return clientErrors;
    }

    /** Median latency of its timed requests, in nanoseconds (at most 6.25 % above the true value); 0: none. */
    public long getP50RequestNanos() {
        return p50RequestNanos;
    }

    /** 99th percentile of the latency of its timed requests, in nanoseconds, as {@link #getP50RequestNanos()}. */
    public long getP99RequestNanos() {
        return p99RequestNanos;
    }

    /** Scheduler job runs that ended. */
    public long getJobRuns() {
        return jobRuns;
    }

    /** Its job runs whose job threw. */
    public long getJobRunsFailed() {
        return jobRunsFailed;
    }
}
