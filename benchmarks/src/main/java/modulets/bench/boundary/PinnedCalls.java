package modulets.bench.boundary;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import modulets.bench.swappable.Work;

/**
 * Calls on an object of a retired generation that shell state still holds (a pinned generation,
 * DESIGN §2.7), against the same calls on an object of the current generation: the boundary never
 * caches a retired generation in a site (that would pin it), so these calls take the site's
 * fallback. A second generation is deployed in setup and the first retires (no task of it is
 * live); the thread is unbound. Each invocation makes {@link #CALLS} calls; scores are per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PinnedCalls {
    static final int CALLS = 100;

    private Work pinned;
    private Work current;
    private int sink;
    private final Runnable onPinned = () -> sink = calls(pinned, sink);
    private final Runnable onCurrent = () -> sink = calls(current, sink);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pinned = new Work(7);
        AgentControl.deploySecondGeneration(false);
        AgentControl.run(null, () -> current = new Work(7)); // unbound: in the current generation
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int retiredGenerationsObject() {
        AgentControl.run(null, onPinned);
        return sink;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int currentGenerationsObject() {
        AgentControl.run(null, onCurrent);
        return sink;
    }

    private static int calls(Work w, int s) {
        for (int i = 0; i < CALLS; i++) {
            s = w.mix(s);
        }
        return s;
    }
}
