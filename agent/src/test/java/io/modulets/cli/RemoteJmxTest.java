package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIServer;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import javax.rmi.ssl.SslRMIServerSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * The plain-text rule of {@link RemoteJmx}. A "remote" host here is a documentation address (192.0.2.0/24) that
 * is never contacted: the stub its URL would give comes from a connector server on loopback, so a refusal
 * shows that nothing was sent (the server saw no connection), and --insecure connects to the loopback server.
 */
class RemoteJmxTest {
    private static final String REMOTE = "service:jmx:rmi:///jndi/rmi://192.0.2.10:9999/jmxrmi";

    @Test
    void aPlainConnectorOnAnotherHostIsRefusedBeforeAnythingIsSent() throws Exception {
        JMXConnectorServer server = start(false);
        try {
            RMIServer plain = RemoteJmx.LOOKUP.stub(server.getAddress());
            JvmAddress remote = JvmAddress.parse(REMOTE);
            CliFailure e = assertThrows(CliFailure.class,
                    () -> RemoteJmx.connect(remote, new HashMap<>(), false, url -> plain));
            assertAll(e.getMessage(),
                    () -> assertEquals(REMOTE + ": refused: its JMX connector is plain text (no TLS) and its host"
                            + " is not this machine; start the target with com.sun.management.jmxremote.ssl=true,"
                            + " or give --insecure", e.getMessage()),
                    () -> assertEquals(0, server.getConnectionIds().length, "nothing was sent"));

            try (JMXConnector insecure = RemoteJmx.connect(remote, new HashMap<>(), true, url -> plain)) {
                assertTrue(insecure.getMBeanServerConnection().getMBeanCount() > 0);
                assertEquals(1, server.getConnectionIds().length, "--insecure connects");
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void aPlainConnectorOnThisMachineIsAllowed() throws Exception {
        JMXConnectorServer server = start(false);
        try {
            // the stub URL the server gives names 127.0.0.1 (as the CLI's ITs' servers do)
            JvmAddress local = JvmAddress.ofUrl(server.getAddress());
            try (JMXConnector c = RemoteJmx.connect(local, new HashMap<>(), false, RemoteJmx.LOOKUP)) {
                assertTrue(c.getMBeanServerConnection().getMBeanCount() > 0);
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void aPlainRegistryIsAskedOverTlsFirstThenInPlainText() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Registry registry = LocateRegistry.createRegistry(port);
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(url, null,
                ManagementFactory.getPlatformMBeanServer());
        server.start();
        try (JMXConnector c = RemoteJmx.connect(JvmAddress.ofUrl(url), new HashMap<>(), false, RemoteJmx.LOOKUP)) {
            assertTrue(c.getMBeanServerConnection().getMBeanCount() > 0);
            assertFalse(RemoteJmx.usesTls(RemoteJmx.LOOKUP.stub(url)));
        } finally {
            server.stop();
            UnicastRemoteObject.unexportObject(registry, true);
        }
    }

    @Test
    void aTlsConnectorIsToldFromAPlainOne() throws Exception {
        JMXConnectorServer tls = start(true);
        JMXConnectorServer plain = start(false);
        try {
            assertTrue(RemoteJmx.usesTls(RemoteJmx.LOOKUP.stub(tls.getAddress())));
            assertFalse(RemoteJmx.usesTls(RemoteJmx.LOOKUP.stub(plain.getAddress())));
            // A TLS stub for a remote URL passes the rule: what follows is the TLS handshake (which this
            // server, without a key store, cannot complete), not a refusal.
            RMIServer stub = RemoteJmx.LOOKUP.stub(tls.getAddress());
            CliFailure e = assertThrows(CliFailure.class,
                    () -> RemoteJmx.connect(JvmAddress.parse(REMOTE), new HashMap<>(), false, url -> stub).close());
            assertTrue(e.getMessage().startsWith("cannot connect to " + REMOTE + ": TLS handshake failed: "),
                    "not refused: " + e.getMessage());
        } finally {
            tls.stop();
            plain.stop();
        }
    }

    @Test
    void aUrlWhoseTransportCannotBeToldIsRefusedForAnotherHost() {
        JvmAddress jmxmp = JvmAddress.parse("service:jmx:jmxmp://192.0.2.10:5555");
        CliFailure e = assertThrows(CliFailure.class,
                () -> RemoteJmx.connect(jmxmp, new HashMap<>(), false, RemoteJmx.LOOKUP));
        assertTrue(e.getMessage().startsWith("service:jmx:jmxmp://192.0.2.10:5555: refused: cannot tell whether"),
                e.getMessage());
    }

    @Test
    void whatIsThisMachine() throws Exception {
        assertAll(
                () -> assertTrue(RemoteJmx.isLoopback("")),
                () -> assertTrue(RemoteJmx.isLoopback("localhost")),
                () -> assertTrue(RemoteJmx.isLoopback("127.0.0.1")),
                () -> assertTrue(RemoteJmx.isLoopback("127.8.9.10")),
                () -> assertTrue(RemoteJmx.isLoopback("[::1]")),
                () -> assertFalse(RemoteJmx.isLoopback("192.0.2.10")),
                () -> assertFalse(RemoteJmx.isLoopback("10.0.0.1")),
                () -> assertFalse(RemoteJmx.isLoopback("[2001:db8::1]")));
        assertAll(
                () -> assertEquals("192.0.2.10", RemoteJmx.host(new JMXServiceURL(REMOTE))),
                () -> assertEquals("", RemoteJmx.host(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://:9999/jmxrmi"))),
                () -> assertEquals("db1", RemoteJmx.host(new JMXServiceURL("service:jmx:rmi://db1/stub/rO0="))));
    }

    @Test
    void insecureIsAnOptionOfEveryJvmCommand() {
        FakeAgent agent = new FakeAgent();
        StringWriter err = new StringWriter();
        PrintWriter out = new PrintWriter(new StringWriter());
        assertEquals(0, Main.run(agent, out, new PrintWriter(err), "status", REMOTE, "--insecure"), err.toString());
        assertTrue(agent.credentialsGiven.insecure());
        assertEquals(0, Main.run(agent, out, new PrintWriter(err), "status", REMOTE), err.toString());
        assertFalse(agent.credentialsGiven.insecure(), "refused unless asked for");
    }

    /** A connector server on loopback, over TLS sockets or plain ones. */
    private static JMXConnectorServer start(boolean tls) throws Exception {
        Map<String, Object> env = new HashMap<>();
        if (tls) {
            env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, new SslRMIClientSocketFactory());
            env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, new SslRMIServerSocketFactory());
        }
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"), env, ManagementFactory.getPlatformMBeanServer());
        server.start();
        return server;
    }
}
