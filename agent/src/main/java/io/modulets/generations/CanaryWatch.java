package io.modulets.generations;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.ThreadHooks;
import io.modulets.config.Log;

/**
 * The automatic abort (DESIGN §4): while a canary runs, the agent's {@code modulets-canary} thread asks
 * its policy every {@link #PERIOD_MS} ms whether to abort it ({@link Canary#verdict()}), off the task
 * path: tasks only bump the outcome counters they keep anyway. Without a canary the thread waits.
 */
final class CanaryWatch implements Runnable {
    static final long PERIOD_MS = 100;

    private final Registry registry;
    private final Object wake = new Object();

    private CanaryWatch(Registry registry) {
        this.registry = registry;
    }

    /**
     * Starts the thread; it is never bound (it is the agent's, not a task, and a canary's start may run on
     * any thread, a JMX connection's among them).
     */
    static CanaryWatch start(Registry registry) {
        CanaryWatch watch = new CanaryWatch(registry);
        Thread thread = ThreadHooks.agentThread(watch, "modulets-canary");
        thread.setContextClassLoader(null);
        thread.start();
        return watch;
    }

    /** A canary started: look at it. */
    void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    @Override
    public void run() {
        try {
            watch();
        } catch (Throwable e) {
            Log.error("the modulets-canary thread stopped (%s): canaries no longer abort by themselves; promote and"
                    + " abort still work", Log.oneLine(e));
        }
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            Canary canary = registry.canary();
            if (canary == null) {
                synchronized (wake) {
                    if (registry.canary() == null) {
                        try {
                            wake.wait();
                        } catch (InterruptedException stop) {
                            return;
                        }
                    }
                }
                continue;
            }
            check(canary);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MS));
        }
    }

    private void check(Canary canary) {
        try {
            String reason = canary.verdict();
            if (reason != null) {
                registry.abortIfCanary(canary, reason);
            }
        } catch (IOException | RuntimeException e) {
            Log.warn("automatic abort of %s: %s", canary.generation(), e);
        } catch (Error e) {
            Log.error("automatic abort of %s: %s; still watching", canary.generation(), Log.oneLine(e));
        }
    }
}
