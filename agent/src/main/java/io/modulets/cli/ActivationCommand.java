package io.modulets.cli;

import io.modulets.manage.GenerationInfo;
import io.modulets.manage.ManagerMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command that makes a generation current ({@code activate}, {@code rescan}, {@code rollback},
 * {@code promote}) and says which, as the agent's log does: "generation 3 (1.1, 5d0c6e1f2a3b) is
 * current (was 2)"; or, when the deploy started a canary instead, "generation 3 (…) is a canary for 5%
 * of new root tasks (generation 2 stays current)". A refusal comes back as the agent's one line (exit
 * code 1), and nothing changed.
 */
abstract class ActivationCommand extends JvmCommand {

    /** Does the operation; returns the current generation afterwards. */
    abstract int operate(ManagerMXBean manager);

    /**
     * Whether the operation changes the current generation whenever it succeeds (a rollback, a promotion):
     * what it replaced is then the rollback target it leaves, not the generation read before the call, which
     * a deploy finishing during the call may have replaced already.
     */
    boolean alwaysChanges() {
        return false;
    }

    @Override
    final void run(AgentConnection agent) {
        ManagerMXBean m = agent.manager();
        int before = m.getCurrentGeneration();
        int after = operate(m);
        List<GenerationInfo> generations = m.getGenerations();
        Map<String, Object> json = new LinkedHashMap<>();
        if (after != 0 && after == m.getCanary()) {
            json.put("canary", GenerationViews.find(generations, after)
                    .<Object>map(GenerationViews::json).orElse(Map.of("id", after)));
            json.put("fraction", m.getCanaryFraction());
            json.put("policy", m.getCanaryPolicy());
            json.put("current", before);
            print(json, GenerationViews.name(generations, after) + " is a canary for " + m.getCanaryFraction()
                    + " of new root tasks (generation " + before + " stays current; " + m.getCanaryPolicy() + ")\n");
            return;
        }
        json.put("current", GenerationViews.find(generations, after)
                .<Object>map(GenerationViews::json).orElse(Map.of("id", after)));
        if (alwaysChanges()) {
            int replaced = m.getRollbackTarget();
            if (m.getCurrentGeneration() != after) {
                // Yet another deploy finished after this one: what it replaced is no longer known here.
                json.put("previous", null);
                json.put("changed", true);
                print(json, GenerationViews.name(generations, after) + " was made current; a deploy finished"
                        + " since, and generation " + m.getCurrentGeneration() + " is current now\n");
                return;
            }
            before = replaced;
        }
        json.put("previous", before);
        json.put("changed", before != after);
        print(json, GenerationViews.name(generations, after) + " is current"
                + (before != after ? " (was " + before + ")" : " (unchanged: it was already)") + "\n");
    }
}
