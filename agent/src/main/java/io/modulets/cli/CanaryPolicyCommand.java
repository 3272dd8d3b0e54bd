package io.modulets.cli;

import io.modulets.manage.ManagerMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code canary-policy JVM MARGIN}: the automatic abort of the canary in progress. */
@Command(name = "canary-policy", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Set the automatic abort of the canary in progress: abort it once it has --min-tasks ended "
                + "tasks and its failure rate, or its share of tasks in which its own code threw an exception (caught "
                + "or not), or its share of requests answered 5xx or of failed job runs, exceeds the current "
                + "generation's by more than MARGIN (5%%) with 99%% confidence; 'off' turns it off. With --latency, "
                + "also once it has --min-tasks requests (task runs) timed and its p99 latency (run time) is more "
                + "than FACTOR times the current's. Counted since the canary started, so a policy set late loses "
                + "nothing. Refused when no canary is in progress.")
final class CanaryPolicyCommand extends JvmCommand {
    @Parameters(index = "1", paramLabel = "MARGIN", description = "A percentage (5%%, 0.5%%), or off.")
    String margin;

    @Option(names = "--min-tasks", paramLabel = "N", defaultValue = "100",
            description = "The ended tasks the canary needs before it is judged (default: ${DEFAULT-VALUE}).")
    long minTasks;

    @Option(names = "--latency", paramLabel = "FACTOR",
            description = "Also abort when its p99 latency exceeds the current generation's by this factor (1.5x), "
                    + "or off; absent: the latency rule is kept as it was, unless MARGIN is off.")
    String latency;

    @Override
    void check() {
        if (minTasks < 1) {
            throw new ParameterException(spec.commandLine(), "--min-tasks must be at least 1");
        }
    }

    @Override
    void run(AgentConnection agent) {
        ManagerMXBean m = agent.manager();
        String policy = m.setCanaryPolicy(margin, minTasks);
        if (latency != null) {
            policy = m.setCanaryLatency(latency);
        }
        int canary = m.getCanary();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("canary", canary);
        json.put("policy", policy);
        print(json, "canary " + GenerationViews.name(m.getGenerations(), canary) + ": " + policy + "\n");
    }
}
