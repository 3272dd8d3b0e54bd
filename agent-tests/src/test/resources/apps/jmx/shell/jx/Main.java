package jx;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jx.util.Helper;

/**
 * The child of JmxIT and JfrIT: runs what its stdin says, each command as a root task on a pool,
 * and prints one line per result. It exits when stdin closes.
 * <ul>
 * <li>{@code version}: prints {@code version N}, from the swappable {@code jx.mod.Version};</li>
 * <li>{@code extra}: prints {@code extra <text> <loader>} from {@code ext.Extra}, through
 * {@link UsesExtra}, a shell class loaded only then (the package may have become swappable);</li>
 * <li>{@code gc}: asks for a collection and prints {@code gc};</li>
 * <li>{@code mbeans}: makes the platform MBean server, as an application that registers MBeans of its own does,
 * waits (up to 30 s) until the agent's manager is registered in it, and prints {@code mbeans} and the names of
 * the agent's MBeans.</li>
 * </ul>
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        System.out.println("ready " + ProcessHandle.current().pid() + " " + Helper.name());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            String command = line.trim();
            try {
                switch (command) {
                    case "version" -> pool.submit(() -> say("version " + jx.mod.Version.get())).get();
                    case "extra" -> pool.submit(() -> say("extra " + UsesExtra.call())).get();
                    case "gc" -> {
                        System.gc();
                        say("gc");
                    }
                    case "mbeans" -> say("mbeans " + agentMBeans());
                    default -> say("unknown " + command);
                }
            } catch (Exception e) {
                say("failed " + command + ": " + e.getCause());
            }
        }
        pool.shutdown();
    }

    private static java.util.Set<javax.management.ObjectName> agentMBeans() throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName manager = new javax.management.ObjectName("io.modulets:type=Manager");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!server.isRegistered(manager) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return new java.util.TreeSet<>(server.queryNames(new javax.management.ObjectName("io.modulets:*"), null));
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
