package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
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
}
