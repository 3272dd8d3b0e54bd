package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/** What the real connector says when it cannot reach a JVM; reaching one is CliIT's part. */
class JmxConnectorTest {
    private final JmxConnector connector = new JmxConnector();

    @Test
    void notItsOwnPid() {
        long self = ProcessHandle.current().pid();
        CliFailure e = assertThrows(CliFailure.class, () -> connector.open(JvmAddress.ofPid(self), Credentials.NONE));
        assertEquals(self + " is this command's own pid", e.getMessage());
    }

    @Test
    void aPidWithoutAProcess() {
        long none = Integer.MAX_VALUE; // above Linux's highest pid
        CliFailure e = assertThrows(CliFailure.class, () -> connector.open(JvmAddress.ofPid(none), Credentials.NONE));
        assertEquals("no process with pid " + none, e.getMessage());
    }

    @Test
    void aUrlWhereNothingListens() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        JvmAddress jvm = JvmAddress.ofUrl(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"));
        CliFailure e = assertThrows(CliFailure.class, () -> connector.open(jvm, Credentials.NONE));
        assertTrue(e.getMessage().startsWith("cannot connect to " + jvm + ": "), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
    }

    @Test
    void aJvmInItsFirstMinuteIsWaitedForUntilItIsAMinuteOldAnOlderOneFiveSeconds() {
        assertEquals(Duration.ofSeconds(60), JmxConnector.registrationWait(0));
        assertEquals(Duration.ofSeconds(48), JmxConnector.registrationWait(12_000));
        assertEquals(JmxConnector.REGISTRATION_WAIT, JmxConnector.registrationWait(58_000));
        assertEquals(JmxConnector.REGISTRATION_WAIT, JmxConnector.registrationWait(3_600_000));
        assertEquals(JmxConnector.REGISTRATION_WAIT, JmxConnector.registrationWait(-1), "uptime not known");
    }

    /** Registered while the connection waits for it: found (the wait is what a starting JVM needs). */
    @Test
    void anMBeanRegisteredWhileTheConnectionWaitsIsFound() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.modulets.test:type=Late");
        CountDownLatch missed = new CountDownLatch(1);
        // the platform server, seen through a connection that says when a look found nothing yet
        MBeanServerConnection connection = (MBeanServerConnection) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {MBeanServerConnection.class}, (proxy, method, args) -> {
                    Object result = method.invoke(server, args);
                    if (method.getName().equals("isRegistered") && Boolean.FALSE.equals(result)) {
                        missed.countDown();
                    }
                    return result;
                });
        Thread registering = new Thread(() -> {
            try {
                assertTrue(missed.await(30, TimeUnit.SECONDS), "the connection looked");
                Runnable nothing = () -> { };
                server.registerMBean(new StandardMBean(nothing, Runnable.class), name);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        registering.start();
        try {
            assertTrue(JmxConnector.registered(connection, name));
        } finally {
            registering.join(30_000);
            server.unregisterMBean(name);
        }
    }
}
