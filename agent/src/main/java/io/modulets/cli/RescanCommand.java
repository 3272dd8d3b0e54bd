package io.modulets.cli;

import io.modulets.manage.ManagerMXBean;
import picocli.CommandLine.Command;

/** {@code rescan JVM}: the modules directory's jars, now. */
@Command(name = "rescan", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Activate the jars in the JVM's modules directory now, as the watcher would "
                + "(useful with watch=false), after the same checks as any deploy.")
final class RescanCommand extends ActivationCommand {
    @Override
    int operate(ManagerMXBean manager) {
        return manager.rescan();
    }
}
