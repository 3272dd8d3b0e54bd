package io.modulets.manage;

import javax.management.ConstructorParameters;

/**
 * One row of {@link ManagerMXBean#getGenerations()}: a generation at a glance. An MXBean maps it
 * to a {@code CompositeData}, so clients need not have this class.
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

    @ConstructorParameters({"id", "state", "label", "hash", "liveTasks", "since",
            "tasksStarted", "tasksCompleted", "tasksFailed"})
    public GenerationInfo(int id, String state, String label, String hash, long liveTasks, String since,
                          long tasksStarted, long tasksCompleted, long tasksFailed) {
        this.id = id;
        this.state = state;
        this.label = label;
        this.hash = hash;
        this.liveTasks = liveTasks;
        this.since = since;
        this.tasksStarted = tasksStarted;
        this.tasksCompleted = tasksCompleted;
        this.tasksFailed = tasksFailed;
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
}
