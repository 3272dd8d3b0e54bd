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

    @ConstructorParameters({"id", "state", "label", "hash", "liveTasks", "since"})
    public GenerationInfo(int id, String state, String label, String hash, long liveTasks, String since) {
        this.id = id;
        this.state = state;
        this.label = label;
        this.hash = hash;
        this.liveTasks = liveTasks;
        this.since = since;
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
}
