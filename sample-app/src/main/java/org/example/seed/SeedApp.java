package org.example.seed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.example.magic.MagicModule;

/**
 * The Python modulets experiment's {@code test_modulet.py}, in Java: the program that runs in the child JVM.
 *
 * <p>Usage: {@code SeedApp <versionsDir> <modulesDir> <waitMillis>}. {@code versionsDir} holds
 * {@code magic-1000.jar} … {@code magic-1003.jar}; {@code modulesDir/magic.jar} holds 1000 at
 * start. The class path must name {@code modulesDir/magic.jar}, so that the same command line
 * runs with and without the agent.
 *
 * <p>Scenario "seed": three root tasks (a {@link Thread}, {@code execute}, {@code submit}), with a
 * swap before the second and the third. Once all three are running, each asks
 * {@link MagicModule#getMagic()} and checks that it gets the number that was current when it
 * was started. Scenario "queued": a task submitted while 1002 is current, but started only
 * after the swap to 1003, must still get 1002 (binding happens at submission).
 *
 * <p>Exit code 0 when every task passed, 1 otherwise, 2 on bad usage. Every wait is bounded.
 */
public final class SeedApp {
    static final int TASKS = 3;
    static final int FIRST_MAGIC = 1000;
    static final String QUEUED = " (queued across a swap)";
    private static final long TASK_WAIT_SECONDS = 30;
    private static final long POLL_MILLIS = 5;

    private final Path versions;
    private final Path modules;
    private final long waitMillis;
    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    SeedApp(Path versions, Path modules, long waitMillis) {
        this.versions = versions;
        this.modules = modules;
        this.waitMillis = waitMillis;
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: SeedApp <versionsDir> <modulesDir> <waitMillis>");
            System.exit(2);
        }
        int code;
        try {
            code = new SeedApp(Path.of(args[0]), Path.of(args[1]), Long.parseLong(args[2])).run();
        } catch (Throwable t) {
            say("SeedApp failed: " + t);
            t.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        // Exit explicitly: a task stuck past its bounded waits must not keep the JVM alive.
        System.exit(code);
    }

    int run() throws Exception {
        say("Beginning with " + TASKS + " in " + modules);
        // Created now, but a ThreadPoolExecutor starts its workers lazily, at execute/submit.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            seedScenario(pool);
        } finally {
            shutdown(pool);
        }
        queuedScenario();
        int expected = TASKS + 1;
        return passed.get() == expected && failed.get() == 0 ? 0 : 1;
    }

    private void seedScenario(ExecutorService pool) throws Exception {
        CountDownLatch allRunning = new CountDownLatch(TASKS);
        CountDownLatch finished = new CountDownLatch(TASKS);
        Thread thread = null;
        for (int i = 0; i < TASKS; i++) {
            int magic = FIRST_MAGIC + i;
            if (i > 0) {
                deploy(magic);
            }
            awaitCurrent(magic);
            Runnable body = () -> {
                try {
                    seedTask(magic, allRunning);
                } finally {
                    finished.countDown();
                }
            };
            switch (i) {
                case 0 -> {
                    thread = new Thread(body, "seed-task-" + magic);
                    thread.start();
                }
                case 1 -> pool.execute(body);
                default -> {
                    Callable<Integer> callable = () -> {
                        body.run();
                        return magic;
                    };
                    pool.submit(callable);
                }
            }
        }
        if (!finished.await(TASK_WAIT_SECONDS + 10, TimeUnit.SECONDS)) {
            fail("Scenario seed: " + finished.getCount() + " task(s) did not finish in time");
        }
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        say("Scenario seed done");
    }

    private void seedTask(int magic, CountDownLatch allRunning) {
        try {
            allRunning.countDown();
            if (!allRunning.await(TASK_WAIT_SECONDS, TimeUnit.SECONDS)) {
                fail("Task for " + magic + ": the other tasks did not start within " + TASK_WAIT_SECONDS + " s");
                return;
            }
            check("", magic, MagicModule.getMagic());
        } catch (Throwable t) {
            fail("Task for " + magic + " failed: " + t);
        }
    }

    private void queuedScenario() throws Exception {
        ExecutorService single = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch finished = new CountDownLatch(1);
            single.submit(() -> {
                try {
                    release.await(TASK_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // The seed scenario left 1002 current (deployed and, with the agent, observed).
            int magic = FIRST_MAGIC + TASKS - 1;
            single.submit(() -> {
                try {
                    check(QUEUED, magic, MagicModule.getMagic());
                } catch (Throwable t) {
                    fail("Queued task for " + magic + " failed: " + t);
                } finally {
                    finished.countDown();
                }
            });
            deploy(magic + 1);
            awaitCurrent(magic + 1);
            release.countDown();
            if (!finished.await(TASK_WAIT_SECONDS, TimeUnit.SECONDS)) {
                fail("Scenario queued: the queued task did not finish in time");
            }
        } finally {
            shutdown(single);
        }
        say("Scenario queued done");
    }

    private void check(String qualifier, int expected, int got) {
        if (got == expected) {
            passed.incrementAndGet();
            say("Passed. I have the right magic number " + expected + qualifier);
        } else {
            fail("Wrong magic number" + qualifier + ": expected " + expected + " but got " + got);
        }
    }

    /** Deploys as a user would: write under a temporary name, then rename over the old jar. */
    private void deploy(int magic) throws IOException {
        Path tmp = modules.resolve(".magic.jar.tmp");
        Files.copy(versions.resolve("magic-" + magic + ".jar"), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, modules.resolve("magic.jar"),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        say("Deployed magic-" + magic + ".jar");
    }

    /**
     * Waits, from unbound shell code, until {@code getMagic()} returns {@code magic} (the agent
     * has activated the new jar) or {@code waitMillis} passed (what happens without the agent).
     */
    private void awaitCurrent(int magic) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        int seen;
        while (true) {
            seen = MagicModule.getMagic();
            if (seen == magic || System.nanoTime() - deadline >= 0) {
                break;
            }
            Thread.sleep(POLL_MILLIS);
        }
        if (seen != magic) {
            say("Swap to " + magic + " not observed within " + waitMillis + " ms (getMagic() still returns " + seen + ")");
        }
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private void fail(String line) {
        failed.incrementAndGet();
        say(line);
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
