package matrix;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the peers broke by wrapping tasks (docs/JVM-NOTES.md, capture): the application must still see its own
 * task objects in the queue, in {@code beforeExecute}/{@code afterExecute} and in priority queues,
 * and the same instance submitted twice keeps two bindings. Prints "dont-break/… value".
 */
final class DontBreak {
    private DontBreak() {
    }

    /** A Comparable task: a wrapper in a PriorityBlockingQueue would throw ClassCastException. */
    static final class Prioritised implements Runnable, Comparable<Prioritised> {
        final int priority;
        final List<Integer> order;

        Prioritised(int priority, List<Integer> order) {
            this.priority = priority;
            this.order = order;
        }

        @Override
        public void run() {
            order.add(priority);
        }

        @Override
        public int compareTo(Prioritised other) {
            return Integer.compare(priority, other.priority);
        }
    }

    static void run() throws Exception {
        List<Object> before = Collections.synchronizedList(new ArrayList<>());
        List<Object> after = Collections.synchronizedList(new ArrayList<>());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                before.add(r);
            }

            @Override
            protected void afterExecute(Runnable r, Throwable t) {
                after.add(r);
            }
        };
        Runnable release = Point.blockWith(pool);
        CountDownLatch ran = new CountDownLatch(1);
        Runnable task = ran::countDown;
        pool.execute(task);
        Out.put("dont-break/queue-holds-the-task", pool.getQueue().peek() == task);
        release.run();
        Point.await(ran);
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        Out.put("dont-break/before-and-after-execute-see-the-task", before.contains(task) && after.contains(task));

        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        ThreadPoolExecutor prioritised = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new PriorityBlockingQueue<>());
        release = Point.blockWith(prioritised);
        try {
            for (int priority : new int[] {3, 1, 2}) {
                prioritised.execute(new Prioritised(priority, order));
            }
        } catch (ClassCastException e) {
            Out.put("dont-break/priority-queue", e);
        }
        release.run();
        prioritised.shutdown();
        prioritised.awaitTermination(10, TimeUnit.SECONDS);
        Out.put("dont-break/priority-queue-order", order);

        // The same instance submitted under two generations: each run keeps its own binding.
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        ThreadPoolExecutor twice = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        release = Point.blockWith(twice);
        CountDownLatch both = new CountDownLatch(2);
        Runnable same = () -> {
            seen.add(Matrix.seen());
            both.countDown();
        };
        int first = Gens.currentMagic();
        twice.execute(same);
        int second = first == 1003 ? 1002 : 1003;
        Gens.swapTo(second);
        twice.execute(same);
        release.run();
        Point.await(both);
        twice.shutdown();
        Collections.sort(seen);
        List<String> expected = new ArrayList<>(List.of(String.valueOf(first), String.valueOf(second)));
        Collections.sort(expected);
        Out.put("dont-break/same-instance-twice", seen.equals(expected) ? "ok" : seen + " expected " + expected);
    }
}
