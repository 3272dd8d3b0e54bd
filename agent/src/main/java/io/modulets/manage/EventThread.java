package io.modulets.manage;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.ThreadHooks;
import io.modulets.config.Log;

/**
 * The one thread on which the manage package works: registering MBeans, sending notifications,
 * committing JFR events. The registry tells of transitions under its lock on whatever thread made
 * them (a task's thread for a retirement); they are queued here so that no task waits for JMX,
 * and so that the platform MBean server (tens of milliseconds to start) is not on premain's path.
 *
 * <p>Started from the agent's startup, never bound: a thread started later from a task's thread
 * would keep that task's generation (its context class loader, on JDK 17 its access control context).
 */
final class EventThread implements Runnable {
    private final BlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
    /** Opened when premain is done: the jobs (MBean server, JFR) then compete with main, not premain. */
    private final CountDownLatch started = new CountDownLatch(1);
    /** A job that waits for its time ({@link #later}), and when; only the manage thread reads and writes them. */
    private Runnable later;
    private long laterDue;

    static EventThread start() {
        EventThread events = new EventThread();
        Thread thread = ThreadHooks.agentThread(events, "modulets-manage");
        thread.setContextClassLoader(null);
        thread.start();
        return events;
    }

    /** Lets the thread run its jobs; until then they queue. */
    void open() {
        started.countDown();
    }

    /** Runs {@code job} later on the manage thread, after everything queued before it. */
    void submit(Runnable job) {
        work.add(job);
    }

    /**
     * Runs {@code job} on the manage thread once {@code delayMillis} have passed, between the other
     * jobs. One such job at a time; called on the manage thread.
     */
    void later(Runnable job, long delayMillis) {
        laterDue = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        later = job;
    }

    @Override
    public void run() {
        try {
            started.await();
        } catch (InterruptedException stop) {
            return;
        }
        while (true) {
            Runnable job;
            try {
                job = next();
            } catch (InterruptedException stop) {
                return;
            }
            try {
                job.run();
            } catch (RuntimeException | LinkageError e) {
                Log.warn("manage: %s", e);
            } catch (Throwable e) {
                // an Error of one job (out of memory): the next notification may well go through
                Log.error("manage: %s; JMX notifications and JFR events go on", Log.oneLine(e));
            }
        }
    }

    /** The next queued job, or the {@link #later} one once it is due. */
    private Runnable next() throws InterruptedException {
        if (later == null) {
            // a timed poll, not take(): take's untimed Condition wait loads ForkJoinPool (see ModulesWatcher.next)
            Runnable job;
            while ((job = work.poll(1, TimeUnit.DAYS)) == null) {
                // a day without a job: wait again
            }
            return job;
        }
        long wait = laterDue - System.nanoTime();
        Runnable job = wait > 0 ? work.poll(wait, TimeUnit.NANOSECONDS) : null;
        if (job == null) {
            job = later;
            later = null;
        }
        return job;
    }
}
