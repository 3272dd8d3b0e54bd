package io.modulets.deploy;

import java.nio.file.Path;
import java.util.List;

import io.modulets.generations.Generation;
import io.modulets.generations.Snapshot;

/**
 * Told by the {@link Deployer} of each decision a restart must keep ({@link Restarts}), on the deploying
 * thread and under the deployer's lock, after the decision took effect.
 */
public interface DeployJournal {
    DeployJournal NONE = new DeployJournal() {
    };

    /**
     * Why the watcher leaves {@code jars}, what the modules directory holds, out: one line naming the decision
     * about their content that stands, and what stays current; or null to deploy them (DESIGN §2.9).
     */
    default String notTaken(List<Path> jars, Generation current) {
        return null;
    }

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
