package io.modulets.cli;

import io.modulets.manage.GenerationInfo;
import io.modulets.manage.ManagerMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code status JVM}: the agent at a glance. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Show the agent of a JVM: its version, the current generation, the canary, the generations loaded, "
                + "activations and rejections (with the last rejection), the modules and store directories and "
                + "the package lists.")
final class StatusCommand extends JvmCommand {

    @Override
    void run(AgentConnection agent) {
        ManagerMXBean m = agent.manager();
        String version = m.getAgentVersion();
        int current = m.getCurrentGeneration();
        List<GenerationInfo> generations = m.getGenerations();
        int loaded = m.getLoadedGenerationCount();
        long activations = m.getActivationCount();
        long rejections = m.getRejectionCount();
        String lastRejection = m.getLastRejection();
        String drainWarning = m.getLastDrainWarning();
        String modules = m.getModulesDirectory();
        String store = m.getStoreDirectory();
        List<String> swappable = m.getSwappablePackages();
        List<String> shared = m.getSharedPackages();
        int canary = m.getCanary();
        String canaryFraction = m.getCanaryFraction();
        String canaryPolicy = m.getCanaryPolicy();
        String deployCanary = m.getDeployCanaryFraction();

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jvm", jvm().toString());
        json.put("agentVersion", version);
        json.put("currentGeneration", GenerationViews.find(generations, current)
                .<Object>map(GenerationViews::json).orElse(Map.of("id", current)));
        Map<String, Object> canaryJson = new LinkedHashMap<>();
        if (canary != 0) {
            canaryJson.put("generation", GenerationViews.find(generations, canary)
                    .<Object>map(GenerationViews::json).orElse(Map.of("id", canary)));
            canaryJson.put("fraction", canaryFraction);
        }
        canaryJson.put("policy", canaryPolicy);
        canaryJson.put("deploys", deployCanary);
        json.put("canary", canary == 0 && deployCanary == null ? null : canaryJson);
        json.put("loadedGenerations", loaded);
        json.put("activations", activations);
        json.put("rejections", rejections);
        json.put("lastRejection", lastRejection);
        json.put("lastDrainWarning", drainWarning);
        json.put("modulesDirectory", modules);
        json.put("storeDirectory", store);
        json.put("swappablePackages", swappable);
        json.put("sharedPackages", shared);

        Table text = new Table("", "")
                .row("agent", version)
                .row("current", GenerationViews.name(generations, current)
                        + GenerationViews.find(generations, current).map(g -> " since " + g.getSince()).orElse(""))
                .row("canary", canary == 0 ? "none" + (deployCanary == null ? ""
                        : " (deploys start canaries for " + deployCanary + "; " + canaryPolicy + ")")
                        : GenerationViews.name(generations, canary) + " for " + canaryFraction + " of new root tasks"
                        + GenerationViews.find(generations, canary).map(g -> " since " + g.getSince()).orElse("")
                        + "; " + canaryPolicy)
                .row("loaded", loaded + (loaded == 1 ? " generation" : " generations") + states(generations, current))
                .row("activations", activations)
                .row("rejections", rejections)
                .row("last rejection", lastRejection == null ? "none" : Errors.withoutPrefix(lastRejection))
                .row("drain warning", drainWarning == null ? "none" : Errors.withoutPrefix(drainWarning))
                .row("modules", modules == null ? "none (generation 1 came from the class path)" : modules)
                .row("store", store)
                .row("swappable", list(swappable))
                .row("shared", list(shared));
        print(json, jvm() + "\n" + text.render(false));
    }

    /** " (1 current, 1 draining)": the states of the loaded generations. */
    private static String states(List<GenerationInfo> generations, int current) {
        Map<String, Long> counts = new TreeMap<>(generations.stream()
                .filter(g -> !"unloaded".equals(g.getState()))
                .collect(Collectors.groupingBy(GenerationInfo::getState, Collectors.counting())));
        if (counts.isEmpty()) {
            return "";
        }
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ", " (", ")"));
    }

    static String list(List<String> packages) {
        return packages == null || packages.isEmpty() ? "none" : String.join(", ", packages);
    }
}
