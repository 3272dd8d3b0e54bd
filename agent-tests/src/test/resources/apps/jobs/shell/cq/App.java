package cq;

import static itkit.Operator.*;

import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.Notification;
import javax.management.ObjectName;

import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

import cq.mod.Work;

/**
 * The child of JobOutcomesIT: a Quartz 2 scheduler (RAM store, four workers) whose job asks the swappable code
 * whether its work succeeded ({@code cq.mod.Work.check()}, which throws nothing) and, when it did not, throws a
 * {@code JobExecutionException}, as a job reports a failure to Quartz; Quartz's job shell catches it, so no task
 * fails. Drives the agent through its own platform MBean server and prints one line per observation; every wait
 * is bounded and a timeout is a line starting "FAILED". Releases are deployed through the modules directory with
 * {@code canary=50%} in the agent arguments.
 * <ol>
 * <li>A good release (DIR/good.jar) that fails one run in ten, as generation 1 does, runs as a 50% canary for
 * {@code JOBS} job runs and is not aborted; the operator promotes it.</li>
 * <li>A release that fails one run in two (DIR/bad.jar) runs as a 50% canary beside it until the agent aborts it.</li>
 * </ol>
 */
public final class App {
    static final int JOBS = 2_000;
    static final int BATCH = 20;
    static final AtomicLong FAILED = new AtomicLong();
    static volatile CountDownLatch batch;
    static Scheduler scheduler;
    static long scheduled;

    /** The job: Quartz makes one per run, on its scheduler thread, and runs it on a worker. */
    public static final class Run implements Job {
        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            if (!Work.check()) {
                FAILED.incrementAndGet();
                throw new JobExecutionException("the work failed");
            }
        }
    }

    /**
     * Told by Quartz's job shell after each run, with the exception it caught (after the agent counted the run's
     * outcome, which it does as the shell calls its listeners): a batch is over when each of its runs was told.
     */
    static final class Ran extends org.quartz.listeners.JobListenerSupport {
        @Override
        public String getName() {
            return "ran";
        }

        @Override
        public void jobWasExecuted(JobExecutionContext context, JobExecutionException failure) {
            batch.countDown();
        }
    }

    public static void main(String[] args) throws Exception {
        start(args);
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.instanceName", "job-outcomes");
        properties.setProperty("org.quartz.threadPool.threadCount", "4");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        scheduler = new StdSchedulerFactory(properties).getScheduler();
        scheduler.getListenerManager().addJobListener(new Ran());
        scheduler.start();
        good();
        bad();
        scheduler.shutdown(true);
        say("done");
    }

    static void good() throws Exception {
        int canary = canary("good.jar");
        say("good canary " + canary);
        long failedBefore = FAILED.get();
        Notification abort = null;
        for (int done = 0; done < JOBS && abort == null; done += BATCH) {
            batch();
            abort = poll("io.modulets.canary.abort", 0);
        }
        if (abort == null) {
            // The watch judged it every 100 ms while the jobs ran; this gives it a last look at the final counts.
            abort = poll("io.modulets.canary.abort", 1);
        }
        say("good failed " + (FAILED.get() - failedBefore));
        say("good aborted " + (abort == null ? "no" : abort.getMessage()));
        say("good canary now " + SERVER.getAttribute(MANAGER, "Canary"));
        say("good " + outcomes(1));
        say("good " + outcomes(canary));
        say("good promoted " + SERVER.invoke(MANAGER, "promote", new Object[0], new String[0]));
    }

    static void bad() throws Exception {
        int canary = canary("bad.jar");
        say("bad canary " + canary);
        long failedBefore = FAILED.get();
        Notification abort = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (abort == null && System.nanoTime() < deadline) {
            batch();
            abort = poll("io.modulets.canary.abort", 0);
        }
        say("bad notification "
                + (abort == null ? "FAILED none" : abort.getMessage() + " data " + abort.getUserData()));
        say("bad failed " + (FAILED.get() - failedBefore));
        say("bad canary now " + SERVER.getAttribute(MANAGER, "Canary") + " current "
                + SERVER.getAttribute(MANAGER, "CurrentGeneration"));
        say("bad " + outcomes(canary));
        say("bad " + outcomes(2));
    }

    /** {@code BATCH} jobs that run now; waits until each has run and its outcome was counted. */
    static void batch() throws Exception {
        CountDownLatch done = new CountDownLatch(BATCH);
        batch = done;
        for (int i = 0; i < BATCH; i++) {
            String id = "job-" + scheduled++;
            scheduler.scheduleJob(JobBuilder.newJob(Run.class).withIdentity(id).build(),
                    TriggerBuilder.newTrigger().withIdentity(id).startNow().build());
        }
        if (!done.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            say("FAILED a batch did not run within " + WAIT_SECONDS + " s");
            throw new IllegalStateException("timeout");
        }
    }

    /** A generation's job outcomes as its MBean shows them. */
    static String outcomes(int generation) throws Exception {
        ObjectName name = generation(generation);
        return "generation " + generation + " jobs " + SERVER.getAttribute(name, "JobRuns")
                + " failed " + SERVER.getAttribute(name, "JobRunsFailed")
                + " tasksFailed " + SERVER.getAttribute(name, "TasksFailed")
                + " thrown " + SERVER.getAttribute(name, "ExceptionsThrown")
                + " classes " + Arrays.toString((String[]) SERVER.getAttribute(name, "JobExceptions"));
    }

}
