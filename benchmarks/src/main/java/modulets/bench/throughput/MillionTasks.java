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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import modulets.bench.TtlValue;

/**
 * Throughput: one million small tasks (each a new lambda that counts down a latch) executed through
 * a fixed pool of two threads, tasks per second. One invocation is the whole million, so an
 * iteration is at least one of them. In the "ttl" setup the submitting thread holds one
 * TransmittableThreadLocal value.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MillionTasks {
    static final int TASKS = 1_000_000;

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
    @OperationsPerInvocation(TASKS)
    public void fixedPool() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(TASKS);
        for (int i = 0; i < TASKS; i++) {
            pool.execute(() -> done.countDown());
        }
        done.await();
    }
}
