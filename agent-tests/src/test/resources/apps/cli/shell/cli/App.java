package cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import cli.mod.Magic;

/**
 * Shell program for CliIT: a server the CLI operates from outside. It reads commands on stdin,
 * one per line, and answers on stdout:
 * <ul>
 * <li>{@code task}: runs a root task on the pool that prints {@code TASK n magic=M}, where M is
 *     what the swappable {@code cli.mod.Magic.get()} returns in the task's generation;</li>
 * <li>{@code hold}: submits a task that waits until {@code release}, then prints
 *     {@code HELD n magic=M}; prints {@code HOLDING n} once it runs;</li>
 * <li>{@code release}: releases the held tasks and waits for them.</li>
 * </ul>
 * It prints {@code READY pid} once it can be operated: with the agent, once the agent's MBeans
 * are registered (the agent registers them on its own thread, after premain). It ends at the end
 * of stdin.
 */
public final class App {
    public static void main(String[] args) throws Exception {
        if (System.getProperty("io.modulets.agent") != null) {
            awaitManager();
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<?>> held = new ArrayList<>();
        int n = 0;
        System.out.println("READY " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            int id = ++n;
            switch (line.strip()) {
                case "task" -> pool.submit(() -> System.out.println("TASK " + id + " magic=" + Magic.get())).get(30, TimeUnit.SECONDS);
                case "hold" -> {
                    CountDownLatch running = new CountDownLatch(1);
                    held.add(pool.submit(() -> {
                        running.countDown();
                        await(release);
                        System.out.println("HELD " + id + " magic=" + Magic.get());
                    }));
                    if (!running.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the held task did not start");
                    }
                    System.out.println("HOLDING " + id);
                }
                case "release" -> {
                    release.countDown();
                    for (Future<?> f : held) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                    System.out.println("RELEASED");
                }
                default -> System.out.println("UNKNOWN " + line);
            }
        }
        pool.shutdownNow();
    }

    private static void awaitManager() throws Exception {
        ObjectName manager = new ObjectName("io.modulets:type=Manager");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ManagementFactory.getPlatformMBeanServer().isRegistered(manager)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the agent did not register " + manager + " within 30 s");
            }
            Thread.sleep(10); // polling a condition, bounded by the deadline
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
