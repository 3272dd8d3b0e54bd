package modulets.bench.capture;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.TestSeams;
import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.TaskOutcomes;

/**
 * What counting a task run's outcome costs inside the hook, run with the agent only
 * ({@code --setups modulets}; the agent's classes are not there without it): a pair of
 * {@code System.nanoTime()} reads alone; a task run bound and unbound by {@code TestSeams.runBound} on a
 * thread that runs no task (what a pool worker's run hook does around each task: the binding, the
 * context class loader, and since outcomes are counted the run's frame, its counters and its two clock reads); the
 * generation's counters alone, for a run that ends normally.
 * Compare {@code runBoundFromUnbound} across agent builds with {@code -Dmodulets.agent.jar=...}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RunCounting {
    private final Runnable empty = () -> { };
    private final Runnable bindOnce = this::bindOnce;
    private ClassLoader generation;
    private TaskOutcomes outcomes;

    @Setup
    public void generation() {
        generation = Bindings.current();
        if (generation == null) {
            throw new IllegalStateException("RunCounting needs the agent: run it with --setups modulets");
        }
        try {
            outcomes = ((GenerationLoader) generation).outcomes();
        } catch (NoSuchMethodError beforeIssue11) {
            outcomes = null; // an agent built before outcomes existed: countersOnly fails, the rest runs
        }
    }

    @Benchmark
    public long nanoTimePair() {
        long start = System.nanoTime();
        return System.nanoTime() - start;
    }

    /**
     * The shared counters of one run that ends normally, timed (1 µs: the same bucket each time), without the
     * clock: what a thread's first runs and a thread's body pay; a pool worker's later runs count in a cell of
     * its own and are timed one in 64.
     */
    @Benchmark
    public void countersOnly() {
        if (outcomes == null) {
            throw new UnsupportedOperationException("this agent counts no outcomes");
        }
        outcomes.started();
        outcomes.ended();
        outcomes.timed(1_000, 1);
    }

    /** One task run as a pool worker's hook makes it: this thread is unbound, the run binds it. */
    @Benchmark
    public void runBoundFromUnbound() {
        TestSeams.runUnbound(bindOnce);
    }

    private void bindOnce() {
        TestSeams.runBound(generation, empty);
    }

    /** The unbinding around it alone, to subtract from {@link #runBoundFromUnbound}. */
    @Benchmark
    public void unboundOnly() {
        TestSeams.runUnbound(empty);
    }
}
