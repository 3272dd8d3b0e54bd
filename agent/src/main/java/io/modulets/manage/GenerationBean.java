package io.modulets.manage;

import java.util.ArrayList;
import java.util.List;

import io.modulets.generations.Generation;
import io.modulets.generations.Outcomes;
import io.modulets.generations.PinReport;
import io.modulets.generations.Registry;
import io.modulets.loader.GenerationClassLoader;

/**
 * {@code io.modulets:type=Generation,id=N}. Holds the generation's metadata only: a
 * {@link Generation} keeps its loader strongly only while current or draining, so this bean never
 * pins a retired generation (its loader is read, and let go, per attribute).
 */
final class GenerationBean implements GenerationMXBean {
    private final Generation generation;
    private final Registry registry;

    GenerationBean(Generation generation, Registry registry) {
        this.generation = generation;
        this.registry = registry;
    }

    @Override
    public int getId() {
        return generation.sequence();
    }

    @Override
    public String getState() {
        return generation.state().word();
    }

    @Override
    public String getLabel() {
        return generation.label();
    }

    @Override
    public String getHash() {
        return generation.hash();
    }

    @Override
    public List<String> getJars() {
        return generation.snapshot().paths().stream().map(Object::toString).toList();
    }

    @Override
    public long getLiveTasks() {
        return generation.liveTasks();
    }

    @Override
    public long getLoadedClasses() {
        GenerationClassLoader loader = generation.loader();
        return loader == null ? 0 : loader.definedClasses();
    }

    @Override
    public String getCreated() {
        return generation.created().toString();
    }

    @Override
    public List<String> getHistory() {
        List<String> lines = new ArrayList<>();
        for (Generation.Transition t : generation.history()) {
            lines.add(t.state().word() + " " + t.at());
        }
        return lines;
    }

    @Override
    public List<String> getPins() {
        return pins().pins().stream().map(PinReport.Pin::toString).toList();
    }

    @Override
    public List<String> getPinBlindSpots() {
        return pins().blindSpots();
    }

    @Override
    public long getTasksStarted() {
        return generation.outcomes().started();
    }

    @Override
    public long getTasksCompleted() {
        return generation.outcomes().completed();
    }

    @Override
    public long getTasksFailed() {
        return generation.outcomes().failed();
    }

    @Override
    public long getTasksRunning() {
        return generation.outcomes().running();
    }

    @Override
    public long getMeanRunNanos() {
        return generation.outcomes().meanRunNanos();
    }

    @Override
    public long getMaxRunNanos() {
        return generation.outcomes().maxRunNanos();
    }

    @Override
    public long getP50RunNanos() {
        return generation.outcomes().runNanosAtMost(0.5);
    }

    @Override
    public long getP99RunNanos() {
        return generation.outcomes().runNanosAtMost(0.99);
    }

    @Override
    public long getTasksTimed() {
        return generation.outcomes().timedRuns();
    }

    @Override
    public List<String> getExceptions() {
        return generation.outcomes().exceptions().stream().map(Outcomes.ExceptionCount::toString).toList();
    }

    @Override
    public long getExceptionsThrown() {
        return generation.outcomes().thrown();
    }

    @Override
    public long getTasksThrowing() {
        return generation.outcomes().threwIn();
    }

    @Override
    public List<String> getThrownExceptions() {
        return generation.outcomes().thrownExceptions().stream().map(Outcomes.ExceptionCount::toString).toList();
    }

    @Override
    public long getRequests() {
        return generation.outcomes().requests();
    }

    @Override
    public long getServerErrors() {
        return generation.outcomes().serverErrors();
    }

    @Override
    public long getClientErrors() {
        return generation.outcomes().clientErrors();
    }

    @Override
    public long getRequestsTimed() {
        return generation.outcomes().timedRequests();
    }

    @Override
    public long getP50RequestNanos() {
        return generation.outcomes().requestNanosAtMost(0.5);
    }

    @Override
    public long getP99RequestNanos() {
        return generation.outcomes().requestNanosAtMost(0.99);
    }

    @Override
    public long getJobRuns() {
        return generation.outcomes().jobs();
    }

    @Override
    public long getJobRunsFailed() {
        return generation.outcomes().failedJobs();
    }

    @Override
    public List<String> getJobExceptions() {
        return generation.outcomes().jobExceptions().stream().map(Outcomes.ExceptionCount::toString).toList();
    }

    private PinReport pins() {
        return registry.pins(generation.sequence());
    }
}
