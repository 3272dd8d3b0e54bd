package cn;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.Notification;
import javax.management.ObjectName;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import cn.mod.Version;
import cn.mod.Work;

/**
 * The child of CanaryIT. Drives the agent through its own platform MBean server, as an operator's JMX
 * client would, and prints one line per observation; the IT judges them. Root tasks are submitted by
 * the main thread, which runs no task; every wait is bounded and a timeout is a line starting "FAILED".
 * <ul>
 * <li>{@code scenarios DIR}: the fraction, promote, abort and the consistency run, in one JVM
 * (DIR holds v2.jar and v3.jar; v1 is generation 1);</li>
 * <li>{@code autoabort DIR}: a canary whose tasks throw (DIR holds fail.jar) is aborted by the policy
 * of the agent arguments;</li>
 * <li>{@code watcher DIR MODULES}: with {@code canary=100%}, what the modules watcher deploys is a canary,
 * and its next deploy is refused until the canary is promoted; then {@code rescan} starts the next.</li>
 * </ul>
 */
public final class App {
    static final long WAIT_SECONDS = 60;
    static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    static final BlockingQueue<Notification> NOTIFICATIONS = new LinkedBlockingQueue<>();
    static ObjectName manager;
    static Path dir;
    static final ExecutorService ROOTS = Executors.newFixedThreadPool(4);
    static final ExecutorService CHILDREN = Executors.newFixedThreadPool(4);

    public static void main(String[] args) throws Exception {
        dir = Path.of(args[1]);
        awaitManager();
        SERVER.addNotificationListener(manager, (n, handback) -> NOTIFICATIONS.add(n), null, null);
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> { }); // the failing canary's tasks: counted by the agent
        switch (args[0]) {
            case "scenarios" -> {
                fractionThenPromote();
                abort();
                consistency();
            }
            case "autoabort" -> autoAbort();
            case "watcher" -> watcher(Path.of(args[2]));
            default -> say("FAILED unknown scenario " + args[0]);
        }
        ROOTS.shutdownNow();
        CHILDREN.shutdownNow();
        say("done");
    }

    // ---- (1) the fraction, (2) promote ----------------------------------------------------------

    static void fractionThenPromote() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int[] holder = new int[2];
        CountDownLatch holderStarted = new CountDownLatch(1);
        CountDownLatch holderDone = new CountDownLatch(1);
        // a root task of generation 1 that runs across the canary and its promotion
        ROOTS.execute(() -> {
            holder[0] = Version.get();
            holderStarted.countDown();
            await(release);
            holder[1] = Version.get();
            holderDone.countDown();
        });
        await(holderStarted);

        int canary = (Integer) invoke("activateCanary", new Object[] {new String[] {jar("v2.jar")}, "5%"},
                String[].class.getName(), String.class.getName());
        say("canary " + canary + " fraction " + SERVER.getAttribute(manager, "CanaryFraction")
                + " current " + SERVER.getAttribute(manager, "CurrentGeneration"));
        say("notification " + next("io.modulets.canary.start").getMessage());
        int n = 4000;
        say("fraction " + n + " " + rootTasksOn(n, 2));
        say("unbound during canary " + Version.get());

        say("promoted " + invoke("promote", new Object[0]));
        say("after promote state1=" + state(1) + " state2=" + state(2));
        say("after promote " + n / 10 + " " + rootTasksOn(n / 10, 2));
        say("unbound after promote " + Version.get());
        release.countDown();
        await(holderDone);
        say("holder " + holder[0] + " " + holder[1]);
        say("retired " + next("io.modulets.retirement").getUserData());
    }

    /** Submits {@code n} root tasks from this thread (which runs no task); returns how many ran {@code version}. */
    static int rootTasksOn(int n, int version) {
        AtomicInteger on = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            ROOTS.execute(() -> {
                if (Version.get() == version) {
                    on.incrementAndGet();
                }
                done.countDown();
            });
        }
        await(done);
        return on.get();
    }

    // ---- (3) abort -------------------------------------------------------------------------------

    static void abort() throws Exception {
        int canary = (Integer) invoke("activateCanary", new Object[] {new String[] {jar("v3.jar")}, "100%"},
                String[].class.getName(), String.class.getName());
        say("abort canary " + canary);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        int[] seen = new int[2];
        ROOTS.execute(() -> {
            seen[0] = Version.get();
            started.countDown();
            await(release);
            seen[1] = Work.run();
            done.countDown();
        });
        await(started);
        say("unbound during canary " + Version.get());
        say("aborted " + invoke("abort", new Object[0]) + " canary now " + SERVER.getAttribute(manager, "Canary"));
        say("notification " + next("io.modulets.canary.abort").getMessage());
        say("after abort 200 " + rootTasksOn(200, 2));
        say("state while its task runs " + state(canary));
        release.countDown();
        await(done);
        say("across abort " + seen[0] + " " + seen[1]);
        say("retired " + next("io.modulets.retirement").getUserData());
        say("current " + SERVER.getAttribute(manager, "CurrentGeneration") + " " + state(2)
                + " activations " + SERVER.getAttribute(manager, "ActivationCount"));
    }

    // ---- (5) no task sees two generations --------------------------------------------------------

    static void consistency() throws Exception {
        AtomicInteger mismatches = new AtomicInteger();
        Map<Integer, AtomicInteger> versions = new TreeMap<>();
        for (int v = 1; v <= 3; v++) {
            versions.put(v, new AtomicInteger());
        }
        Semaphore progress = new Semaphore(0);
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger failures = new AtomicInteger();
        Runnable task = () -> {
            try {
                int start = Version.get();
                Future<Integer> child = CHILDREN.submit(() -> Version.get());
                int inChild = child.get(WAIT_SECONDS, TimeUnit.SECONDS);
                int end = Work.run();
                if (start != inChild || inChild != end) {
                    mismatches.incrementAndGet();
                    say("MISMATCH start " + start + " child " + inChild + " end " + end);
                }
                versions.get(start).incrementAndGet();
            } catch (Exception e) {
                failures.incrementAndGet();
                say("FAILED task " + e);
            } finally {
                inFlight.release();
                progress.release();
            }
        };
        // the operator: canaries, promotions and aborts while root tasks keep coming
        String[][] steps = {{"activateCanary", "v3.jar", "50%"}, {"promote"}, {"activateCanary", "v2.jar", "30%"},
                {"abort"}, {"activateCanary", "v1.jar", "50%"}, {"promote"}, {"activateCanary", "v3.jar", "50%"},
                {"abort"}};
        CountDownLatch operatorDone = new CountDownLatch(1);
        Thread operator = new Thread(() -> {
            try {
                for (String[] step : steps) {
                    if (!progress.tryAcquire(150, WAIT_SECONDS, TimeUnit.SECONDS)) {
                        say("FAILED no progress before " + step[0]);
                        return;
                    }
                    if (step.length == 3) {
                        invoke(step[0], new Object[] {new String[] {jar(step[1])}, step[2]}, String[].class.getName(),
                                String.class.getName());
                    } else {
                        invoke(step[0], new Object[0]);
                    }
                }
                progress.tryAcquire(150, WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                say("FAILED operator " + e);
            } finally {
                operatorDone.countDown();
            }
        }, "operator");
        operator.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS * 2);
        int submitted = 0;
        while (operatorDone.getCount() > 0 && System.nanoTime() < deadline) {
            if (inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
                ROOTS.execute(task);
                submitted++;
            }
        }
        if (!inFlight.tryAcquire(32, WAIT_SECONDS, TimeUnit.SECONDS)) {
            say("FAILED root tasks did not end");
        }
        say("consistency tasks " + submitted + " mismatches " + mismatches.get() + " failures " + failures.get()
                + " versions " + versions);
        say("operator done " + (operatorDone.getCount() == 0));
    }

    // ---- (4) automatic abort ---------------------------------------------------------------------

    static void autoAbort() throws Exception {
        Recording recording = new Recording();
        recording.enable("modulets.CanaryAbort");
        recording.start();
        say("policy " + SERVER.getAttribute(manager, "CanaryPolicy"));
        int canary = (Integer) invoke("activateCanary", new Object[] {new String[] {jar("fail.jar")}, "50%"},
                String[].class.getName(), String.class.getName());
        say("canary " + canary);
        Notification abort = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        int batches = 0;
        while (abort == null && System.nanoTime() < deadline) {
            CountDownLatch done = new CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                ROOTS.execute(() -> {
                    try {
                        Work.run(); // throws on the canary: the task ends by an exception
                    } finally {
                        done.countDown();
                    }
                });
            }
            await(done);
            batches++;
            abort = poll("io.modulets.canary.abort", 0);
        }
        if (abort == null) {
            abort = poll("io.modulets.canary.abort", WAIT_SECONDS);
        }
        say("batches " + batches);
        say("notification " + (abort == null ? "FAILED none" : abort.getMessage() + " data " + abort.getUserData()));
        say("canary now " + SERVER.getAttribute(manager, "Canary") + " current "
                + SERVER.getAttribute(manager, "CurrentGeneration") + " activations "
                + SERVER.getAttribute(manager, "ActivationCount") + " state1 " + state(1));
        say("after abort 200 " + rootTasksOn(200, 1));
        recording.stop();
        Path file = dir.resolve("canary.jfr");
        recording.dump(file);
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (event.getEventType().getName().equals("modulets.CanaryAbort")) {
                say("jfr generation " + event.getInt("generation") + " current " + event.getInt("currentGeneration")
                        + " reason " + event.getString("reason"));
            }
        }
        recording.close();
    }

    // ---- the modules watcher with canary=100% ----------------------------------------------------

    static void watcher(Path modules) throws Exception {
        deploy(modules, "v2.jar");
        say("watcher " + next("io.modulets.canary.start").getMessage());
        say("watcher root tasks 100 " + rootTasksOn(100, 2));
        say("watcher unbound " + Version.get());
        deploy(modules, "v3.jar");
        say("watcher rejected " + next("io.modulets.rejection").getMessage());
        say("watcher promoted " + invoke("promote", new Object[0]));
        say("watcher rescan " + invoke("rescan", new Object[0]) + " canary " + SERVER.getAttribute(manager, "Canary")
                + " current " + SERVER.getAttribute(manager, "CurrentGeneration"));
    }

    /** Writes {@code jar} under a hidden name and renames it over the modules jar, as a deploy should. */
    static void deploy(Path modules, String jar) throws Exception {
        Path temp = modules.resolve(".mod.jar.tmp");
        Files.copy(dir.resolve(jar), temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, modules.resolve("mod.jar"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    // ---- plumbing --------------------------------------------------------------------------------

    static String jar(String name) {
        return dir.resolve(name).toAbsolutePath().toString();
    }

    static Object invoke(String operation, Object[] arguments, String... signature) throws Exception {
        return SERVER.invoke(manager, operation, arguments, signature);
    }

    static String state(int generation) throws Exception {
        return (String) SERVER.getAttribute(new ObjectName("io.modulets:type=Generation,id=" + generation), "State");
    }

    static Notification next(String type) throws InterruptedException {
        Notification n = poll(type, WAIT_SECONDS);
        if (n == null) {
            say("FAILED no notification " + type);
            throw new IllegalStateException("no notification " + type);
        }
        return n;
    }

    /** The next notification of {@code type} within {@code seconds}, others skipped; null if none came. */
    static Notification poll(String type, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Notification n = NOTIFICATIONS.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (n == null || n.getType().equals(type)) {
                return n;
            }
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                say("FAILED a latch was not released within " + WAIT_SECONDS + " s");
                throw new IllegalStateException("timeout");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The agent registers its MBeans on its own thread after premain: waits for the manager, bounded. */
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
