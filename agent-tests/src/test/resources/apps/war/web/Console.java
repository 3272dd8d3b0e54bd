package web;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * The webapp's link to the test (the container has no main of the test's): as the webapp starts, prints "ready
 * PORT" with the port the HTTP connector bound (bound when the server initialized, before the webapps start, so a
 * request sent now waits in its backlog), then answers the test's commands on stdin ("ping", "gc") and ends the
 * JVM when stdin closes. Its thread lives as long as the JVM: WarIT names its Runnable in the agent's
 * loops argument, as a user names such a thread of their own (else it would keep generation 1 live).
 */
public class Console implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> connectors = server.queryNames(new ObjectName("Catalina:type=Connector,*"), null);
            Object port = server.getAttribute(connectors.iterator().next(), "localPort");
            System.out.println("ready " + port);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Thread commands = new Thread(new Commands(), "test-console");
        commands.setDaemon(true);
        commands.start();
    }

    /** The test's commands, until stdin closes. */
    static final class Commands implements Runnable {
        @Override
        public void run() {
            commands();
        }
    }

    private static void commands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("gc")) {
                    System.gc();
                    System.out.println("gc done");
                } else if (line.equals("ping")) {
                    System.out.println("pong");
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
        }
        Runtime.getRuntime().halt(0);
    }
}
