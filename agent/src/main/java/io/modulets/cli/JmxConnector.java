package io.modulets.cli;

import io.modulets.manage.GenerationMXBean;
import io.modulets.manage.ManagerMXBean;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Connects over JMX: a local pid through the Attach API and the JVM's local management agent
 * (started if needed), a service URL as {@link RemoteJmx} says (TLS, or plain text on this machine or with
 * {@code --insecure}). The agent's MBeans are used through
 * {@link JMX#newMXBeanProxy} with the manage interfaces, which ship in this same jar.
 */
final class JmxConnector implements Connector {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a connection waits at least for the manager MBean: the agent registers it on its own thread a
     * second after premain (manage's Monitoring), so a JVM that has just started may not have it yet.
     */
    static final Duration REGISTRATION_WAIT = Duration.ofSeconds(5);
    /**
     * A JVM this young may still be starting: it is waited for until it is this old. On a loaded machine premain, the
     * second after it and the registration can take several seconds (a wait of 5 s from the CLI's connection could
     * run out before the registration of a JVM that had just said it was ready).
     */
    static final Duration STARTING = Duration.ofSeconds(60);

    private final RemoteJmx.StubSource stubs;

    JmxConnector() {
        this(RemoteJmx.LOOKUP);
    }

    /** With {@code stubs} for the service URLs' stubs (tests: a stub without a network). */
    JmxConnector(RemoteJmx.StubSource stubs) {
        this.stubs = stubs;
    }

    @Override
    public AgentConnection open(JvmAddress jvm, Credentials credentials) {
        JMXServiceURL url;
        Map<String, Object> environment = new HashMap<>();
        if (jvm.isPid()) {
            try {
                url = new JMXServiceURL(LocalJvms.connectorAddress(jvm.pid()));
            } catch (java.net.MalformedURLException e) {
                throw new CliFailure(jvm + " gave a malformed JMX address: " + Errors.oneLine(e), e);
            }
        } else {
            url = jvm.url();
            if (!credentials.isNone()) {
                environment.put(JMXConnector.CREDENTIALS, credentials.forJmx());
            }
        }
        JMXConnector connector = connect(jvm, () -> jvm.isPid() ? JMXConnectorFactory.connect(url, environment)
                : RemoteJmx.connect(jvm, environment, credentials.insecure(), stubs));
        MBeanServerConnection server;
        try {
            server = connector.getMBeanServerConnection();
        } catch (IOException e) {
            close(connector);
            throw new CliFailure("cannot connect to " + jvm + ": " + Errors.oneLine(e), e);
        }
        try {
            if (!registered(server, name(ManagerMXBean.OBJECT_NAME))) {
                throw new CliFailure(jvm + " has no " + ManagerMXBean.OBJECT_NAME + " MBean: it does not run"
                        + " the modulets agent, or runs it with jmx=false, or is still starting");
            }
        } catch (IOException e) {
            close(connector);
            throw new CliFailure("cannot talk to " + jvm + ": " + Errors.oneLine(e), e);
        } catch (CliFailure e) {
            close(connector);
            throw e;
        }
        return new Connection(jvm, connector, server);
    }

    /** Whether {@code name} is registered, or gets registered within {@link #registrationWait}. */
    static boolean registered(MBeanServerConnection server, ObjectName name) throws IOException {
        if (server.isRegistered(name)) {
            return true;
        }
        long deadline = System.nanoTime() + registrationWait(uptimeMillis(server)).toNanos();
        while (!server.isRegistered(name)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * How long to wait for the manager in a JVM up for {@code uptimeMillis} (-1: not known):
     * {@link #REGISTRATION_WAIT}, or, while the JVM is younger than {@link #STARTING}, until it is that old.
     */
    static Duration registrationWait(long uptimeMillis) {
        Duration untilStarted = STARTING.minusMillis(Math.max(0, uptimeMillis));
        return uptimeMillis < 0 || untilStarted.compareTo(REGISTRATION_WAIT) < 0 ? REGISTRATION_WAIT : untilStarted;
    }

    /** The JVM's uptime from its platform Runtime MXBean, or -1 if it has none (a server that is not a JVM's own). */
    private static long uptimeMillis(MBeanServerConnection server) throws IOException {
        try {
            return ((Number) server.getAttribute(name("java.lang:type=Runtime"), "Uptime")).longValue();
        } catch (JMException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Connects within {@link #CONNECT_TIMEOUT}: a host that drops packets would otherwise keep the
     * CLI waiting for the operating system's TCP time-out. The attempt runs on a daemon thread, so
     * one that never returns does not keep the CLI alive.
     */
    private static JMXConnector connect(JvmAddress jvm, Callable<JMXConnector> connecting) {
        FutureTask<JMXConnector> attempt = new FutureTask<>(connecting);
        Thread thread = new Thread(attempt, "modulets-connect");
        thread.setDaemon(true);
        thread.start();
        try {
            return attempt.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CliFailure refused) {
                throw refused;
            }
            throw new CliFailure("cannot connect to " + jvm + ": " + Errors.oneLine(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            attempt.cancel(true);
            throw new CliFailure("cannot connect to " + jvm + ": no answer within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted while connecting to " + jvm);
        }
    }

    static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static void close(JMXConnector connector) {
        try {
            connector.close();
        } catch (IOException ignored) {
            // nothing more to do with a connection that is gone
        }
    }

    private record Connection(JvmAddress jvm, JMXConnector connector, MBeanServerConnection server)
            implements AgentConnection {

        @Override
        public ManagerMXBean manager() {
            return JMX.newMXBeanProxy(server, name(ManagerMXBean.OBJECT_NAME), ManagerMXBean.class);
        }

        @Override
        public GenerationMXBean generation(int id) {
            ObjectName name = name(String.format(GenerationMXBean.OBJECT_NAME, id));
            try {
                if (!server.isRegistered(name)) {
                    throw new CliFailure(jvm + " has no MBean for generation " + id
                            + " (no such generation, or it was unloaded long ago)");
                }
            } catch (IOException e) {
                throw new CliFailure("cannot talk to " + jvm + ": " + Errors.oneLine(e), e);
            }
            return JMX.newMXBeanProxy(server, name, GenerationMXBean.class);
        }

        @Override
        public void close() {
            JmxConnector.close(connector);
        }
    }
}
