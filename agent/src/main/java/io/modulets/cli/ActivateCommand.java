package io.modulets.cli;

import io.modulets.manage.ManagerMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code activate JVM JAR... [--artifact G:A:V]...}: these jars become the new current generation, after the
 * deploy checks.
 */
@Command(name = "activate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "Activate these jars as the JVM's new current generation, after the same checks as a deploy "
                    + "(zip and class files, packages, the link check). Tasks started afterwards run the new code; "
                    + "running tasks keep theirs. A refusal changes nothing and prints its reason (exit code 1).",
            "The jars are read by the target JVM: for a pid, relative paths are made absolute against this "
                    + "directory; for a JMX service URL the paths are on the target's machine and must be absolute.",
            "With --artifact the jar is fetched from a Maven repository into the local repository first, here, and "
                    + "that path is handed over as a JAR's is: a JMX service URL's JVM must see the same path (this "
                    + "host, or a local repository both share). A failed fetch changes nothing (exit code 1).",
            "With --canary the jars become a canary instead: a share of new root tasks get them, the rest stay on "
                    + "the current generation, until 'promote' or 'abort' (or the automatic abort, --abort-margin)."
        })
final class ActivateCommand extends ActivationCommand {

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "JAR",
            description = "The jars of the new generation (with --artifact, the others).")
    List<Path> jars = new ArrayList<>();

    @Mixin
    ArtifactOptions artifact;

    /** The jars of --artifact, fetched before connecting. */
    private List<Path> fetched = List.of();

    @Option(names = "--canary", paramLabel = "PERCENT",
            description = "Start a canary for this share of new root tasks (5%%, 0.5%%) instead of activating.")
    String canary;

    @Option(names = "--abort-margin", paramLabel = "PERCENT", description = "With --canary: abort it automatically "
            + "when its failure rate, or its share of tasks in which its own code threw (caught or not), exceeds the "
            + "current generation's by more than this (5%%).")
    String abortMargin;

    @Option(names = "--abort-min-tasks", paramLabel = "N", defaultValue = "100", description = "With "
            + "--abort-margin: the ended tasks the canary needs before it is judged (default: ${DEFAULT-VALUE}).")
    long abortMinTasks;

    @Override
    void check() {
        artifact.check();
        if (jars.isEmpty() && !artifact.any()) {
            throw new ParameterException(spec.commandLine(),
                    "give the new generation's jars: JAR... or --artifact G:A:V");
        }
        if (canary == null && abortMargin != null) {
            throw new ParameterException(spec.commandLine(), "--abort-margin needs --canary");
        }
        if (abortMinTasks < 1) {
            throw new ParameterException(spec.commandLine(), "--abort-min-tasks must be at least 1");
        }
        if (!jvm().isPid()) {
            for (Path jar : jars) {
                if (!jar.isAbsolute()) {
                    throw new ParameterException(spec.commandLine(), "JAR " + jar + " must be an absolute path"
                            + " on the target's machine (a JMX service URL names another JVM, maybe elsewhere)");
                }
            }
        }
    }

    @Override
    void prepare() {
        fetched = artifact.fetch(main.artifactSource());
    }

    @Override
    int operate(ManagerMXBean manager) {
        if (canary == null) {
            return manager.activate(paths());
        }
        int started = manager.activateCanary(paths(), canary);
        if (abortMargin != null && manager.getCanary() == started) {
            // counted since the canary started: setting the policy a moment later loses nothing
            manager.setCanaryPolicy(abortMargin, abortMinTasks);
        }
        return started;
    }

    /** The paths sent to the JVM: absolute for a local pid, as given (and checked absolute) for a URL. */
    List<String> paths() {
        Stream<Path> given = jars.stream().map(jar -> jvm().isPid() ? jar.toAbsolutePath().normalize() : jar);
        return Stream.concat(given, fetched.stream()).map(Path::toString).toList();
    }
}
