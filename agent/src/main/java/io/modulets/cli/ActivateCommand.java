package io.modulets.cli;

import io.modulets.manage.ManagerMXBean;
import java.nio.file.Files;
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
            "For a pid the target JVM reads the jars itself (relative paths are made absolute against this "
                    + "directory). For a JMX service URL the jars are read here and their bytes sent over the JMX "
                    + "connection (checked by size and SHA-256, staged in the target's store), so the target may be "
                    + "on another host with no shared file system.",
            "With --artifact the jar is fetched from a Maven repository into the local repository first, here, and "
                    + "handed over as a JAR is. A failed fetch or upload changes nothing (exit code 1).",
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
                if (!Files.isRegularFile(jar)) {
                    throw new ParameterException(spec.commandLine(), "JAR " + jar + ": no such file here (for a JMX"
                            + " service URL the CLI reads the jar and sends its bytes)");
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
        List<String> paths = jvm().isPid() ? paths() : JarUpload.send(manager, local());
        if (canary == null) {
            return manager.activate(paths);
        }
        int started = manager.activateCanary(paths, canary);
        if (abortMargin != null && manager.getCanary() == started) {
            // counted since the canary started: setting the policy a moment later loses nothing
            manager.setCanaryPolicy(abortMargin, abortMinTasks);
        }
        return started;
    }

    /** The paths a local pid is handed: made absolute here. */
    List<String> paths() {
        return local().stream().map(Path::toString).toList();
    }

    /** The jars as this machine reads them: the JARs given, then the fetched ones. */
    private List<Path> local() {
        return Stream.concat(jars.stream().map(jar -> jar.toAbsolutePath().normalize()), fetched.stream()).toList();
    }
}
