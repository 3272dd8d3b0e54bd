package ro;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import ro.mod.Work;

/**
 * The child of RolloutIT: a server with a steady flow of root tasks (about one a millisecond, at most 16
 * in flight), each calling the swappable {@code ro.mod.Work.run()}, which returns its version or throws.
 * Root tasks are submitted by the main thread, which runs no task. Commands on stdin, one per line, are
 * answered on stdout:
 * <ul>
 * <li>{@code pause} / {@code resume}: stops and restarts the flow ({@code PAUSED}, {@code RESUMED});</li>
 * <li>{@code state}: {@code STATE current=C canary=K generations=N version=V}: the agent's current generation,
 *     its canary (0 for none) and how many generations it has had, read from its MBean, and what a new root
 *     task's {@code Work.run()} returns (or {@code failed});</li>
 * </ul>
 * With the argument {@code extra} it also uses {@code ro.mod.Extra} from shell code, so that a generation
 * without that class fails this JVM's link check and no other's. It prints {@code READY pid} once the agent's
 * MBean is registered, and ends at the end of stdin.
 */
public final class App {
    public static void main(String[] args) throws Exception {
        ObjectName manager = new ObjectName("io.modulets:type=Manager");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.isRegistered(manager)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the agent did not register " + manager + " within 30 s");
            }
            Thread.sleep(10); // polling a condition, bounded by the deadline
        }
        if (args.length > 0 && args[0].equals("extra")) {
            UsesExtra.touch();
        }
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> { }); // a failing version's tasks: counted by the agent
        BlockingQueue<String> commands = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    commands.add(line.strip());
                }
            } catch (java.io.IOException ignored) {
                // stdin gone: end as at its end
            }
            commands.add("exit");
        }, "stdin");
        reader.setDaemon(true);
        reader.start();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Semaphore inFlight = new Semaphore(16);
        boolean flowing = true;
        System.out.println("READY " + ProcessHandle.current().pid());
        while (true) {
            String command = commands.poll();
            if (command != null) {
                switch (command) {
                    case "exit" -> {
                        pool.shutdownNow();
                        System.exit(0);
                    }
                    case "pause" -> {
                        flowing = false;
                        System.out.println("PAUSED");
                    }
                    case "resume" -> {
                        flowing = true;
                        System.out.println("RESUMED");
                    }
                    case "state" -> System.out.println(state(server, manager, pool));
                    default -> System.out.println("UNKNOWN " + command);
                }
            }
            if (flowing && inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
                pool.execute(() -> {
                    try {
                        Work.run();
                    } finally {
                        inFlight.release();
                    }
                });
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the pace of the flow, about 1000 tasks/s
        }
    }

    private static String state(MBeanServer server, ObjectName manager, ExecutorService pool) throws Exception {
        int current = (Integer) server.getAttribute(manager, "CurrentGeneration");
        int canary = (Integer) server.getAttribute(manager, "Canary");
        int generations = ((CompositeData[]) server.getAttribute(manager, "Generations")).length;
        Future<String> version = pool.submit(() -> {
            try {
                return Integer.toString(Work.run());
            } catch (RuntimeException e) {
                return "failed";
            }
        });
        return "STATE current=" + current + " canary=" + canary + " generations=" + generations
                + " version=" + version.get(30, TimeUnit.SECONDS);
    }
}
