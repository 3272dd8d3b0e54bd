package io.modulets.cli;

import io.modulets.manage.ManagerMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code packages JVM [--add-swappable P | ...]}: the package lists, and one change to them. */
@Command(name = "packages", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Show the swappable and shared package prefixes, or change one list first (one change per "
                + "command). A change is possible only while no class under the prefix has been loaded; "
                + "a refusal says why and changes nothing (exit code 1).")
final class PackagesCommand extends JvmCommand {

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Change change;

    static final class Change {
        @Option(names = "--add-swappable", paramLabel = "PREFIX", description = "Make this package prefix swappable.")
        String addSwappable;
        @Option(names = "--remove-swappable", paramLabel = "PREFIX", description = "Stop swapping this package prefix.")
        String removeSwappable;
        @Option(names = "--add-shared", paramLabel = "PREFIX", description = "Never swap this package prefix.")
        String addShared;
        @Option(names = "--remove-shared", paramLabel = "PREFIX", description = "Remove this prefix from the shared list.")
        String removeShared;

        /** Applies the change; returns what was done, for the text output. */
        String apply(ManagerMXBean m) {
            if (addSwappable != null) {
                m.addSwappablePackage(addSwappable);
                return "added swappable package " + addSwappable;
            } else if (removeSwappable != null) {
                m.removeSwappablePackage(removeSwappable);
                return "removed swappable package " + removeSwappable;
            } else if (addShared != null) {
                m.addSharedPackage(addShared);
                return "added shared package " + addShared;
            } else {
                m.removeSharedPackage(removeShared);
                return "removed shared package " + removeShared;
            }
        }
    }

    @Override
    void run(AgentConnection agent) {
        ManagerMXBean m = agent.manager();
        String done = change == null ? null : change.apply(m);
        var swappable = m.getSwappablePackages();
        var shared = m.getSharedPackages();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("swappablePackages", swappable);
        json.put("sharedPackages", shared);
        Table table = new Table("", "")
                .row("swappable", StatusCommand.list(swappable))
                .row("shared", StatusCommand.list(shared));
        print(json, (done == null ? "" : done + "\n") + table.render(false));
    }
}
