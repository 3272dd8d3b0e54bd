package modulets.bench.capture;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.TestSeams;

/**
 * The hooks' cost as CPU time, for a machine too loaded for JMH's wall-clock scores to resolve nanoseconds (other
 * processes take the cores away for whole time slices; CPU time counts only what the measured threads ran).
 * Per operation, the minimum and the quartiles over batches after a warm-up:
 * <ul>
 *   <li>{@code run}: one task run bound from an unbound thread and unbound, as a pool worker's hook makes it
 *       ({@code RunCounting.runBoundFromUnbound}; needs the agent), this thread's CPU time;</li>
 *   <li>{@code execute}, {@code executeFresh}: {@code execute} of one task object, or a new one per call, on a
 *       saturated pool whose CallerRunsPolicy runs it here ({@code CaptureHooks}), this thread's CPU time;</li>
 *   <li>{@code batch}: 1,000 new lambdas {@code execute}d on a one-thread pool and waited for
 *       ({@code TaskBatches.threadPoolExecute}): the CPU time of the submitter and the worker per task, cache misses
 *       on the lines the two share included;</li>
 *   <li>{@code forkJoinBatch}: the same with {@code ForkJoinPool.submit} from outside a one-worker pool
 *       ({@code TaskBatches.forkJoinSubmit});</li>
 *   <li>{@code stage}, {@code stageInTask}: a dependent {@code CompletableFuture} stage registered and fired on this
 *       thread, unbound, or inside a bound run of the generation it is registered in (then part of that run): the
 *       stage hooks' cost where no run is counted, this thread's CPU time ({@code stage} also without the agent);</li>
 *   <li>{@code liveCount}: the generation's live count alone, one thread capturing and another releasing at once
 *       (needs the agent): the two threads' CPU time per task, the line they share, if any, included.</li>
 * </ul>
 * Run it per agent build, alternating builds, and compare:
 * {@code java [-javaagent:…] -cp benchmarks.jar modulets.bench.capture.HookCpuTime OP [BATCHES] [OPS_PER_BATCH]}.
 */
public final class HookCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Runnable EMPTY = () -> { };
    private static int steps;

    private HookCpuTime() {
    }

    /** The CPU time of {@code ops} calls of {@code op} on this thread, begun with the other party of {@code start}. */
    private static long timed(CyclicBarrier start, int ops, Runnable op) {
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long begin = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < ops; i++) {
            op.run();
        }
        return THREADS.getCurrentThreadCpuTime() - begin;
    }

    /**
     * Fills {@code perOp} with the CPU time of this thread and {@code worker} per task, each batch {@code ops} tasks
     * given to {@code submit} 1,000 at a time and waited for.
     */
    private static void timeBatches(double[] perOp, int ops, Thread worker, Consumer<Runnable> submit)
            throws InterruptedException {
        int perBatch = 1_000;
        int rounds = Math.max(1, ops / perBatch);
        for (int b = 0; b < perOp.length; b++) {
            long start = THREADS.getCurrentThreadCpuTime() + THREADS.getThreadCpuTime(worker.getId());
            for (int round = 0; round < rounds; round++) {
                CountDownLatch done = new CountDownLatch(perBatch);
                for (int i = 0; i < perBatch; i++) {
                    submit.accept(done::countDown);
                }
                done.await();
            }
            long end = THREADS.getCurrentThreadCpuTime() + THREADS.getThreadCpuTime(worker.getId());
            perOp[b] = (end - start) / (double) (rounds * perBatch);
        }
    }

    public static void main(String[] args) throws Exception {
        String op = args[0];
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int ops = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        double[] perOp = new double[batches];
        switch (op) {
            case "run" -> {
                ClassLoader generation = Bindings.current();
                Runnable bindOnce = () -> TestSeams.runBound(generation, EMPTY);
                for (int b = 0; b < batches; b++) {
                    long start = THREADS.getCurrentThreadCpuTime();
                    for (int i = 0; i < ops; i++) {
                        TestSeams.runUnbound(bindOnce);
                    }
                    perOp[b] = (THREADS.getCurrentThreadCpuTime() - start) / (double) ops;
                }
            }
            case "execute", "executeFresh" -> {
                boolean fresh = op.equals("executeFresh");
                try (SaturatedPool pool = new SaturatedPool()) {
                    for (int b = 0; b < batches; b++) {
                        long start = THREADS.getCurrentThreadCpuTime();
                        for (int i = 0; i < ops; i++) {
                            pool.execute(fresh ? () -> steps++ : EMPTY);
                        }
                        perOp[b] = (THREADS.getCurrentThreadCpuTime() - start) / (double) ops;
                    }
                }
            }
            case "batch" -> {
                Thread[] worker = new Thread[1];
                ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                        body -> worker[0] = new Thread(body));
                pool.prestartAllCoreThreads();
                timeBatches(perOp, ops, worker[0], pool::execute);
                pool.shutdown();
            }
            case "forkJoinBatch" -> {
                Thread[] worker = new Thread[1];
                ForkJoinPool pool = new ForkJoinPool(1, p -> {
                    ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                    worker[0] = thread;
                    return thread;
                }, null, false);
                pool.submit(EMPTY).join(); // the worker exists from here on
                timeBatches(perOp, ops, worker[0], task -> pool.submit(task));
                pool.shutdown();
            }
            case "stage", "stageInTask" -> {
                // "stage" runs without the agent too (the reference): Bindings is linked only in a task
                ClassLoader generation = op.equals("stageInTask") ? Bindings.current() : null;
                java.util.function.Function<Integer, Integer> increment = x -> x + 1;
                Runnable stage = () -> {
                    java.util.concurrent.CompletableFuture<Integer> source = new java.util.concurrent.CompletableFuture<>();
                    java.util.concurrent.CompletableFuture<Integer> dependent = source.thenApply(increment);
                    source.complete(steps);
                    steps += dependent.join();
                };
                Runnable batch = () -> {
                    for (int i = 0; i < ops; i++) {
                        stage.run();
                    }
                };
                for (int b = 0; b < batches; b++) {
                    long start = THREADS.getCurrentThreadCpuTime();
                    if (op.equals("stage")) {
                        batch.run();
                    } else {
                        TestSeams.runBound(generation, batch);
                    }
                    perOp[b] = (THREADS.getCurrentThreadCpuTime() - start) / (double) ops;
                }
            }
            case "liveCount" -> {
                GenerationLoader generation = (GenerationLoader) Bindings.current();
                for (int b = 0; b < batches; b++) {
                    long[] cpu = new long[2];
                    CyclicBarrier start = new CyclicBarrier(2);
                    Thread capturer = new Thread(() -> cpu[0] = timed(start, ops, generation::taskCaptured));
                    Thread releaser = new Thread(() -> cpu[1] = timed(start, ops, generation::taskReleased));
                    capturer.start();
                    releaser.start();
                    capturer.join();
                    releaser.join();
                    perOp[b] = (cpu[0] + cpu[1]) / (double) ops;
                }
            }
            default -> throw new IllegalArgumentException("no operation " + op + " (run, execute, executeFresh, batch, forkJoinBatch, stage, stageInTask, liveCount)");
        }
        double[] measured = Arrays.copyOfRange(perOp, batches / 3, batches); // the first third warms up
        Arrays.sort(measured);
        int n = measured.length;
        System.out.printf("%s: CPU ns per op over %d batches of %,d: min %.2f p25 %.2f median %.2f%n", op, n, ops,
                measured[0], measured[n / 4], measured[n / 2]);
    }
}
