package io.modulets.cli;

import io.modulets.manage.GenerationInfo;
import io.modulets.manage.GenerationMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pins JVM [ID]}: what holds a generation that is no longer current. */
@Command(name = "pins", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Report what holds a generation, as far as the agent can see without a heap dump: live tasks, "
                + "threads bound to it or running its code, context class loaders, thread-locals, drivers, hooks, "
                + "call sites. Without ID: every loaded generation that is not current (draining or retired).")
final class PinsCommand extends JvmCommand {

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "The generation's id (see generations).")
    Integer id;

    @Override
    void run(AgentConnection agent) {
        List<Integer> ids = new ArrayList<>();
        if (id != null) {
            ids.add(id);
        } else {
            for (GenerationInfo g : agent.manager().getGenerations()) {
                if ("draining".equals(g.getState()) || "retired".equals(g.getState())) {
                    ids.add(g.getId());
                }
            }
        }
        List<Object> json = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int each : ids) {
            GenerationMXBean g = agent.generation(each);
            String state = g.getState();
            long live = g.getLiveTasks();
            List<String> pins = g.getPins();
            List<String> blindSpots = g.getPinBlindSpots();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", each);
            one.put("state", state);
            one.put("label", g.getLabel());
            one.put("hash", g.getHash());
            one.put("liveTasks", live);
            one.put("pins", pins);
            one.put("blindSpots", blindSpots);
            json.add(one);
            text.append("generation ").append(each).append(" (").append(g.getLabel()).append(", ")
                    .append(GenerationViews.shortHash(g.getHash())).append(") is ").append(state)
                    .append(", ").append(live).append(live == 1 ? " live task" : " live tasks").append('\n');
            if (pins.isEmpty()) {
                text.append("  held by nothing the agent can see\n");
            }
            pins.forEach(p -> text.append("  ").append(p).append('\n'));
            blindSpots.forEach(b -> text.append("  not looked at: ").append(b).append('\n'));
        }
        if (ids.isEmpty()) {
            text.append("only the current generation is loaded: nothing holds an old one\n");
        }
        print(Map.of("generations", json), text.toString());
    }
}
