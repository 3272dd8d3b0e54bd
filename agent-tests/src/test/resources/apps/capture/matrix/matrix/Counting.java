package matrix;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import capture.mod.Magic;

/**
 * DESIGN §2.7, each way a task ends or never runs: on a thread bound to the current generation, the
 * generation's live count goes up with each submission and back to where it was once the task ended
 * or will never run. Prints "ends/WAY ok" or what it found.
 */
final class Counting {
    private static ClassLoader generation;
    private static long baseline;

    private Counting() {
    }

    static void run() throws Exception {
        Thread counter = new Thread(() -> {
            generation = Magic.class.getClassLoader();
            baseline = 1; // this thread; wait for what earlier steps left running to end
            try {
                check("before", 0);
                ways();
            } catch (Exception e) {
                Out.put("ends/failed", e);
            }
        }, "counting");
        counter.start();
        counter.join(120_000);
    }

    /**
     * Waits, bounded, until the count is this thread plus the {@code running} blockers that keep pools
     * busy (collecting dropped tasks on the way).
     */
    private static void check(String way, int running) throws InterruptedException {
        long expected = baseline + running;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // collections: slow on a loaded machine
        while (Gens.live(generation) != expected && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        long live = Gens.live(generation);
        Out.put("ends/" + way, live == expected ? "ok" : "live=" + live + " expected=" + expected + " pending: "
                + io.modulets.bootstrap.TestSeams.describePending());
    }

    /** 25+: ForkJoinPool's delayed tasks (by reflection: the shell is compiled for 17). */
    private static void delayedForkJoinTasks() throws Exception {
        ForkJoinPool delaying = new ForkJoinPool(1);
        Method schedule = ForkJoinPool.class.getMethod("schedule", Runnable.class, long.class, TimeUnit.class);
        Method fixedRate = ForkJoinPool.class.getMethod("scheduleAtFixedRate", Runnable.class, long.class, long.class,
                TimeUnit.class);
        Method fixedDelay = ForkJoinPool.class.getMethod("scheduleWithFixedDelay", Runnable.class, long.class,
                long.class, TimeUnit.class);
        Runnable nothing = () -> { };
        ((Future<?>) schedule.invoke(delaying, nothing, 1L, TimeUnit.HOURS)).cancel(false);
        check("fjp-scheduled-cancelled", 0);
        CountDownLatch runs = new CountDownLatch(3);
        Runnable countDown = runs::countDown;
        Future<?> periodic = (Future<?>) fixedRate.invoke(delaying, countDown, 0L, 1L, TimeUnit.MILLISECONDS);
        Point.await(runs);
        periodic.cancel(false);
        check("fjp-periodic-cancelled", 0);
        Runnable fails = () -> {
            throw new IllegalStateException("thrown on purpose");
        };
        Future<?> failing = (Future<?>) fixedDelay.invoke(delaying, fails, 0L, 1L, TimeUnit.MILLISECONDS);
        try {
            failing.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // a periodic task that throws is not run again
        }
        check("fjp-periodic-threw", 0);
        schedule.invoke(delaying, nothing, 1L, TimeUnit.HOURS);
        delaying.shutdownNow(); // cancels its delayed tasks without cancel()
        check("fjp-scheduled-shutdownNow", 0);
    }

    private static ThreadPoolExecutor pool(int queue, RejectedExecutionHandler handler) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue), handler);
    }

    private static void ways() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        pool.submit(() -> { }).get();
        check("completed", 0);

        try {
            pool.submit(() -> {
                throw new IllegalStateException("thrown on purpose");
            }).get();
        } catch (ExecutionException expected) {
            // thrown
        }
        check("threw", 0);

        Runnable release = Point.blockWith(pool);
        Future<?> cancelled = pool.submit(() -> { });
        cancelled.cancel(false);
        check("cancelled-in-queue", 1);
        Runnable removedTask = () -> { };
        pool.execute(removedTask);
        pool.remove(removedTask);
        check("removed", 1);
        Runnable twice = () -> { };
        pool.execute(twice);
        pool.execute(twice); // the same instance twice: two submissions, two releases
        release.run();
        CountDownLatch drained = new CountDownLatch(1);
        pool.execute(drained::countDown);
        Point.await(drained);
        check("same-instance-twice", 0);
        release = Point.blockWith(pool);
        pool.execute(() -> { });
        pool.submit(() -> { });
        List<Runnable> never = pool.shutdownNow();
        Out.put("ends/shutdownNow-returned", never.size());
        release.run();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        check("shutdownNow", 0);

        ThreadPoolExecutor abort = pool(0, new ThreadPoolExecutor.AbortPolicy());
        Runnable busy = Point.blockWith(abort);
        try {
            abort.execute(() -> { });
        } catch (RejectedExecutionException expected) {
            // rejected
        }
        check("rejected-abort", 1);
        ThreadPoolExecutor discard = pool(0, new ThreadPoolExecutor.DiscardPolicy());
        Runnable busyDiscard = Point.blockWith(discard);
        discard.execute(() -> { });
        check("rejected-discard", 2);
        ThreadPoolExecutor oldest = pool(1, new ThreadPoolExecutor.DiscardOldestPolicy());
        Runnable busyOldest = Point.blockWith(oldest);
        oldest.execute(() -> { });
        oldest.execute(() -> { }); // drops the first from the queue: it will never run
        busyOldest.run();
        CountDownLatch oldestDrained = new CountDownLatch(1);
        oldest.execute(oldestDrained::countDown);
        Point.await(oldestDrained);
        check("rejected-discard-oldest", 2);
        ThreadPoolExecutor callerRuns = pool(0, new ThreadPoolExecutor.CallerRunsPolicy());
        Runnable busyCaller = Point.blockWith(callerRuns);
        String[] sawOnCaller = {null};
        callerRuns.execute(() -> sawOnCaller[0] = Matrix.seen());
        Out.put("ends/caller-runs-saw", sawOnCaller[0] + " expected=" + Magic.magic());
        check("rejected-caller-runs", 3);
        busy.run();
        busyDiscard.run();
        busyCaller.run();
        for (ThreadPoolExecutor p : List.of(abort, discard, oldest, callerRuns)) {
            p.shutdown();
            p.awaitTermination(10, TimeUnit.SECONDS);
        }

        ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(1);
        ScheduledFuture<?> delayed = scheduled.schedule(() -> { }, 1, TimeUnit.HOURS);
        delayed.cancel(false);
        check("scheduled-cancelled", 0);
        CountDownLatch runs = new CountDownLatch(3);
        ScheduledFuture<?> periodic = scheduled.scheduleAtFixedRate(runs::countDown, 0, 1, TimeUnit.MILLISECONDS);
        Point.await(runs);
        periodic.cancel(false);
        check("periodic-cancelled", 0);
        ScheduledFuture<?> failing = scheduled.scheduleWithFixedDelay(() -> {
            throw new IllegalStateException("thrown on purpose");
        }, 0, 1, TimeUnit.MILLISECONDS);
        try {
            failing.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // a periodic task that throws is not run again
        }
        check("periodic-threw", 0);
        scheduled.schedule(() -> { }, 1, TimeUnit.HOURS);
        scheduled.shutdownNow();
        check("scheduled-shutdownNow", 0);

        ForkJoinPool forkJoin = new ForkJoinPool(1);
        Runnable busyForkJoin = Point.blockWith(forkJoin);
        ForkJoinTask<?> forked = forkJoin.submit(() -> { });
        forked.cancel(false);
        check("forkjoin-cancelled", 1);
        busyForkJoin.run();
        forkJoin.submit(() -> { }).get();
        check("forkjoin-completed", 0);
        forkJoin.shutdown();
        if (Runtime.version().feature() >= 25) {
            delayedForkJoinTasks();
        }

        Timer timer = new Timer(true);
        TimerTask once = Points.timerTask(() -> { });
        timer.schedule(once, TimeUnit.HOURS.toMillis(1));
        once.cancel();
        check("timer-cancelled", 0);
        timer.schedule(Points.timerTask(() -> { }), TimeUnit.HOURS.toMillis(1));
        timer.cancel(); // drops its queue: the task is collected, then released
        check("timer-dropped-with-queue", 0);

        Thread thread = new Thread(() -> { });
        thread.start();
        thread.join();
        check("thread-ended", 0);
        Thread neverStarted = new Thread(() -> { });
        check("thread-never-started", 0);
    }
}
