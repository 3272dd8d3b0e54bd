package lc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Shell state that swappable code reaches: latches that hold its tasks, a thread-local and a
 * long-lived thread it can leak into, and a line printer. Never names a swappable class.
 */
public final class Holder {
    /** A thread-local of the shell that swappable code may fill and forget (a classic leak). */
    public static final ThreadLocal<Object> LOCAL = new ThreadLocal<>();
    /** A long-lived shell thread whose context class loader swappable code may set and forget. */
    public static volatile Thread longLived;
    /** A pool that swappable code creates, whose worker outlives the task that made it. */
    public static volatile java.util.concurrent.ExecutorService lateWorkers;
    private static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();

    private Holder() {
    }

    public static CountDownLatch latch(String name) {
        return LATCHES.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    /** Blocks a task until the program releases it; bounded so that a broken run still ends. */
    public static void await(String name) {
        try {
            if (!latch(name).await(60, TimeUnit.SECONDS)) {
                mark("timeout " + name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A line on stdout (the program's report) and stderr (ordered with the agent's log lines). */
    public static synchronized void mark(String line) {
        System.out.println(line);
        System.out.flush();
        System.err.println("MARK " + line);
        System.err.flush();
    }
}
