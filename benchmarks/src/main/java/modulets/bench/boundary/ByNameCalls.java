package modulets.bench.boundary;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Class.forName} called from shell code, which the boundary routes through its own helper
 * (docs/BOUNDARY.md, loading by name): of a shell class, of a JDK class and of a swappable class.
 * Frameworks call it on every request (serializers, ORMs, logging), so its cost is a per-request cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ByNameCalls {
    private String shell = "modulets.bench.boundary.ByNameCalls";
    private String jdk = "java.util.ArrayList";
    private String swappable = "modulets.bench.swappable.Work";

    @Benchmark
    public Class<?> shellClass() throws ClassNotFoundException {
        return Class.forName(shell);
    }

    @Benchmark
    public Class<?> jdkClass() throws ClassNotFoundException {
        return Class.forName(jdk);
    }

    @Benchmark
    public Class<?> swappableClass() throws ClassNotFoundException {
        return Class.forName(swappable);
    }
}
