package io.modulets.cli;

import io.modulets.config.Log;
import io.modulets.manage.GenerationInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a generation is shown: in a line, a table and JSON. */
final class GenerationViews {
    static final int SHORT_HASH = 12;

    private GenerationViews() {
    }

    static Optional<GenerationInfo> find(List<GenerationInfo> all, int id) {
        return all.stream().filter(g -> g.getId() == id).findFirst();
    }

    /** The first 12 hex digits, as the agent's log shows them. */
    static String shortHash(String hash) {
        return hash == null ? "-" : hash.substring(0, Math.min(SHORT_HASH, hash.length()));
    }

    /** "generation 2 (1.1, 5d0c6e1f2a3b)", as the agent's log names it. */
    static String name(GenerationInfo g) {
        return "generation " + g.getId() + " (" + Log.escape(String.valueOf(g.getLabel())) + ", "
                + shortHash(g.getHash()) + ")";
    }

    /** The name of generation {@code id}, or just "generation N" when the list lacks it. */
    static String name(List<GenerationInfo> all, int id) {
        return find(all, id).map(GenerationViews::name).orElse("generation " + id);
    }

    static Table table(List<GenerationInfo> generations) {
        Table table = new Table(">ID", "STATE", "LABEL", "HASH", ">LIVE TASKS", ">STARTED", ">COMPLETED", ">FAILED",
                "SINCE");
        for (GenerationInfo g : generations) {
            table.row(g.getId(), g.getState(), g.getLabel(), shortHash(g.getHash()), g.getLiveTasks(),
                    g.getTasksStarted(), g.getTasksCompleted(), g.getTasksFailed(), g.getSince());
        }
        return table;
    }

    static Map<String, Object> json(GenerationInfo g) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", g.getId());
        map.put("state", g.getState());
        map.put("label", g.getLabel());
        map.put("hash", g.getHash());
        map.put("liveTasks", g.getLiveTasks());
        map.put("since", g.getSince());
        map.put("tasksStarted", g.getTasksStarted());
        map.put("tasksCompleted", g.getTasksCompleted());
        map.put("tasksFailed", g.getTasksFailed());
        return map;
    }

    static List<Map<String, Object>> json(List<GenerationInfo> generations) {
        return generations.stream().map(GenerationViews::json).toList();
    }
}
