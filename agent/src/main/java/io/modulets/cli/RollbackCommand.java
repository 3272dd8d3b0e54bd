package io.modulets.cli;

import io.modulets.manage.ManagerMXBean;
import picocli.CommandLine.Command;

/** {@code rollback JVM}: the previous generation's content becomes current again. */
@Command(name = "rollback", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Make the previous generation's content current again (from the store if it was unloaded), "
                + "verified like any activation; rolling back twice returns to where it started.")
final class RollbackCommand extends ActivationCommand {
    @Override
    boolean alwaysChanges() {
        return true;
    }

    @Override
    int operate(ManagerMXBean manager) {
        return manager.rollback();
    }
}
