package matrix;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.TimerTask;

/**
 * One submission point of the JDK. {@link #submit} hands it a task body and returns what cancels it
 * (a Future, a ForkJoinTask, a TimerTask, a CompletableFuture) or null. A point that can be kept busy
 * ({@link #block}) makes the next task wait in its queue, so that it starts only after a swap.
 */
abstract class Point {
    final String name;
    /** The submitting call returns only when the task is done (invokeAll, invoke, parallel streams). */
    final boolean waitsForTask;

    Point(String name, boolean waitsForTask) {
        this.name = name;
        this.waitsForTask = waitsForTask;
    }

    /** Runs one task, so that the workers exist before the test (made under another generation). */
    void warm() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        submit(done::countDown);
        await(done);
    }

    /** Occupies the workers; the returned Runnable frees them. */
    Runnable block() throws Exception {
        return () -> { };
    }

    abstract Object submit(Runnable body) throws Exception;

    boolean cancellable() {
        return false;
    }

    /** The point hands the application's Runnable itself to the JDK (not a Callable or TimerTask made here). */
    boolean takesOwnTasks() {
        return false;
    }

    boolean cancel(Object handle) {
        if (handle instanceof Future) {
            return ((Future<?>) handle).cancel(false);
        }
        if (handle instanceof TimerTask) {
            return ((TimerTask) handle).cancel();
        }
        return false;
    }

    /** Executors kept busy now: a second point on the same pool must not queue a second blocker. */
    private static final Map<Executor, Runnable> BLOCKED = new IdentityHashMap<>();

    /** Keeps the single worker of {@code executor} busy until released; returns once the blocker runs. */
    static synchronized Runnable blockWith(Executor executor) throws InterruptedException {
        if (BLOCKED.containsKey(executor)) {
            return () -> { };
        }
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> {
            running.countDown();
            await(release);
        });
        await(running);
        Runnable unblock = () -> {
            synchronized (Point.class) {
                BLOCKED.remove(executor);
            }
            release.countDown();
        };
        BLOCKED.put(executor, unblock);
        return unblock;
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                Out.print("timeout", "latch " + Thread.currentThread().getName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
