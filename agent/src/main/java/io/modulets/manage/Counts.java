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

    void rejection(String line) {
        lastRejection = line;
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
