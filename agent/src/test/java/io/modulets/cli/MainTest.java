package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void helpExitsZero() {
        assertEquals(0, Main.run("--help"));
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, Main.run("--bogus"));
    }

    @Test
    void helpDescribesTheAgentFlag() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("-javaagent:modulets-agent.jar=packages=com.acme.jobs,modules=/srv/jobs"),
                out.toString());
        assertTrue(out.toString().contains("rollback"), out.toString());
    }

    @Test
    void unknownOptionIsReportedOnStandardError() {
        assertEquals(2, run("--bogus"));
        assertTrue(err.toString().contains("Unknown option: '--bogus'"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void versionOutsideTheJarIsADevelopmentBuild() {
        assertEquals(0, run("--version"));
        assertEquals("modulets (development build)", out.toString().strip());
    }

    @Test
    void noArgumentsPrintsTheUsage() {
        assertEquals(0, run());
        assertTrue(out.toString().startsWith("Usage: modulets"), out.toString());
    }

    @Test
    void unexpectedArgumentIsAUsageError() {
        assertEquals(2, run("no-such-command"));
    }
}
