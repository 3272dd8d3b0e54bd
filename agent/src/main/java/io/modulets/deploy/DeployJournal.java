package io.modulets.deploy;

import io.modulets.generations.Generation;
import io.modulets.generations.Snapshot;

/**
 * Told by the {@link Deployer} of each decision a restart must keep ({@link Restarts}), on the deploying
 * thread and under the deployer's lock, after the decision took effect.
 */
public interface DeployJournal {
    DeployJournal NONE = new DeployJournal() {
    };

    /** The modules directory was read, and held {@code content}. */
    default void directoryHeld(Snapshot content) {
    }

    /**
     * {@code now} became current.
     *
     * @param what   "activation", "rollback", "promotion" or "start"
     * @param before the generation it replaced, or null
     */
    default void current(Snapshot now, String what, Generation before) {
    }

    /** A deploy's checks refused {@code content}, for {@code reason} (one line, naming the jar and what is wrong). */
    default void refused(Snapshot content, String reason) {
    }

    /** {@code content} was started as a canary. */
    default void canary(Snapshot content) {
    }
}
