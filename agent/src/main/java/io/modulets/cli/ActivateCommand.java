package io.modulets.cli;

import io.modulets.manage.ManagerMXBean;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code activate JVM JAR...}: these jars become the new current generation, after the deploy checks. */
@Command(name = "activate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "Activate these jars as the JVM's new current generation, after the same checks as a deploy "
                    + "(zip and class files, packages, the link check). Tasks started afterwards run the new code; "
                    + "running tasks keep theirs. A refusal changes nothing and prints its reason (exit code 1).",
            "The jars are read by the target JVM: for a pid, relative paths are made absolute against this "
                    + "directory; for a JMX service URL the paths are on the target's machine and must be absolute."
        })
final class ActivateCommand extends ActivationCommand {

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "JAR", description = "The jars of the new generation.")
    List<Path> jars;

    @Override
    void check() {
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
    int operate(ManagerMXBean manager) {
        return manager.activate(paths());
    }

    /** The paths sent to the JVM: absolute for a local pid, as given (and checked absolute) for a URL. */
    List<String> paths() {
        return jars.stream()
                .map(jar -> jvm().isPid() ? jar.toAbsolutePath().normalize() : jar)
                .map(Path::toString)
                .toList();
    }
}
