package sv;

import java.util.Properties;

import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/** A Quartz scheduler with a RAM store; "job ID" schedules a job that runs now. */
public final class QuartzApp {
    /** The job: Quartz makes one per run, on its scheduler thread, and runs it on a worker. */
    public static final class Work implements Job {
        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            String id = context.getMergedJobDataMap().getString("id");
            try {
                System.out.println("done " + id + " " + Gates.serve(id));
            } catch (InterruptedException e) {
                throw new JobExecutionException(e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.instanceName", "servers-it");
        properties.setProperty("org.quartz.threadPool.threadCount", "4");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        Scheduler scheduler = new StdSchedulerFactory(properties).getScheduler();
        scheduler.start();
        System.out.println("ready 0");
        Gates.commands(line -> {
            if (line.startsWith("job ")) {
                String id = line.substring("job ".length());
                try {
                    scheduler.scheduleJob(JobBuilder.newJob(Work.class).withIdentity(id).usingJobData("id", id).build(),
                            TriggerBuilder.newTrigger().startNow().build());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        scheduler.shutdown(true);
    }
}
