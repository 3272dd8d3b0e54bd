package io.modulets.cli;

import io.modulets.manage.ManagerMXBean;
import picocli.CommandLine.Command;

/** {@code promote JVM}: the canary becomes current for every new root task. */
@Command(name = "promote", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Make the canary current for every new root task; the generation that was current drains "
                + "(running tasks keep it) and is what a rollback returns to. Refused when no canary is in progress.")
final class PromoteCommand extends ActivationCommand {
    @Override
    boolean alwaysChanges() {
        return true;
    }

    @Override
    int operate(ManagerMXBean manager) {
        return manager.promote();
    }
}
