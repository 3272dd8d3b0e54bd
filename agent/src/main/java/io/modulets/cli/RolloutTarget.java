package io.modulets.cli;

import io.modulets.cli.RolloutJudge.Tally;
import io.modulets.manage.GenerationInfo;
import io.modulets.manage.ManagerMXBean;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JVM of a {@code rollout}: its connection, the generation it had, the one it has, and how the new one
 * was judged there. Changed by the rollout's steps under the rollout's lock.
 */
final class RolloutTarget {
    final JvmAddress address;
    /** The jars as this machine reads them (absolute). */
    final List<Path> local;
    /**
     * The jar paths as this target reads them: for a pid the local ones (it runs here); for a JMX service URL
     * the copies its agent staged from the bytes sent ({@link JarUpload}), null until sent.
     */
    List<String> jars;
    AgentConnection agent;
    /** The generation current when the rollout looked first; 0 until then. */
    int before;
    /** What {@link #before} had counted when the rollout looked first. */
    Tally beforeAtCheck = Tally.NONE;
    /** The generation current now, as far as the rollout knows; 0 until known. */
    int after;
    /** The canary the rollout started here and neither promoted nor aborted yet; 0 for none. */
    int canary;
    /** Whether the rollout changed the current generation here (and must roll it back if it stops). */
    boolean moved;
    /** The new generation's tasks judged, and the baseline's; null until judged. */
    Tally judged;
    Tally baseline;
    /** What happened here, one line: "passed", "failed: …", "refused: …", "not moved". */
    String verdict = "not moved";

    RolloutTarget(JvmAddress address, List<Path> local) {
        this.address = address;
        this.local = List.copyOf(local);
        this.jars = address.isPid() ? this.local.stream().map(Path::toString).toList() : null;
    }

    ManagerMXBean manager() {
        return agent.manager();
    }

    /** Generation {@code id}'s counters now. */
    Tally tally(int id) {
        return Tally.of(agent.generation(id));
    }

    /** "2 (2.0)": the generation's id and label, or just the id when the label cannot be read; "-" for none. */
    String name(int id) {
        String label = label(id);
        return id == 0 ? "-" : label == null ? "" + id : id + " (" + label + ")";
    }

    /** Generation {@code id}'s label, or null when it cannot be read. */
    String label(int id) {
        if (id == 0 || agent == null) {
            return null;
        }
        try {
            return GenerationViews.find(manager().getGenerations(), id).map(GenerationInfo::getLabel).orElse(null);
        } catch (RuntimeException unreachable) {
            return null; // the table still says which generation; the verdict says what went wrong
        }
    }

    void close() {
        if (agent != null) {
            try {
                agent.close();
            } catch (RuntimeException ignored) {
                // closing a connection that broke: nothing to do
            }
        }
    }

    /** The table's cells: target, before, after, tasks judged, failure rates (new, baseline), verdict. */
    Object[] row() {
        return new Object[] {address, name(before), name(after), judged == null ? null : judged.ended(),
                judged == null ? null : judged.failureRate(), baseline == null ? null : baseline.failureRate(),
                verdict};
    }

    Map<String, Object> json() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("target", address.toString());
        map.put("before", before == 0 ? null : before);
        map.put("after", after == 0 ? null : after);
        map.put("afterLabel", label(after));
        map.put("tasksJudged", judged == null ? null : judged.ended());
        map.put("tasksFailed", judged == null ? null : judged.failed());
        map.put("failureRate", judged == null ? null : judged.failureRate());
        map.put("baselineTasks", baseline == null ? null : baseline.ended());
        map.put("baselineFailed", baseline == null ? null : baseline.failed());
        map.put("baselineFailureRate", baseline == null ? null : baseline.failureRate());
        map.put("verdict", verdict);
        return map;
    }
}
