package cq;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
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
    static final long WAIT_SECONDS = 60;
    static final int JOBS = 2_000;
    static final int BATCH = 20;
    static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    static final BlockingQueue<Notification> NOTIFICATIONS = new LinkedBlockingQueue<>();
    static final AtomicLong FAILED = new AtomicLong();
    static volatile CountDownLatch batch;
    static ObjectName manager;
    static Scheduler scheduler;
    static Path dir;
    static Path modules;
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
        dir = Path.of(args[0]);
        modules = Path.of(args[1]);
        awaitManager();
        SERVER.addNotificationListener(manager, (n, handback) -> NOTIFICATIONS.add(n), null, null);
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
        say("good canary now " + SERVER.getAttribute(manager, "Canary"));
        say("good " + outcomes(1));
        say("good " + outcomes(canary));
        say("good promoted " + SERVER.invoke(manager, "promote", new Object[0], new String[0]));
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
        say("bad canary now " + SERVER.getAttribute(manager, "Canary") + " current "
                + SERVER.getAttribute(manager, "CurrentGeneration"));
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

    static int canary(String jar) throws Exception {
        Path temp = modules.resolve(".mod.jar.tmp");
        Files.copy(dir.resolve(jar), temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, modules.resolve("mod.jar"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Notification start = poll("io.modulets.canary.start", WAIT_SECONDS);
        if (start == null) {
            say("FAILED no canary started for " + jar);
            throw new IllegalStateException("no canary");
        }
        say("canary started " + start.getMessage());
        return (Integer) SERVER.getAttribute(manager, "Canary");
    }

    /** A generation's job outcomes as its MBean shows them. */
    static String outcomes(int generation) throws Exception {
        ObjectName name = new ObjectName("io.modulets:type=Generation,id=" + generation);
        return "generation " + generation + " jobs " + SERVER.getAttribute(name, "JobRuns")
                + " failed " + SERVER.getAttribute(name, "JobRunsFailed")
                + " tasksFailed " + SERVER.getAttribute(name, "TasksFailed")
                + " thrown " + SERVER.getAttribute(name, "ExceptionsThrown")
                + " classes " + Arrays.toString((String[]) SERVER.getAttribute(name, "JobExceptions"));
    }

    static Notification poll(String type, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Notification n = NOTIFICATIONS.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (n == null || n.getType().equals(type)) {
                return n;
            }
        }
    }

    static void awaitManager() throws Exception {
        manager = new ObjectName("io.modulets:type=Manager");
        BlockingQueue<Notification> registrations = new LinkedBlockingQueue<>();
        SERVER.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, (n, h) -> registrations.add(n), null, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!SERVER.isRegistered(manager)) {
            if (registrations.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) == null) {
                throw new IllegalStateException("FAILED the manager MBean was not registered");
            }
        }
    }

    static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
