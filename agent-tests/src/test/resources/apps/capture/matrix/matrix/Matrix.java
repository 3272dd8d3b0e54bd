package matrix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimerTask;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import capture.mod.Magic;

/**
 * The conformance matrix of CaptureMatrixIT: every submission point × {root task submitted before a
 * swap and run after it, child task, waiting submitters, periodic, cancelled, throws}, then the live
 * count of every generation. Generation 1000 makes the workers, 1001 is current for the root tasks
 * and binds the parent of the child tasks, 1002 and 1003 come later. Prints sorted "key value" lines.
 * Args: versionsDir modulesDir.
 */
public final class Matrix {
    private Matrix() {
    }

    public static void main(String[] args) throws Exception {
        Gens.versions = Path.of(args[0]);
        Gens.modules = Path.of(args[1]);
        Gens.recordCurrent();
        List<Point> points = Points.all(Runtime.version().feature());
        Own.make(points); // swappable task objects of generation 1000
        for (Point point : points) {
            point.warm(); // every worker is made under generation 1000
        }
        Gens.swapTo(1001);

        CountDownLatch childGo = new CountDownLatch(1);
        List<Runnable> stopChildPeriodic = new CopyOnWriteArrayList<>();
        Map<String, List<String>> childPeriodicRuns = new ConcurrentHashMap<>();
        Thread parent = new Thread(() -> {
            Point.await(childGo);
            childTasks(points);
            stopChildPeriodic.addAll(periodic("periodic-child/", childPeriodicRuns));
        }, "parent");
        parent.start(); // bound to 1001

        rootTasksRunAfterSwap(points);
        childGo.countDown();
        parent.join(60_000);
        rootTasksOfWaitingSubmitters(points);
        periodicRootTasks();
        awaitEachRan(childPeriodicRuns, 1001);
        stopChildPeriodic.forEach(Runnable::run);
        cancelled(points);
        throwing(points);
        Own.submitAll(points);
        DontBreak.run();
        Counting.run();
        shutDown();
        liveCounts();
        Out.printAll();
        Out.print("done", "");
    }

    static String seen() {
        boolean context = Thread.currentThread().getContextClassLoader() == Magic.class.getClassLoader();
        return Magic.magic() + (context ? "" : " wrong-context-loader");
    }

    /** Root tasks submitted under 1001 to busy pools; they start, or read again, after the swap to 1002. */
    static void rootTasksRunAfterSwap(List<Point> points) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<Runnable> releases = new ArrayList<>();
        List<CountDownLatch> done = new ArrayList<>();
        for (Point point : points) {
            if (!point.waitsForTask) {
                releases.add(point.block());
            }
        }
        for (Point point : points) {
            if (point.waitsForTask) {
                continue;
            }
            CountDownLatch finished = new CountDownLatch(1);
            done.add(finished);
            point.submit(() -> {
                String before = seen();
                Point.await(gate);
                Out.put("root/" + point, before + "/" + seen());
                finished.countDown();
            });
        }
        Gens.swapTo(1002);
        gate.countDown();
        releases.forEach(Runnable::run);
        done.forEach(Point::await);
    }

    /** On the parent bound to 1001, with 1002 current: every point, waiting ones too. */
    static void childTasks(List<Point> points) {
        for (Point point : points) {
            CountDownLatch finished = new CountDownLatch(1);
            try {
                point.submit(() -> {
                    Out.put("child/" + point, seen());
                    finished.countDown();
                });
            } catch (Exception e) {
                Out.put("child/" + point, "failed " + e);
                continue;
            }
            Point.await(finished);
        }
    }

    /**
     * invokeAll, invoke, parallel streams: the submitter waits, so another thread swaps while the task
     * runs. The task reads before and after the swap; both reads must be the generation current at
     * submission.
     */
    static void rootTasksOfWaitingSubmitters(List<Point> points) throws Exception {
        int next = 1003;
        for (Point point : points) {
            if (!point.waitsForTask) {
                continue;
            }
            int submittedUnder = Gens.currentMagic();
            int swapTo = next;
            next = next == 1003 ? 1002 : 1003;
            CountDownLatch arrived = new CountDownLatch(1);
            CountDownLatch gate = new CountDownLatch(1);
            Thread swapper = new Thread(() -> {
                Point.await(arrived);
                try {
                    Gens.swapTo(swapTo);
                } catch (Exception e) {
                    Out.put("swapper", e);
                }
                gate.countDown();
            });
            swapper.start();
            point.submit(() -> {
                String before = seen();
                arrived.countDown();
                Point.await(gate);
                Out.put("root-waiting/" + point, "submitted=" + submittedUnder + " saw=" + before + "/" + seen());
            });
            swapper.join(30_000);
        }
    }

    /** Periodic tasks: a root one binds afresh at each run; a child one keeps its binding for every run. */
    static List<Runnable> periodic(String prefix, Map<String, List<String>> runsByKind) {
        List<Runnable> stops = new ArrayList<>();
        ScheduledThreadPoolExecutor pool = Points.pool(new ScheduledThreadPoolExecutor(1));
        List<String> kinds = new ArrayList<>(List.of("stpe-fixed-rate", "stpe-fixed-delay", "timer-repeating"));
        ForkJoinPool forkJoin = Runtime.version().feature() >= 25 ? Points.pool(new ForkJoinPool(1)) : null;
        if (forkJoin != null) {
            kinds.addAll(List.of("fjp-fixed-rate", "fjp-fixed-delay"));
        }
        for (String kind : kinds) {
            List<String> runs = new CopyOnWriteArrayList<>();
            runsByKind.put(kind, runs);
            Runnable body = () -> runs.add(seen());
            Runnable stop;
            if (kind.startsWith("fjp-")) {
                // 25+, by reflection: the shell is compiled for 17
                ScheduledFuture<?> future = scheduleForkJoin(forkJoin, kind.equals("fjp-fixed-rate")
                        ? "scheduleAtFixedRate" : "scheduleWithFixedDelay", body);
                stop = () -> future.cancel(false);
            } else if (kind.equals("timer-repeating")) {
                TimerTask task = Points.timerTask(body);
                Points.timer().schedule(task, 0, 5);
                stop = task::cancel;
            } else {
                ScheduledFuture<?> future = kind.equals("stpe-fixed-rate")
                        ? pool.scheduleAtFixedRate(body, 0, 5, TimeUnit.MILLISECONDS)
                        : pool.scheduleWithFixedDelay(body, 0, 5, TimeUnit.MILLISECONDS);
                stop = () -> future.cancel(false);
            }
            stops.add(() -> {
                stop.run();
                Out.put(prefix + kind, summary(runs));
            });
        }
        return stops;
    }

    /**
     * Waits until every periodic task has run at least once seeing {@code magic}: a loaded machine may not run a
     * 5 ms periodic task for a while, so no fixed sleep is long enough. Bounded: a task that never sees it (the
     * binding this checks is wrong) is reported by its summary once stopped.
     */
    static void awaitEachRan(Map<String, List<String>> runsByKind, int magic) throws InterruptedException {
        String value = Integer.toString(magic);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!runsByKind.values().stream().allMatch(runs -> runs.stream().anyMatch(v -> v.startsWith(value)))
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** {@code pool.method(body, 0, 5 ms)}: a periodic task of 25+'s ForkJoinPool, by reflection (compiled for 17). */
    private static ScheduledFuture<?> scheduleForkJoin(ForkJoinPool pool, String method, Runnable body) {
        try {
            return (ScheduledFuture<?>) ForkJoinPool.class.getMethod(method, Runnable.class, long.class, long.class,
                    TimeUnit.class).invoke(pool, body, 0L, 5L, TimeUnit.MILLISECONDS);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The distinct values in run order, e.g. "1002>1003"; a value seen again after another shows as such. */
    static String summary(List<String> runs) {
        StringBuilder order = new StringBuilder();
        String last = null;
        for (String run : runs) {
            if (!run.equals(last)) {
                order.append(last == null ? "" : ">").append(run);
                last = run;
            }
        }
        return order.toString();
    }

    static void periodicRootTasks() throws Exception {
        int before = Gens.currentMagic();
        int after = before == 1003 ? 1002 : 1003;
        Map<String, List<String>> runs = new ConcurrentHashMap<>();
        List<Runnable> stops = periodic("periodic-root/", runs);
        awaitEachRan(runs, before); // runs under the first generation (5 ms period)
        Gens.swapTo(after);
        awaitEachRan(runs, after); // and under the next
        stops.forEach(Runnable::run);
        Out.put("periodic-root/expected", before + ">" + Gens.currentMagic());
    }

    /** Busy point, task submitted, cancelled, point freed, a follow-up task drains it: the task never runs. */
    static void cancelled(List<Point> points) throws Exception {
        for (Point point : points) {
            if (!point.cancellable()) {
                continue;
            }
            Runnable release = point.block();
            boolean[] ran = {false};
            Object handle = point.submit(() -> ran[0] = true);
            boolean cancelled = point.cancel(handle);
            release.run();
            CountDownLatch after = new CountDownLatch(1);
            point.submit(after::countDown);
            Point.await(after);
            Out.put("cancelled/" + point, "cancelled=" + cancelled + " ran=" + ran[0]);
        }
    }

    /** A task that throws still ran bound; the count check at the end shows it was released. */
    static void throwing(List<Point> points) throws Exception {
        String expected = String.valueOf(Gens.currentMagic());
        Out.put("throws/expected", expected);
        for (Point point : points) {
            CountDownLatch finished = new CountDownLatch(1);
            try {
                point.submit(() -> {
                    Out.put("throws/" + point, seen());
                    finished.countDown();
                    throw new IllegalStateException("thrown on purpose");
                });
            } catch (RuntimeException thrownBackToTheSubmitter) {
                // invoke, invokeAll, parallel streams rethrow it
            } catch (java.util.concurrent.ExecutionException thrownBackToTheSubmitter) {
                // invokeAny
            }
            Point.await(finished);
        }
    }

    static void shutDown() throws InterruptedException {
        Points.loop.stop();
        Points.completer.interrupt();
        Points.completer.join(10_000);
        Points.TIMERS.forEach(java.util.Timer::cancel);
        for (ExecutorService pool : Points.POOLS) {
            pool.shutdown();
        }
        for (ExecutorService pool : Points.POOLS) {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Every task ended or never ran: no generation has a live task left (a few GCs for the dropped ones). */
    static void liveCounts() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Supplier<Boolean> allZero = () -> Gens.LOADERS.values().stream().allMatch(l -> Gens.live(l) == 0);
        while (!allZero.get() && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        for (Map.Entry<Integer, ClassLoader> e : Gens.LOADERS.entrySet()) {
            Out.put("live/" + e.getKey(), Gens.live(e.getValue()));
        }
        Out.put("pending", io.modulets.bootstrap.TestSeams.describePending());
    }
}
