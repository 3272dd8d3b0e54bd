package io.modulets.cli;

import io.modulets.manage.GenerationInfo;
import io.modulets.manage.ManagerMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code generations JVM}: every generation the JVM has had. */
@Command(name = "generations", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "List every generation the JVM has had, oldest first: id, state (canary, current, draining, "
                + "retired, unloaded), label, hash (first 12 digits), live tasks, task runs started, completed and failed "
                + "(see outcomes), and since when it is in its state.")
final class GenerationsCommand extends JvmCommand {

    @Override
    void run(AgentConnection agent) {
        ManagerMXBean m = agent.manager();
        int current = m.getCurrentGeneration();
        List<GenerationInfo> generations = m.getGenerations();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jvm", jvm().toString());
        json.put("current", current);
        json.put("generations", GenerationViews.json(generations));
        print(json, GenerationViews.table(generations).render());
    }
}
