package modulets.bench.capture;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveTask;
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

/**
 * Fork/join: one task submitted from outside and joined (the pool's submission path, doExec on the
 * worker), and a fan-out of 16 leaves forked inside the pool (fork, doExec, join helping).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ForkJoinSubmit {
    private ForkJoinPool pool;
    private final Runnable task = () -> { };

    /** Splits [from, to) in halves down to single leaves; each leaf returns its index. */
    static final class Sum extends RecursiveTask<Integer> {
        private final int from;
        private final int to;

        Sum(int from, int to) {
            this.from = from;
            this.to = to;
        }

        @Override
        protected Integer compute() {
            if (to - from == 1) {
                return from;
            }
            int middle = (from + to) >>> 1;
            Sum left = new Sum(from, middle);
            left.fork();
            return new Sum(middle, to).compute() + left.join();
        }
    }

    /** The "ttl" setup's value in the submitting thread (nothing in the other setups). */
    @Setup(Level.Iteration)
    public void context() {
        TtlValue.holdInThisThread();
    }

    @Setup
    public void start() {
        pool = new ForkJoinPool(1);
    }

    @TearDown
    public void stop() {
        pool.shutdownNow();
    }

    @Benchmark
    public Object submitAndJoin() {
        ForkJoinTask<?> f = pool.submit(task);
        return f.join();
    }

    /** 16 leaves: 15 forks, each run by the worker through doExec. */
    @Benchmark
    public int fanOut16() {
        return pool.invoke(new Sum(0, 16));
    }
}
