package capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import capture.mod.Magic;
import capture.mod.OwnTask;

/**
 * Shell program for CaptureIT: exercises the binding rules of DESIGN §2.1 at Thread.start and
 * ThreadPoolExecutor execute/submit, and prints one "key value" line per observation.
 * Args: versionsDir modulesDir.
 */
public final class App {
    static final CountDownLatch release = new CountDownLatch(1);

    public static void main(String[] args) throws Exception {
        Path versions = Path.of(args[0]);
        Path modules = Path.of(args[1]);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
            @Override
            protected void beforeExecute(Thread worker, Runnable task) {
                // Runs on the worker outside any task: unbound, so it sees the current generation.
                Probe.print("between-tasks", Magic.magic() + " system-context="
                        + (worker.getContextClassLoader() == ClassLoader.getSystemClassLoader()));
            }
        };
        pool.submit(() -> { }).get(); // the worker exists before anything is tested

        OwnTask own = new OwnTask("own-class-pool");
        OwnTask ownThread = new OwnTask("own-class-thread");
        Thread parent = new Thread(() -> {
            await(release);
            Thread child = new Thread(() -> Probe.print("child-thread", Magic.magic()));
            child.start();
            join(child);
            try {
                pool.submit(() -> Probe.print("child-pool", Magic.magic())).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                Probe.print("child-pool", "failed " + e);
            }
            Probe.print("parent-context-is-its-generation",
                    Thread.currentThread().getContextClassLoader() == Magic.class.getClassLoader());
        });
        parent.start();
        try {
            pool.submit(() -> {
                throw new IllegalStateException("thrown on purpose");
            }).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            Probe.print("failing-task", "threw");
        }

        deploy(versions.resolve("magic-1001.jar"), modules);
        awaitCurrent(1001);
        release.countDown();
        join(parent);

        pool.submit(own).get(10, TimeUnit.SECONDS);
        Thread ownStarted = new Thread(ownThread);
        ownStarted.start();
        join(ownStarted);
        pool.submit(() -> Probe.print("root-after-swap", Magic.magic() + " context-is-its-generation="
                + (Thread.currentThread().getContextClassLoader() == Magic.class.getClassLoader())))
                .get(10, TimeUnit.SECONDS);
        Probe.print("main", Magic.magic());
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        Probe.print("done", "");
    }

    static void deploy(Path jar, Path modules) throws Exception {
        Path temp = modules.resolve(".magic.jar.tmp");
        Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, modules.resolve("magic.jar"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Unbound main sees the current generation at each call: poll until the swap is visible. */
    static void awaitCurrent(int magic) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Magic.magic() != magic) {
            if (System.nanoTime() > deadline) {
                Probe.print("swap-not-seen", magic);
                System.exit(3);
            }
            Thread.sleep(5);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                Probe.print("timeout", "latch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void join(Thread thread) {
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
