package itkit;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MalformedObjectNameException;
import javax.management.Notification;
import javax.management.ObjectName;

/**
 * What the canary ITs' child apps (apps/statuses, apps/jobs, apps/thrown) share: the agent's MBeans and their
 * notifications, deploys made as an operator makes them, and one line on stdout per fact the test reads. Every
 * wait is bounded, and a timeout is a line starting "FAILED".
 */
public final class Operator {
    public static final long WAIT_SECONDS = 60;
    public static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    public static final ObjectName MANAGER = name("io.modulets:type=Manager");
    private static final BlockingQueue<Notification> NOTIFICATIONS = new LinkedBlockingQueue<>();
    /** Where the releases' jars are (the app's first argument). */
    public static Path dir;
    /** The agent's modules directory (the second). */
    private static Path modules;

    private Operator() {
    }

    /** Takes the directories from the app's arguments, waits for the manager MBean and listens to it. */
    public static void start(String[] args) throws Exception {
        dir = Path.of(args[0]);
        modules = Path.of(args[1]);
        awaitManager();
        SERVER.addNotificationListener(MANAGER, (n, handback) -> NOTIFICATIONS.add(n), null, null);
    }

    /**
     * Deploys {@code jar} as an operator would: written under a hidden name and renamed over the modules jar;
     * with {@code canary=50%} in the agent arguments the watcher starts it as a canary. Returns its generation.
     */
    public static int canary(String jar) throws Exception {
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
        return (Integer) SERVER.getAttribute(MANAGER, "Canary");
    }

    /** The MBean of generation {@code id}. */
    public static ObjectName generation(int id) {
        return name("io.modulets:type=Generation,id=" + id);
    }

    public static String state(int generation) throws Exception {
        return (String) SERVER.getAttribute(generation(generation), "State");
    }

    /** The next notification of {@code type} within {@code seconds}, others skipped; null if none came. */
    public static Notification poll(String type, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Notification n = NOTIFICATIONS.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (n == null || n.getType().equals(type)) {
                return n;
            }
        }
    }

    /** The agent registers its MBeans on its own thread after premain: waits for the manager, bounded. */
    private static void awaitManager() throws Exception {
        BlockingQueue<Notification> registrations = new LinkedBlockingQueue<>();
        SERVER.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, (n, h) -> registrations.add(n), null, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!SERVER.isRegistered(MANAGER)) {
            if (registrations.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) == null) {
                throw new IllegalStateException("FAILED the manager MBean was not registered");
            }
        }
    }

    public static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
