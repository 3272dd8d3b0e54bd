package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A generation's live count kept in per-thread cells (DESIGN §2.7): exact when read, and never zero while a task
 * is live, although tasks are captured on one thread and released on another.
 */
@Timeout(60)
class LiveCountTest {
    private final LiveCount count = new LiveCount();

    @Test
    void aThreadThatCountsOnlyAFewTasksCountsThemExactly() throws Exception {
        for (int t = 0; t < 100; t++) { // each as a virtual thread does: one task captured, another released
            onNewThread(count::captured);
        }
        assertEquals(100, count.sum());
        for (int t = 0; t < 100; t++) {
            onNewThread(count::released);
        }
        assertEquals(0, count.sum());
    }

    @Test
    void aTaskCapturedHereAndReleasedElsewhereCountsUntilItsRelease() throws Exception {
        count.captured();
        assertEquals(1, count.sum());
        onNewThread(count::released);
        assertEquals(0, count.sum());
    }

    /**
     * One task stays live throughout while pairs of threads hand tasks over, each captured by its producer and
     * released by its consumer, and a reader sums the cells without pause: no reading may be below one. (Summing
     * a cell at a time, or the captures before the releases, reads zero here: a release seen, its capture not.)
     */
    @Test
    void neverReadsZeroWhileATaskIsLive() throws Exception {
        count.captured(); // the task that stays live
        int pairs = 3;
        int tasks = 100_000;
        AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
        AtomicLong readings = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        for (int p = 0; p < pairs; p++) {
            BlockingQueue<Object> handOff = new ArrayBlockingQueue<>(64);
            workers.add(thread(thrown, () -> {
                for (int i = 0; i < tasks; i++) {
                    count.captured();
                    handOff.put(Boolean.TRUE);
                }
            }));
            workers.add(thread(thrown, () -> {
                for (int i = 0; i < tasks; i++) {
                    handOff.take();
                    count.released();
                }
            }));
        }
        Thread reader = thread(thrown, () -> {
            while (workers.stream().anyMatch(Thread::isAlive)) {
                lowest.accumulateAndGet(count.sum(), Math::min);
                readings.incrementAndGet();
            }
        });
        for (Thread worker : workers) {
            worker.start();
        }
        reader.start();
        for (Thread worker : workers) {
            worker.join(50_000);
            assertTrue(!worker.isAlive(), "the hand-off ended");
        }
        reader.join(5_000);
        if (thrown.get() != null) {
            throw new AssertionError(thrown.get());
        }
        assertTrue(lowest.get() >= 1, "lowest reading " + lowest.get() + " of " + readings.get());
        assertEquals(1, count.sum());
        count.released();
        assertEquals(0, count.sum());
    }

    @Test
    void countsOfThreadsThatEndedAreKept() throws Exception {
        int threads = 40; // new cells sweep the cells of the threads that ended before
        for (int t = 0; t < threads; t++) {
            onNewThread(() -> {
                for (int i = 0; i < LiveCount.WARM_OPS; i++) { // in the shared counters, then in a cell
                    count.captured();
                    count.released();
                }
                count.captured();
                count.captured();
                count.released();
            });
        }
        assertEquals(threads, count.sum());
        for (int t = 0; t < threads; t++) {
            count.released();
        }
        assertEquals(0, count.sum());
    }

    @Test
    void aThreadCountingMoreGenerationsThanItKeepsCellsForCountsEachExactly() throws Exception {
        LiveCount[] counts = new LiveCount[LiveCount.MAX_CELLS + 3];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LiveCount();
        }
        onNewThread(() -> {
            for (int round = 0; round < 3; round++) {
                for (LiveCount c : counts) {
                    c.captured();
                    c.captured();
                }
                for (LiveCount c : counts) {
                    c.released();
                }
            }
        });
        for (LiveCount c : counts) {
            assertEquals(3, c.sum());
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread thread(AtomicReference<Throwable> thrown, Body body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.compareAndSet(null, e);
            }
        });
    }

    private static void onNewThread(Body body) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = thread(thrown, body);
        thread.start();
        thread.join(20_000);
        assertTrue(!thread.isAlive(), "the thread ended");
        if (thrown.get() != null) {
            throw new AssertionError(thrown.get());
        }
    }
}
