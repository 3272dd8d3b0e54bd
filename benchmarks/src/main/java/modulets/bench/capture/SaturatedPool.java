package modulets.bench.capture;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A one-thread pool kept busy until {@link #close()}: its CallerRunsPolicy runs every task given to
 * {@link #execute} on the submitting thread (capture, the rejection hook, bind, run, release, with no
 * hand-off to measure).
 */
final class SaturatedPool implements AutoCloseable {
    private final CountDownLatch release = new CountDownLatch(1);
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new ThreadPoolExecutor.CallerRunsPolicy());

    /** Returns once the pool's one thread is busy. */
    SaturatedPool() throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        pool.execute(() -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        busy.await();
    }

    void execute(Runnable task) {
        pool.execute(task);
    }

    @Override
    public void close() {
        release.countDown();
        pool.shutdown();
    }
}
