package io.modulets.generations;

import java.lang.management.ManagementFactory;

import io.modulets.bootstrap.LiveCount;
import io.modulets.config.Log;

/**
 * Makes every Java thread pass a safepoint, so that what each did before is visible to the caller after: the heavy
 * side of the live count's asymmetric fence ({@code LiveCount}). HotSpot stops the threads for a VM operation that
 * runs at a safepoint; a thread stops through a change of its state that fences, or the VM serializes it.
 *
 * <p>The operation is the deadlock search of {@code ThreadMXBean.findDeadlockedThreads()}: a safepoint ("FindDeadlocks"
 * in {@code -Xlog:safepoint}, on JDK 17 and 25) that walks the threads' monitors and not their stacks: 20–80 µs of
 * pause with 300 threads on this project's 2-core machine, where {@code Thread.getAllStackTraces()} pauses them
 * 12–350 ms (docs/JVM-NOTES.md, "A safepoint on demand"). The first call loads {@code java.management}'s thread
 * classes, about 30 ms on the calling thread. Only if that is refused (a security manager) do stack traces do it.
 * Where the runtime has no {@code java.management}, the counts are fenced and nothing is needed.
 */
final class Safepoints {
    private static volatile boolean managementRefused;

    private Safepoints() {
    }

    static void passedByEveryThread() {
        if (!LiveCount.STORES_ORDERED_BY_SAFEPOINTS) {
            return; // every count is fenced
        }
        if (!managementRefused) {
            try {
                Management.findDeadlocks();
                return;
            } catch (LinkageError | RuntimeException refused) {
                managementRefused = true;
                Log.debug("the safepoint through java.management was refused (%s): stack traces instead", refused);
            }
        }
        Thread.getAllStackTraces();
    }

    /** Apart, so that this class links without java.management. */
    private static final class Management {
        static void findDeadlocks() {
            ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        }
    }
}
