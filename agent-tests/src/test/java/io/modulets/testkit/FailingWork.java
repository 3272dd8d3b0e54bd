package io.modulets.testkit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A swappable jar for the canary tests of job runs: one class, {@code PACKAGE.Work}, whose {@code check()} is false
 * on one call in {@code every} (its own count, so the rate holds whatever its share of the runs), labelled
 * {@code n.0}.
 */
public final class FailingWork {
    private FailingWork() {
    }

    public static Path jar(Path file, String pkg, int n, int every) throws IOException {
        return new JarBuilder()
                .source(pkg + ".Work", "package " + pkg + "; public class Work {"
                        + " private static final java.util.concurrent.atomic.AtomicInteger CALLS ="
                        + " new java.util.concurrent.atomic.AtomicInteger();"
                        + " public static boolean check() { return CALLS.incrementAndGet() % " + every + " != 0; } }")
                .manifest("Implementation-Version", n + ".0")
                .build(file);
    }
}
