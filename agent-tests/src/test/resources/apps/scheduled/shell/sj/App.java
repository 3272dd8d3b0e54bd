package sj;

import static itkit.Operator.*;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.concurrent.locks.LockSupport;

import javax.management.Notification;
import javax.management.ObjectName;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.PeriodicTrigger;

import sj.mod.Work;

/**
 * The child of ScheduledJobOutcomesIT: Spring's schedulers (spring-context from Maven Central, no Spring Boot) run
 * the application's task, which asks the swappable code whether its work succeeded ({@code sj.mod.Work.check()},
 * which throws nothing) and, when it did not, throws an {@code IllegalStateException}; Spring's error handler
 * catches and logs it, so the run ends normally. Prints one line per observation; every wait is bounded and a
 * timeout is a line starting "FAILED".
 * <ol>
 * <li>Generation 1 alone, each scheduler and kind of task in turn until it ran {@code RUNS} times:
 * {@code ThreadPoolTaskScheduler} at a fixed rate and with a trigger (its {@code ReschedulingRunnable}, as a cron
 * task), {@code SimpleAsyncTaskScheduler} with a trigger and at a fixed rate (each run on a thread of its own),
 * {@code ConcurrentTaskScheduler} with a fixed delay. The task cancels its schedule once it ran {@code RUNS} times;
 * once the scheduler's runs are over and it is shut down: what the task ran and what generation 1's MBean counted,
 * as differences from before.</li>
 * <li>A release that fails one run in two (DIR/bad.jar) as a 50% canary, on a {@code ThreadPoolTaskScheduler} at a
 * fixed rate, until the agent aborts it; then the same comparison over both generations.</li>
 * </ol>
 */
public final class App {
    static final int RUNS = 200;
    static final AtomicLong RAN = new AtomicLong();
    static final AtomicLong FAILED = new AtomicLong();
    static final Duration EVERY = Duration.ofMillis(1);
    static final long SETTLE_SECONDS = 10;

    /** The task's schedule in the running phase: cancelled once it ran {@code RUNS} times. */
    static final AtomicReference<ScheduledFuture<?>> FUTURE = new AtomicReference<>();
    static volatile boolean stopAtRuns;

    /** The application's scheduled task. */
    static void run() {
        if (RAN.incrementAndGet() >= RUNS && stopAtRuns) {
            cancel();
        }
        if (!Work.check()) {
            FAILED.incrementAndGet();
            throw new IllegalStateException("the work failed");
        }
    }

    static void cancel() {
        ScheduledFuture<?> future = FUTURE.get();
        if (future != null) {
            future.cancel(false);
        }
    }

    /** A scheduler, and how to wait for its runs to end and shut it down. */
    record Scheduler(TaskScheduler scheduler, AutoCloseable shutdown) {
    }

    public static void main(String[] args) throws Exception {
        start(args);
        phase("pool-fixed-rate", pool(), s -> s.scheduleAtFixedRate(App::run, EVERY));
        phase("pool-trigger", pool(), s -> s.schedule(App::run, new PeriodicTrigger(EVERY)));
        phase("async-trigger", simpleAsync(), s -> s.schedule(App::run, new PeriodicTrigger(EVERY)));
        phase("async-fixed-rate", simpleAsync(), s -> s.scheduleAtFixedRate(App::run, EVERY));
        phase("concurrent-fixed-delay", concurrent(), s -> s.scheduleWithFixedDelay(App::run, EVERY));
        bad();
        say("done");
        System.exit(0);
    }

    static Scheduler pool() {
        ThreadPoolTaskScheduler pool = new ThreadPoolTaskScheduler();
        pool.setPoolSize(2);
        pool.setWaitForTasksToCompleteOnShutdown(true);
        pool.setAwaitTerminationSeconds((int) WAIT_SECONDS);
        pool.initialize();
        return new Scheduler(pool, pool::shutdown);
    }

    /**
     * Runs each run on a thread of its own, handed on by the scheduler's thread, which may hand on one more as the
     * schedule is cancelled: the decorator of what it hands on cancels the schedule at the {@code RUNS}-th, on the
     * scheduler's thread, so that no run comes after, and counts the runs whose thread is done with them.
     */
    static Scheduler simpleAsync() {
        AtomicLong handedOn = new AtomicLong();
        AtomicLong done = new AtomicLong();
        SimpleAsyncTaskScheduler async = new SimpleAsyncTaskScheduler();
        async.setTaskDecorator(run -> {
            if (handedOn.incrementAndGet() >= RUNS) {
                cancel();
            }
            return () -> {
                try {
                    run.run();
                } finally {
                    done.incrementAndGet();
                }
            };
        });
        return new Scheduler(async, () -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (done.get() < handedOn.get() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            async.close();
        });
    }

    static Scheduler concurrent() {
        ScheduledExecutorService executor = new ScheduledThreadPoolExecutor(1);
        return new Scheduler(new ConcurrentTaskScheduler(executor), () -> {
            executor.shutdown();
            executor.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
        });
    }

    /** Runs the task on {@code scheduler} {@code RUNS} times or more, stops it, and says what ran and was counted. */
    static void phase(String name, Scheduler scheduler, Function<TaskScheduler, ScheduledFuture<?>> schedule)
            throws Exception {
        long[] before = counts(1);
        RAN.set(0);
        FAILED.set(0);
        stopAtRuns = true;
        ScheduledFuture<?> future = schedule.apply(scheduler.scheduler());
        FUTURE.set(future);
        if (RAN.get() >= RUNS) {
            cancel();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!future.isCancelled() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (!future.isCancelled()) {
            say("FAILED " + name + " ran " + RAN.get() + " of " + RUNS + " within " + WAIT_SECONDS + " s");
        }
        stop(future, scheduler);
        long[] after = awaitCounted(new int[] {1}, before, RAN.get());
        say(name + " ran " + RAN.get() + " failed " + FAILED.get() + " counted jobs " + (after[0] - before[0])
                + " failed " + (after[1] - before[1]) + " tasksFailed " + (after[2] - before[2])
                + " thrown " + (after[3] - before[3]));
    }

    static void bad() throws Exception {
        long[] before1 = counts(1);
        RAN.set(0);
        FAILED.set(0);
        stopAtRuns = false;
        int canary = canary("bad.jar");
        say("bad canary " + canary);
        Scheduler scheduler = pool();
        ScheduledFuture<?> future = scheduler.scheduler().scheduleAtFixedRate(App::run, EVERY);
        Notification abort = poll("io.modulets.canary.abort", WAIT_SECONDS);
        stop(future, scheduler);
        say("bad notification "
                + (abort == null ? "FAILED none" : abort.getMessage() + " data " + abort.getUserData()));
        say("bad canary now " + SERVER.getAttribute(MANAGER, "Canary") + " current "
                + SERVER.getAttribute(MANAGER, "CurrentGeneration"));
        long[] sum = awaitCounted(new int[] {1, canary}, new long[] {before1[0], before1[1], before1[2], before1[3]},
                RAN.get());
        long[] on1 = counts(1);
        long[] onCanary = counts(canary);
        say("bad ran " + RAN.get() + " failed " + FAILED.get() + " counted jobs " + (sum[0] - before1[0])
                + " failed " + (sum[1] - before1[1]) + " tasksFailed " + (sum[2] - before1[2])
                + " thrown " + (sum[3] - before1[3]));
        say("bad generation 1 jobs " + (on1[0] - before1[0]) + " failed " + (on1[1] - before1[1]));
        say("bad generation " + canary + " jobs " + onCanary[0] + " failed " + onCanary[1] + " tasksFailed "
                + onCanary[2] + " thrown " + onCanary[3] + " classes "
                + Arrays.toString((String[]) SERVER.getAttribute(generation(canary), "JobExceptions")));
    }

    static void stop(ScheduledFuture<?> future, Scheduler scheduler) throws Exception {
        future.cancel(false);
        scheduler.shutdown().close();
    }

    /**
     * The sum of the generations' counts once they counted {@code ran} job runs: a run is counted as it ends, after
     * the task returned, so the last may still be counting when the scheduler's shutdown returns. Bounded; a count
     * above {@code ran} is not waited for, nor one that stays below (a run not counted) for long.
     */
    static long[] awaitCounted(int[] generations, long[] before, long ran) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        long[] sum = sum(generations);
        while (sum[0] - before[0] < ran && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            sum = sum(generations);
        }
        return sum;
    }

    static long[] sum(int[] generations) throws Exception {
        long[] sum = new long[4];
        for (int generation : generations) {
            long[] counts = counts(generation);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += counts[i];
            }
        }
        return sum;
    }

    /** A generation's job runs, failed job runs, failed task runs and exceptions thrown, as its MBean shows them. */
    static long[] counts(int generation) throws Exception {
        ObjectName name = generation(generation);
        return new long[] {(Long) SERVER.getAttribute(name, "JobRuns"), (Long) SERVER.getAttribute(name, "JobRunsFailed"),
            (Long) SERVER.getAttribute(name, "TasksFailed"), (Long) SERVER.getAttribute(name, "ExceptionsThrown")};
    }
}
