package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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

    @Test
    void aCommandBuiltAloneIsTheCommandBuiltWithTheOthers() {
        Map<String, CommandLine> all = Main.commandLine(new Main()).getSubcommands();
        assertEquals(15, all.size(), all.keySet().toString()); // every command, its aliases too
        for (Map.Entry<String, CommandLine> named : all.entrySet()) {
            String name = named.getKey();
            Map<String, CommandLine> alone = Main.commandLine(new Main(), name, "--help").getSubcommands();
            if (name.equals("help") || name.equals("completion")) {
                assertEquals(all.keySet(), alone.keySet(), name + " describes every command"); // so it gets them all
                continue;
            }
            assertEquals(List.of(name), List.copyOf(alone.keySet()), name);
            assertEquals(named.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF),
                    alone.get(name).getUsageMessage(CommandLine.Help.Ansi.OFF), name);
            assertEquals("modulets " + name, alone.get(name).getCommandSpec().qualifiedName(), name);
        }
    }

    @Test
    void aCommandBuiltAloneKeepsTheExitCodesAndTheUsageErrorLines() {
        assertEquals(2, run("status"));
        assertTrue(err.toString().contains("Missing required parameter: 'JVM'"), err.toString());
        assertTrue(err.toString().contains("Try 'modulets status --help' for more information."), err.toString());
        assertEquals(0, run("status", "--help"));
        assertTrue(out.toString().startsWith("Usage: modulets status"), out.toString());
    }

    @Test
    void aMistypedCommandIsAnsweredWithSuggestionsFromEveryCommand() {
        assertEquals(2, run("statsu"));
        assertTrue(err.toString().contains("Did you mean: modulets status"), err.toString());
    }
}
