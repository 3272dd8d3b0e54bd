package io.modulets.cli;

import io.modulets.resolve.ArtifactSource;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code java -jar modulets-agent.jar}: the command line of modulets. Exit codes, through picocli's
 * exit-code mapping ({@link #EXIT_CODES}): 0 done, 1 refused or failed (one line on stderr: the
 * refusal's reason, or why the JVM could not be reached), 2 usage.
 */
@Command(
        name = "modulets",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        usageHelpAutoWidth = true,
        exitCodeOnSuccess = CommandLine.ExitCode.OK,
        exitCodeOnExecutionException = Main.FAILED,
        exitCodeOnInvalidInput = CommandLine.ExitCode.USAGE,
        description = {
            "The modulets agent and CLI: Erlang-style hot code swapping for the JVM, per task. "
                    + "Tasks already running keep the code they started with, new tasks run the new code, "
                    + "and a version no task needs any more is unloaded. "
                    + "This jar is the -javaagent; start the application with it, for example:",
            "",
            "  java -javaagent:modulets-agent.jar=packages=com.acme.jobs,modules=/srv/jobs \\",
            "       -jar app.jar",
            "",
            "The commands below operate such a JVM, named by its pid or a JMX service URL. "
                    + "--json prints one JSON document; exit codes: 0 done, 1 refused or failed, 2 usage.",
            ""
        })
public final class Main implements Callable<Integer> {
    static final int FAILED = 1;

    /** Picocli's exit-code mapping: a usage error is 2, anything else that went wrong 1. */
    static final CommandLine.IExitCodeExceptionMapper EXIT_CODES =
            e -> e instanceof ParameterException ? CommandLine.ExitCode.USAGE : FAILED;

    @Spec
    private CommandSpec spec;

    private final Connector connector;
    private final Supplier<ArtifactSource> artifactSource;

    public Main() {
        this(new JmxConnector());
    }

    Main(Connector connector) {
        this(connector, ArtifactSource::open);
    }

    Main(Connector connector, Supplier<ArtifactSource> artifactSource) {
        this.connector = connector;
        this.artifactSource = artifactSource;
    }

    Connector connector() {
        return connector;
    }

    /** Where {@code --artifact} fetches from: opened only when an artifact is given (the nested resolver jar). */
    Supplier<ArtifactSource> artifactSource() {
        return artifactSource;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code, without exiting. */
    static int run(String... args) {
        return commandLine(new Main(), args).execute(args);
    }

    /** As {@link #run(String...)}, writing to {@code out} and {@code err} (for tests). */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(new JmxConnector(), out, err, args);
    }

    /** As {@link #run(PrintWriter, PrintWriter, String...)}, with another way to reach JVMs (for tests). */
    static int run(Connector connector, PrintWriter out, PrintWriter err, String... args) {
        return commandLine(new Main(connector), args).setOut(out).setErr(err).execute(args);
    }

    /**
     * The commands, in the order the usage lists them. Not in {@code @Command(subcommands)}: picocli builds the
     * model of every subcommand it is given (reflection over each class, a converter table each), about half of
     * what a CLI start costs; a run names one command, so only that one is built ({@link #commandsFor}).
     */
    private static final List<Class<?>> COMMANDS = List.of(ListCommand.class, StatusCommand.class,
            GenerationsCommand.class, ActivateCommand.class, RescanCommand.class, RollbackCommand.class,
            PromoteCommand.class, AbortCommand.class, CanaryPolicyCommand.class, PackagesCommand.class,
            PinsCommand.class, OutcomesCommand.class, RolloutCommand.class, CompletionCommand.class,
            CommandLine.HelpCommand.class);

    /** As {@link #commandLine(Main, String...)} with every command (the usage, completion, suggestions). */
    static CommandLine commandLine(Main main) {
        return commandLine(main, new String[0]);
    }

    /**
     * The command line for these arguments: with only the command the first argument names, if it names one
     * that needs no other ({@code help} and {@code completion} describe them all), else with every command, so
     * that the usage, {@code --help}, {@code --version} and the suggestions for a mistyped command are as before.
     */
    static CommandLine commandLine(Main main, String... args) {
        CommandLine cl = new CommandLine(main);
        for (Class<?> command : commandsFor(args)) {
            cl.addSubcommand(command);
        }
        cl.setExitCodeExceptionMapper(EXIT_CODES);
        cl.setExecutionExceptionHandler(Main::failed);
        cl.setParameterExceptionHandler(Main::usage);
        return cl;
    }

    static List<Class<?>> commandsFor(String... args) {
        if (args.length > 0) {
            for (Class<?> command : COMMANDS) {
                Command named = command.getAnnotation(Command.class);
                if (command != CommandLine.HelpCommand.class && command != CompletionCommand.class
                        && (named.name().equals(args[0]) || List.of(named.aliases()).contains(args[0]))) {
                    return List.of(command);
                }
            }
        }
        return COMMANDS;
    }

    /** Something went wrong while a command ran (a refusal, an unreachable JVM): one line, exit code 1. */
    private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        err.println("modulets: " + Errors.oneLine(e));
        err.flush();
        return command.getExitCodeExceptionMapper().getExitCode(e);
    }

    /** A usage error: the line that says what is wrong, and where to read more; exit code 2. */
    private static int usage(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("modulets: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return command.getExitCodeExceptionMapper().getExitCode(e);
    }

    /** No command: say what this is. */
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
