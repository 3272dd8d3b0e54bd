package modulets.bench.capture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
 * The capture hooks without a thread hand-off (a pool round trip on 2 noisy cores has errors far larger
 * than the hooks): a ForkJoinTask invoked on this thread (capture, bind, run, release), a FutureTask run
 * here (its completion hook), a CompletableFuture stage registered then completed (the stage
 * records its binding and fires bound), and {@code ThreadPoolExecutor.execute} of a lambda on a
 * saturated pool whose CallerRunsPolicy runs it here: the capture in the weak map (a lambda takes no
 * field), the rejection hook that takes it out, binds, runs and releases; once with one task object for
 * every call, once with a new one per call.
 *
 * <p>Six seconds of warm-up: with the agent, the map path's iterations on JDK 17 get slower for the first 3–4 s
 * (155 → 230 ns, 240 → 400 ns) and then drop to their steady figure (75, 112 ns); three seconds left a slow first
 * measured iteration in the result.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CaptureHooks {
    private final Runnable task = () -> { };
    private final Function<Integer, Integer> increment = x -> x + 1;
    private SaturatedPool saturated;

    /** The "ttl" setup's value in the submitting thread (nothing in the other setups). */
    @Setup(Level.Iteration)
    public void context() {
        TtlValue.holdInThisThread();
    }

    @Setup
    public void saturate() throws InterruptedException {
        saturated = new SaturatedPool();
    }

    @TearDown
    public void unsaturate() {
        saturated.close();
    }

    @Benchmark
    public void threadPoolExecuteCallerRuns() {
        saturated.execute(task);
    }

    /**
     * The same with a new task object per call, as a capturing lambda is. With the capture in the task's own field
     * (a lambda's, or this application class's) it costs what one task object does; in the weak table, where a task
     * whose class has no field keeps it, the first identity hash of each object is a call into the VM.
     */
    @Benchmark
    public void threadPoolExecuteFreshTaskCallerRuns() {
        saturated.execute(new Step(this));
    }

    /** A task that refers to its state, like a capturing lambda, without depending on how javac spins one. */
    private static final class Step implements Runnable {
        private final CaptureHooks owner;

        Step(CaptureHooks owner) {
            this.owner = owner;
        }

        @Override
        public void run() {
            owner.steps++;
        }
    }

    private int steps;

    @Benchmark
    public Object forkJoinInvokeHere() {
        return ForkJoinTask.adapt(task).invoke();
    }

    @Benchmark
    public Object futureTaskRunHere() throws Exception {
        FutureTask<Object> f = new FutureTask<>(task, null);
        f.run();
        return f.get();
    }

    @Benchmark
    public Integer dependentStage() {
        CompletableFuture<Integer> source = new CompletableFuture<>();
        CompletableFuture<Integer> stage = source.thenApply(increment);
        source.complete(1);
        return stage.join();
    }
}
