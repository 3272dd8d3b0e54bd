package io.modulets;

import io.modulets.config.Log;

/**
 * The wall time of premain's stages, logged as one line at {@code log=debug} when premain is done
 * (not one line per stage: the first line initialises the logging backend, which would be counted
 * in the stage after it). docs/PERFORMANCE.md, startup, reads it.
 */
final class Stages {
    private final StringBuilder line = new StringBuilder();
    private final long start = System.nanoTime();
    private long last = start;

    /** The stage that ends now. */
    void done(String stage) {
        long now = System.nanoTime();
        line.append(line.length() == 0 ? "" : "; ").append(stage).append(' ').append(millis(now - last));
        last = now;
    }

    void log() {
        Log.debug("startup: premain %s ms (%s)", millis(last - start), line);
    }

    private static String millis(long nanos) {
        long tenths = nanos / 100_000;
        return tenths / 10 + "." + tenths % 10;
    }
}
