package sv.jobs;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import sv.Gates;

/**
 * A Spring Boot 4 application that runs jobs with Boot's own task scheduler and executor (in a package of
 * its own, out of SpringApp's component scan): "job KIND ID" hands job ID to the next run of an
 * {@code @Scheduled} method of that kind (fixed-delay, every 20 ms; cron, every second) or calls an
 * {@code @Async} method (async). Two methods of each scheduled kind poll the same queue, so that one run
 * can hold while the other goes on. The first argument "virtual" turns on virtual threads (Boot then
 * schedules with a SimpleAsyncTaskScheduler, which runs each cron run on a thread of its own, and executes
 * {@code @Async} calls on a new virtual thread each).
 */
@SpringBootApplication
@EnableScheduling
@EnableAsync
public class SpringJobsApp {
    private static final Map<String, BlockingQueue<String>> QUEUES = Map.of(
            "fixed-delay", new LinkedBlockingQueue<>(), "cron", new LinkedBlockingQueue<>());

    /** The jobs: a bean, so that Spring's proxy runs its {@code @Async} method on the executor. */
    @Component
    public static class Jobs {
        @Scheduled(fixedDelay = 20)
        public void fixedDelayOne() {
            poll("fixed-delay");
        }

        @Scheduled(fixedDelay = 20)
        public void fixedDelayTwo() {
            poll("fixed-delay");
        }

        @Scheduled(cron = "* * * * * *")
        public void cronOne() {
            poll("cron");
        }

        @Scheduled(cron = "* * * * * *")
        public void cronTwo() {
            poll("cron");
        }

        @Async
        public void async(String id) {
            run(id);
        }

        private static void poll(String kind) {
            String id = QUEUES.get(kind).poll();
            if (id != null) {
                run(id);
            }
        }

        private static void run(String id) {
            try {
                System.out.println("done " + id + " " + Gates.serve(id));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        boolean virtual = args.length > 0 && args[0].equals("virtual");
        ConfigurableApplicationContext context = SpringApplication.run(SpringJobsApp.class,
                "--spring.main.web-application-type=none", "--spring.main.banner-mode=off",
                "--logging.level.root=warn", "--logging.level.io.modulets=info", "--spring.task.scheduling.pool.size=4",
                "--spring.threads.virtual.enabled=" + virtual);
        Jobs jobs = context.getBean(Jobs.class);
        System.out.println("ready 0");
        Gates.commands(line -> {
            String[] job = line.split(" ");
            if (job.length == 3 && job[0].equals("job")) {
                if (job[1].equals("async")) {
                    jobs.async(job[2]);
                } else {
                    QUEUES.get(job[1]).add(job[2]);
                }
            }
        });
        context.close();
    }
}
