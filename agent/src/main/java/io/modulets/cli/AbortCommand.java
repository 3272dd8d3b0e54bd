package io.modulets.cli;

import io.modulets.manage.GenerationInfo;
import io.modulets.manage.ManagerMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code abort JVM}: no new task gets the canary; it drains; the current generation is untouched. */
@Command(name = "abort", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Abort the canary: no new task gets it, its running tasks finish on it, and it retires and "
                + "unloads like any generation that is not current. The current generation is untouched. Refused "
                + "when no canary is in progress.")
final class AbortCommand extends JvmCommand {
    @Override
    void run(AgentConnection agent) {
        ManagerMXBean m = agent.manager();
        int aborted = m.abort();
        int current = m.getCurrentGeneration();
        List<GenerationInfo> generations = m.getGenerations();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("aborted", GenerationViews.find(generations, aborted)
                .<Object>map(GenerationViews::json).orElse(Map.of("id", aborted)));
        json.put("current", current);
        print(json, "canary " + GenerationViews.name(generations, aborted) + " aborted ("
                + GenerationViews.name(generations, current) + " stays current)\n");
    }
}
