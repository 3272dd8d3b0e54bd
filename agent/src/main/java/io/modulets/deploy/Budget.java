package io.modulets.deploy;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * How long one deploy's checks may take, and whether a rollback is waiting for them (DESIGN §4, Deploying):
 * either stops the checks at the next entry read or class loaded, with a one-line reason, so that a
 * slow or hostile deploy holds neither the deployer nor an operator's rollback for long.
 */
final class Budget {
    /** What a deploy's checks may take at most; far more than a real jar's (a 5 MB jar: milliseconds). */
    static final Duration CHECKS = Duration.ofSeconds(60);
    /** No deadline, no rollback to give way to: generation 1 at startup, and unit tests. */
    static final Budget NONE = new Budget(Duration.ofDays(365), new BooleanSupplier() { // not a lambda: start-up
        @Override
        public boolean getAsBoolean() {
            return false;
        }
    });

    private final Duration time;
    private final long deadline;
    private final BooleanSupplier rollbackWaiting;

    /** @param rollbackWaiting true while an operator's rollback waits for this deploy; never for a rollback's own */
    Budget(Duration time, BooleanSupplier rollbackWaiting) {
        this.time = time;
        this.deadline = System.nanoTime() + time.toNanos();
        this.rollbackWaiting = rollbackWaiting;
    }

    /** Null while the checks may go on; else why they stop. */
    String exceeded() {
        if (rollbackWaiting.getAsBoolean()) {
            return "stopped for the rollback the operator asked for";
        }
        if (System.nanoTime() - deadline > 0) {
            return "its checks took longer than " + time.toSeconds() + " s";
        }
        return null;
    }

    void check() throws DeployRefused {
        String reason = exceeded();
        if (reason != null) {
            throw new DeployRefused(reason);
        }
    }
}
