package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.modulets.testing.Collections;

/** The table behind the map path: identity, one entry per submission, rebuilds that lose nothing, collection. */
@Timeout(60)
class TaskTableTest {
    /** Equal by value but distinct: the table must tell them apart. */
    private record Task(String name) {
    }

    private final AtomicInteger collected = new AtomicInteger();
    private final TaskTable table = new TaskTable(captured -> collected.incrementAndGet());

    @Test
    void tasksAreComparedByIdentity() {
        Task a = new Task("t");
        Task b = new Task("t");
        table.add(a, "A");
        assertNull(table.takeAny(b));
        table.add(b, "B");
        assertEquals("A", table.takeAny(a));
        assertNull(table.takeAny(a), "taken once");
        assertEquals("B", table.takeAny(b));
    }

    @Test
    void aKeptCaptureStaysForEveryTakeUntilTakenOut() {
        Object task = new Object();
        table.add(task, 42);
        assertEquals(42, table.take(task, Integer.class));
        assertEquals(42, table.take(task, Integer.class));
        assertEquals(42, table.takeAny(task));
        assertNull(table.take(task, Integer.class));
    }

    @Test
    void everySubmissionOfOneInstanceIsTakenOnce() {
        Object task = new Object();
        table.add(task, "first");
        table.add(task, "second");
        List<Object> taken = new ArrayList<>();
        table.takeAll(task, taken::add);
        assertEquals(2, taken.size());
        assertEquals(List.of("first", "second"), taken.stream().sorted().toList());
        assertEquals(0, table.size());
    }

    @Test
    void manyPendingTasksSurviveTheRebuildsTheyCause() {
        List<Object> tasks = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            Object task = new Object();
            tasks.add(task);
            table.add(task, i);
        }
        assertEquals(20_000, table.size());
        for (int i = 0; i < tasks.size(); i++) {
            assertEquals(i, table.takeAny(tasks.get(i)), "task " + i);
        }
        assertEquals(0, table.size());
        // taken entries leave dead slots that later submissions reuse or a rebuild drops
        for (int i = 0; i < 100_000; i++) {
            Object task = new Object();
            table.add(task, i);
            assertEquals(i, table.takeAny(task));
        }
        assertEquals(0, table.size());
    }

    @Test
    void racingSubmissionsAndTakesAcrossRebuildsTakeEachCaptureExactlyOnce() throws Exception {
        int threads = 4;
        int perThread = 50_000;
        AtomicInteger taken = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService racers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < threads; r++) {
                done.add(racers.submit(() -> {
                    start.await();
                    // Keep a window of pending tasks so that the table grows, is rebuilt and shrinks
                    // while the other threads submit and take.
                    Object[] window = new Object[512];
                    for (int i = 0; i < perThread; i++) {
                        int at = i % window.length;
                        if (window[at] != null && table.takeAny(window[at]) != null) {
                            taken.incrementAndGet();
                        }
                        Object task = new Object();
                        table.add(task, i);
                        window[at] = task;
                    }
                    for (Object task : window) {
                        if (table.takeAny(task) != null) {
                            taken.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            racers.shutdownNow();
        }
        assertEquals(threads * perThread, taken.get(), "every submission taken once, none lost in a rebuild");
        assertEquals(0, table.size());
    }

    @Test
    void aTaskIsFoundWhileRebuildsMoveIt() throws Exception {
        // Submitters keep adding (the table grows: each rebuild copies every pending task) and hand each
        // task to the runners, which must find it whichever table it is in at that moment.
        int submitted = 200_000;
        ConcurrentLinkedQueue<Object> handed = new ConcurrentLinkedQueue<>();
        AtomicInteger added = new AtomicInteger();
        AtomicInteger found = new AtomicInteger();
        AtomicInteger missed = new AtomicInteger();
        CountDownLatch submittersDone = new CountDownLatch(2);
        ExecutorService racers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                done.add(racers.submit(() -> {
                    for (int i; (i = added.getAndIncrement()) < submitted; ) {
                        Object task = new Object();
                        table.add(task, i);
                        handed.add(task);
                    }
                    submittersDone.countDown();
                    return null;
                }));
                done.add(racers.submit(() -> {
                    for (;;) {
                        Object task = handed.poll();
                        if (task == null) {
                            if (submittersDone.getCount() == 0 && handed.isEmpty()) {
                                return null;
                            }
                            Thread.onSpinWait();
                        } else if (table.takeAny(task) != null) {
                            found.incrementAndGet();
                        } else {
                            missed.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            racers.shutdownNow();
        }
        assertEquals(0, missed.get(), "a pending task was not found");
        assertEquals(submitted, found.get());
        assertEquals(0, table.size());
    }

    @Test
    void aBurstOfRunTasksLeavesNothingBehindOnceCollected() throws InterruptedException {
        addAndRun(10_000); // on a frame of its own: no stale local slot of this one keeps the burst reachable
        Collections.awaitAfterCollections(() -> {
            table.size(); // hands over collected entries on the way, as the reclaimer thread does
            return table.entriesHeld() == 0;
        });
        assertEquals(0, table.entriesHeld(), "the run tasks' entries were dropped once the tasks were collected");
        assertEquals(0, collected.get(), "nothing was pending: nothing handed over");
    }

    private void addAndRun(int tasks) {
        List<Object> burst = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            Object task = new Object();
            burst.add(task);
            table.add(task, i);
        }
        for (Object task : burst) {
            table.takeAny(task);
        }
        assertEquals(0, table.size());
    }

    @Test
    void aTaskCollectedWithItsCaptureHandsItOver() throws InterruptedException {
        Object task = new Object();
        WeakReference<Object> watch = new WeakReference<>(task);
        table.add(task, "dropped");
        Object ran = new Object();
        table.add(ran, "ran");
        assertEquals("ran", table.takeAny(ran));
        task = null;
        // The JVM clears the task at a collection and the Reference Handler enqueues its entry a little
        // later: wait for that, bounded.
        Collections.awaitAfterCollections(() -> {
            table.size(); // hands over collected entries on the way, as every add does
            return collected.get() != 0;
        });
        assertNull(watch.get(), "the task was collected");
        assertEquals(1, collected.get(), "the dropped task's capture was handed over, the run one's was not");
        assertEquals(0, table.size());
    }
}
