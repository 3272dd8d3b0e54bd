package io.modulets.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar modulets-agent.jar}: the command line of modulets. Exit codes: 0 ok,
 * 1 refused or failed, 2 usage (picocli's own for a usage error).
 */
@Command(
        name = "modulets",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        usageHelpAutoWidth = true,
        description = {
            "The modulets agent and CLI: Erlang-style hot code swapping for the JVM, per task. "
                    + "Tasks already running keep the code they started with, new tasks run the new code, "
                    + "and a version no task needs any more is unloaded. "
                    + "This jar is the -javaagent; start the application with it, for example:",
            "",
            "  java -javaagent:modulets-agent.jar=packages=com.acme.jobs,modules=/srv/jobs \\",
            "       -jar app.jar",
            "",
            "Operator commands (status, generations, activate, rollback, packages, pins) "
                    + "come in later versions.",
            ""
        })
public final class Main implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code, without exiting. */
    static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    /** As {@link #run(String...)}, writing to {@code out} and {@code err} (for tests). */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new Main()).setOut(out).setErr(err).execute(args);
    }

    /** No command yet: say what this is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return CommandLine.ExitCode.OK;
    }

    /** "modulets 0.1.0", the Implementation-Version of the agent jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {versionLine()};
        }
    }

    static String versionLine() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "modulets (development build)" : "modulets " + version;
    }
}
