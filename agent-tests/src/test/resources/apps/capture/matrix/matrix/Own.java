package matrix;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import capture.mod.Recorder;

/**
 * Tasks whose own class is swappable, made under generation 1000 and submitted much later from
 * unbound code: through every adapter the JDK wraps them in (FutureTask, ForkJoinTask.adapt,
 * CompletableFuture.runAsync, …) they must run bound to 1000, so shell code they call sees 1000.
 */
public final class Own {
    static final Map<String, CountDownLatch> DONE = new ConcurrentHashMap<>();
    static final Map<String, Runnable> TASKS = new ConcurrentHashMap<>();

    private Own() {
    }

    /** Called under generation 1000: one task per point. */
    static void make(Iterable<Point> points) {
        for (Point point : points) {
            if (point.takesOwnTasks()) {
                String key = "own/" + point;
                DONE.put(key, new CountDownLatch(1));
                TASKS.put(key, new Recorder(key));
            }
        }
    }

    /** The swappable task calls back here: shell code, resolving in the task's binding. */
    public static void ran(String key, int own) {
        Out.put(key, Matrix.seen() + " own=" + own);
        DONE.get(key).countDown();
    }

    static void submitAll(Iterable<Point> points) throws Exception {
        for (Point point : points) {
            Runnable task = TASKS.get("own/" + point);
            if (task != null) {
                point.submit(task);
                Point.await(DONE.get("own/" + point));
            }
        }
    }
}
