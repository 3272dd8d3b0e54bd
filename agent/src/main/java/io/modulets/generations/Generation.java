package io.modulets.generations;

import java.time.Instant;

import io.modulets.loader.GenerationClassLoader;

/**
 * One immutable version of all swappable code (DESIGN §1): a snapshot in the store and the class
 * loader that defines its classes. Named by a sequence number for people and a content hash for
 * machines; its label comes from the jars.
 */
public final class Generation {
    private final int sequence;
    private final Snapshot snapshot;
    private final Instant created;
    private GenerationClassLoader loader;

    Generation(int sequence, Snapshot snapshot, Instant created) {
        this.sequence = sequence;
        this.snapshot = snapshot;
        this.created = created;
    }

    void attach(GenerationClassLoader loader) {
        this.loader = loader;
    }

    public int sequence() {
        return sequence;
    }

    public String hash() {
        return snapshot.hash();
    }

    public String label() {
        return snapshot.label();
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public Instant created() {
        return created;
    }

    public GenerationClassLoader loader() {
        return loader;
    }

    @Override
    public String toString() {
        return "generation " + sequence + " (" + snapshot.label() + ", " + snapshot.shortHash() + ")";
    }
}
