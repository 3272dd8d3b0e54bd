package modulets.bench.capture;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import modulets.bench.TtlValue;

/** Submit one small task to a one-thread pool and wait for it: the round trip a task costs. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ThreadPoolSubmit {
    private ExecutorService pool;
    private final Runnable task = () -> { };

    /** The "ttl" setup's value in the submitting thread (nothing in the other setups). */
    @Setup(Level.Iteration)
    public void context() {
        TtlValue.holdInThisThread();
    }

    @Setup
    public void start() {
        pool = Executors.newFixedThreadPool(1);
    }

    @TearDown
    public void stop() {
        pool.shutdownNow();
    }

    @Benchmark
    public Object submitAndWait() throws ExecutionException, InterruptedException {
        Future<?> f = pool.submit(task);
        return f.get();
    }
}
