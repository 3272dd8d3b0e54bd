package cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.security.auth.Subject;

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
 * are registered (the agent registers them on its own thread, after premain). With the system
 * properties {@code cli.jmx.user} and {@code cli.jmx.password} it also serves JMX remotely, as a
 * server with a JMX port does, with that one login, and prints {@code JMX <service URL>} first
 * (an RMI stub URL: no port to choose). It ends at the end of stdin.
 */
public final class App {
    public static void main(String[] args) throws Exception {
        if (System.getProperty("io.modulets.agent") != null) {
            awaitManager();
        }
        String user = System.getProperty("cli.jmx.user");
        JMXConnectorServer jmx = null;
        if (user != null) {
            jmx = serveJmx(user, System.getProperty("cli.jmx.password"));
            System.out.println("JMX " + jmx.getAddress());
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
        if (jmx != null) {
            jmx.stop(); // its RMI threads would keep the JVM running
        }
    }

    private static JMXConnectorServer serveJmx(String user, String password) throws Exception {
        JMXAuthenticator login = credentials -> {
            if (credentials instanceof String[] c && c.length == 2 && user.equals(c[0]) && password.equals(c[1])) {
                return new Subject(true, Set.of(new JMXPrincipal(user)), Set.of(), Set.of());
            }
            throw new SecurityException("Authentication failed: wrong user or password");
        };
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
                Map.of(JMXConnectorServer.AUTHENTICATOR, login), ManagementFactory.getPlatformMBeanServer());
        server.start();
        return server;
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
