package oc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child of OutcomesIT. At start it submits the driver, a root task of generation 1 that waits for
 * {@code go}; the test activates generation 2 first, so that generation 1 then runs nothing but the
 * driver and the tasks it submits (each a child task, bound to generation 1): known numbers of tasks of
 * each kind, ending normally or by a known exception class. Every task has ended when it prints
 * {@code done} (pools terminated, threads joined), except one thread, the holder, which keeps
 * generation 1 loaded until stdin closes. The driver says {@code driver waiting} once it runs. Commands:
 * {@code go}, {@code ping} (answers {@code pong}).
 */
public final class Main {
    private static final CountDownLatch GO = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    /**
     * Sources of dependent stages that the driver registers and main (an unbound thread) completes: a stage
     * is a run where it fires its function, so a two-source stage is one run (when its second source
     * completes), an async stage one run on its executor, and the driver waiting in join() none.
     */
    private static final CompletableFuture<Integer> SOURCE = new CompletableFuture<>();
    private static final CompletableFuture<Integer> SECOND = new CompletableFuture<>();
    /**
     * The async stage's own source. On SOURCE, the worker that ran it would fire SOURCE's remaining
     * stages itself after its run (CompletableFuture's postFire helps), and a stage fired inside a task
     * of its own generation is part of that task, not a run: the count would depend on which thread won.
     */
    private static final CompletableFuture<Integer> THIRD = new CompletableFuture<>();
    private static final CountDownLatch STAGES_REGISTERED = new CountDownLatch(1);

    public static void main(String[] args) throws Exception {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> { }); // expected failures: keep stderr for the log
        ExecutorService drivers = Executors.newSingleThreadExecutor();
        say("ready " + ProcessHandle.current().pid()); // before the driver's first line
        drivers.submit(Main::drive);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "ping" -> say("pong");
                case "go" -> {
                    GO.countDown();
                    STAGES_REGISTERED.await();
                    SOURCE.complete(1);
                    SECOND.complete(2);
                    THIRD.complete(3);
                    drivers.shutdown();
                    if (!drivers.awaitTermination(60, TimeUnit.SECONDS)) {
                        say("failed: the driver did not end");
                    }
                    say("done");
                }
                default -> say("unknown " + line);
            }
        }
        RELEASE.countDown();
    }

    private static Void drive() throws Exception {
        say("driver waiting");
        GO.await();
        say("driver version " + oc.mod.Work.version());
        Thread holder = new Thread(() -> {
            try {
                RELEASE.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "holder");
        holder.setDaemon(true);
        holder.start();

        // ThreadPoolExecutor.execute: 3 normal, 2 thrown out of run()
        ExecutorService pool = Executors.newFixedThreadPool(2);
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> oc.mod.Work.version());
        }
        for (int i = 0; i < 2; i++) {
            pool.execute(() -> oc.mod.Work.fail(new IllegalStateException("execute")));
        }
        // ThreadPoolExecutor.submit: 3 normal (one runs at least 50 ms), 2 recorded by FutureTask.setException
        pool.submit(() -> sleep(50));
        for (int i = 0; i < 2; i++) {
            pool.submit(() -> oc.mod.Work.version());
        }
        for (int i = 0; i < 2; i++) {
            pool.submit(() -> oc.mod.Work.fail(new ArithmeticException("submit")));
        }
        // CompletableFuture async tasks on a pool: 2 normal, 1 completing exceptionally
        List<CompletableFuture<?>> async = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            async.add(CompletableFuture.supplyAsync(() -> oc.mod.Work.version(), pool));
        }
        async.add(CompletableFuture.supplyAsync(() -> oc.mod.Work.fail(new IndexOutOfBoundsException("async")), pool));
        // dependent stages fired by main: 3 normal (one of two sources, one async on the pool), 1 exceptionally
        SOURCE.thenApply(v -> v + oc.mod.Work.version());
        SOURCE.thenApply(v -> oc.mod.Work.fail(new NegativeArraySizeException("stage")));
        CompletableFuture<Integer> combined = SOURCE.thenCombine(SECOND, (a, b) -> a + b + oc.mod.Work.version());
        // The async stage is handed to its executor by main (unbound), inside THIRD.complete: an executor that returns
        // only once the stage has run on another thread (its dependent cleared) makes the hand-over look as if it had
        // fired the stage itself, which once counted it as a second run (1 CI run in 30 on JDK 25: a busy machine
        // let the pool run it first).
        CountDownLatch stageRan = new CountDownLatch(1);
        ExecutorService stagePool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
            @Override
            protected void afterExecute(Runnable task, Throwable failure) {
                stageRan.countDown();
            }
        };
        Executor handOverAndWait = task -> {
            stagePool.execute(task);
            try {
                stageRan.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CompletableFuture<Integer> asyncStage = THIRD.thenApplyAsync(v -> v + oc.mod.Work.version(), handOverAndWait);
        STAGES_REGISTERED.countDown();

        // ForkJoinPool: 2 normal, 1 whose exec() throws
        ForkJoinPool forkJoin = new ForkJoinPool(2);
        for (int i = 0; i < 2; i++) {
            forkJoin.submit(() -> oc.mod.Work.version());
        }
        forkJoin.submit(() -> oc.mod.Work.fail(new ClassCastException("fork/join")));
        if (Runtime.version().feature() >= 21) {
            // 20+'s public externalSubmit, which on 25 pushes the task itself, not through the pool's usual path
            ForkJoinPool.class.getMethod("externalSubmit", ForkJoinTask.class)
                    .invoke(forkJoin, ForkJoinTask.adapt(() -> oc.mod.Work.version()));
        }

        // threads: 1 normal, 1 whose body throws; on 21+, the same with virtual threads
        List<Thread> threads = new ArrayList<>();
        threads.add(start(new Thread(() -> oc.mod.Work.version())));
        threads.add(start(new Thread(() -> oc.mod.Work.fail(new UnsupportedOperationException("thread")))));
        if (Runtime.version().feature() >= 21) {
            threads.add(virtual(() -> oc.mod.Work.version()));
            threads.add(virtual(() -> oc.mod.Work.fail(new SecurityException("virtual thread"))));
        }

        // a periodic task: three runs end normally, the fourth throws (and ends it)
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
        CountDownLatch fourRuns = new CountDownLatch(4);
        AtomicInteger runs = new AtomicInteger();
        scheduler.scheduleAtFixedRate(() -> {
            fourRuns.countDown();
            if (runs.incrementAndGet() == 4) {
                oc.mod.Work.fail(new IllegalArgumentException("periodic"));
            }
        }, 0, 5, TimeUnit.MILLISECONDS);

        fourRuns.await();
        asyncStage.join(); // before the pool shuts down; a wait is no run
        combined.join();
        for (Thread t : threads) {
            t.join();
        }
        for (ExecutorService each : List.of(pool, forkJoin, scheduler, stagePool)) {
            each.shutdown();
            if (!each.awaitTermination(60, TimeUnit.SECONDS)) {
                say("failed: " + each + " did not terminate");
            }
        }
        return null;
    }

    private static Thread start(Thread thread) {
        thread.start();
        return thread;
    }

    private static Thread virtual(Runnable body) throws ReflectiveOperationException {
        return (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, body);
    }

    private static Object sleep(long millis) throws InterruptedException {
        Thread.sleep(millis); // a known least run time
        return null;
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
