package io.modulets.manage;

import java.util.concurrent.atomic.AtomicLong;

/** Activations and refused deploys since startup, counted as they happen (the manager shows them). */
final class Counts {
    private final AtomicLong activations = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();
    private volatile String lastRejection;

    void activation() {
        activations.incrementAndGet();
    }

    /** @param line the deployer's refusal, without the "modulets: " that the log, JMX and the exception show */
    void rejection(String line) {
        lastRejection = "modulets: " + line;
        rejections.incrementAndGet();
    }

    long activations() {
        return activations.get();
    }

    long rejections() {
        return rejections.get();
    }

    String lastRejection() {
        return lastRejection;
    }
}
