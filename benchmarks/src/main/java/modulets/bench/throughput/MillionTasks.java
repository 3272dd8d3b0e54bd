package modulets.bench.throughput;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import modulets.bench.TtlValue;

/**
 * Throughput: one million small tasks (each a new lambda that counts down a latch) executed through
 * a fixed pool of two threads. One invocation is the whole batch, so an iteration is at least one of
 * them; the score is milliseconds per batch, which the harness turns into tasks per second
 * ({@code tasks} is a parameter so that {@code --quick} can run a smaller batch). In the "ttl" setup
 * the submitting thread holds one TransmittableThreadLocal value.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MillionTasks {
    @Param("1000000")
    public int tasks;

    private ExecutorService pool;

    @Setup(Level.Trial)
    public void start() {
        pool = Executors.newFixedThreadPool(2);
    }

    @Setup(Level.Iteration)
    public void context() {
        TtlValue.holdInThisThread();
    }

    @TearDown(Level.Trial)
    public void stop() {
        pool.shutdownNow();
    }

    @Benchmark
    public void fixedPool() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            pool.execute(() -> done.countDown());
        }
        done.await();
    }
}
