package io.modulets.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for what a garbage collection brings about: a cleared reference enqueued by the JVM's Reference Handler
 * thread, then handled by the code under test. Bounded by time, not by a count of collections: on a loaded machine
 * a collection and the enqueueing after it can take seconds, and a few dozen quick rounds can all come too early.
 */
public final class Collections {
    /** Far more than a quiet machine needs (milliseconds), and less than the tests' own time-outs (30 s and up). */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private Collections() {
    }

    /**
     * Asks for collections until {@code done} holds or {@link #WAIT} has passed; the caller asserts what it waited
     * for, so that a wait that ran out fails with the caller's message.
     */
    public static void awaitAfterCollections(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() - deadline < 0) {
            System.gc();
            Thread.sleep(20);
        }
    }
}
