package modulets.bench.capture;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * What one submitted task costs, with the hand-off amortised: each invocation submits {@link #TASKS}
 * small tasks (each a new lambda, as application code makes them) and waits for all of them; scores
 * are per task. A single round trip costs tens of microseconds of thread wake-up on a noisy
 * 2-core machine, which hides nanoseconds; a batch keeps the worker busy, so what is left per task
 * is the queue and whatever an agent adds at submission and around the run.
 * <ul>
 *   <li>{@code threadPoolExecute}, {@code threadPoolSubmit}: a one-thread {@code ThreadPoolExecutor},
 *       {@code execute} of a lambda and {@code submit} (a FutureTask);</li>
 *   <li>{@code forkJoinSubmit}: {@code ForkJoinPool.submit} from outside the pool (parallelism 1);</li>
 *   <li>{@code forkJoinFork}: one task in the pool forks the batch and joins it (the worker runs the
 *       forked tasks itself: fork, doExec, join, no hand-off at all);</li>
 *   <li>{@code completableFutureChain}: {@code supplyAsync} on the pool, then three {@code thenApply},
 *       per chain, all joined at the end;</li>
 *   <li>{@code virtualThreads}: start a virtual thread per task (JDK 21+, reached through a method
 *       handle; skipped on older JDKs).</li>
 * </ul>
 * In the "ttl" setup the submitting thread holds one TransmittableThreadLocal value ({@link TtlValue}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// the TTL agent's path took about 3 s to reach steady state on 2 busy cores
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TaskBatches {
    static final int TASKS = 1000;

    private ExecutorService pool;
    private ForkJoinPool forkJoin;
    private MethodHandle startVirtualThread;
    private final CompletableFuture<?>[] chains = new CompletableFuture<?>[TASKS];
    private final Supplier<Integer> first = () -> 1;
    private final Function<Integer, Integer> increment = x -> x + 1;

    @Setup(Level.Trial)
    public void start() throws ReflectiveOperationException {
        pool = Executors.newFixedThreadPool(1);
        forkJoin = new ForkJoinPool(1);
        if (Runtime.version().feature() >= 21) {
            startVirtualThread = MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
                    MethodType.methodType(Thread.class, Runnable.class));
        }
    }

    @Setup(Level.Iteration)
    public void context() {
        TtlValue.holdInThisThread();
    }

    @TearDown(Level.Trial)
    public void stop() {
        pool.shutdownNow();
        forkJoin.shutdownNow();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void threadPoolExecute() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(TASKS);
        for (int i = 0; i < TASKS; i++) {
            pool.execute(() -> done.countDown());
        }
        done.await();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void threadPoolSubmit() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(TASKS);
        for (int i = 0; i < TASKS; i++) {
            pool.submit(() -> done.countDown());
        }
        done.await();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void forkJoinSubmit() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(TASKS);
        for (int i = 0; i < TASKS; i++) {
            forkJoin.submit(() -> done.countDown());
        }
        done.await();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void forkJoinFork() {
        forkJoin.invoke(new FanOut());
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int completableFutureChain() {
        for (int i = 0; i < TASKS; i++) {
            chains[i] = CompletableFuture.supplyAsync(first, pool)
                    .thenApply(increment).thenApply(increment).thenApply(increment);
        }
        int sum = 0;
        for (CompletableFuture<?> chain : chains) {
            sum += (Integer) chain.join();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void virtualThreads() throws Throwable {
        if (startVirtualThread == null) {
            throw new UnsupportedOperationException("virtual threads need JDK 21+");
        }
        CountDownLatch done = new CountDownLatch(TASKS);
        for (int i = 0; i < TASKS; i++) {
            Runnable task = () -> done.countDown();
            Thread started = (Thread) startVirtualThread.invokeExact(task);
        }
        done.await();
    }

    /** Forks {@link #TASKS} empty leaves, then joins them newest first (the worker runs them itself). */
    static final class FanOut extends RecursiveAction {
        @Override
        protected void compute() {
            Leaf[] leaves = new Leaf[TASKS];
            for (int i = 0; i < TASKS; i++) {
                leaves[i] = new Leaf();
                leaves[i].fork();
            }
            for (int i = TASKS - 1; i >= 0; i--) {
                leaves[i].join();
            }
        }
    }

    static final class Leaf extends RecursiveAction {
        @Override
        protected void compute() {
        }
    }
}
