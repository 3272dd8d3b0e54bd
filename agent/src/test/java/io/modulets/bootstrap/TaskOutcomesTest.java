package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The counters of one generation's task runs: exact under contention, bounded whatever the failures. */
@Timeout(60)
class TaskOutcomesTest {
    @Test
    void countsEachTimedRunInTheBucketOfItsRunTimeWithItsWeight() {
        TaskOutcomes outcomes = new TaskOutcomes();
        outcomes.timed(0, 1);
        outcomes.timed(1, 1);
        outcomes.timed(1_000, 3); // standing for three runs
        outcomes.timed(1_500, 1);
        outcomes.timed(-5, 1); // a thread's start and end read on different CPUs: counted as 0

        long[] buckets = outcomes.runBuckets();
        assertEquals(2, buckets[0]);
        assertEquals(1, buckets[1]);
        assertEquals(3, buckets[LatencyHistogram.bucket(1_000)]);
        assertEquals(1, buckets[LatencyHistogram.bucket(1_500)]);
        assertEquals(7, Arrays.stream(buckets).sum());
        assertEquals(5, outcomes.timedRunCount(), "five runs timed, standing for seven");
        assertEquals(4_501, outcomes.runNanos());
        assertEquals(1_500, outcomes.maxRunNanos());
    }

    @Test
    void requestsAnsweredWithTheirLatencyAreTimedAndCounted() {
        TaskOutcomes outcomes = new TaskOutcomes();
        outcomes.answered(200, 2_000_000);
        outcomes.answered(503, 9_000_000);
        outcomes.answered(404); // its beginning not seen: counted, not timed

        assertEquals(3, outcomes.requestCount());
        assertEquals(1, outcomes.serverErrorCount());
        assertEquals(1, outcomes.clientErrorCount());
        long[] latencies = outcomes.requestLatencyBuckets();
        assertEquals(2, LatencyHistogram.total(latencies));
        assertEquals(1, latencies[LatencyHistogram.bucket(9_000_000)]);
    }

    @Test
    void concurrentRunsAreCountedExactlyInCellsAndSharedCounters() throws Exception {
        TaskOutcomes outcomes = new TaskOutcomes();
        int threads = 4;
        int runs = 50_000;
        CyclicBarrier go = new CyclicBarrier(threads + 1);
        CyclicBarrier done = new CyclicBarrier(threads + 1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            boolean ownCell = t % 2 == 0;
            workers[t] = new Thread(() -> {
                try {
                    TaskOutcomes.Cell cell = ownCell ? outcomes.newCell() : null;
                    go.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < runs; i++) {
                        if (cell != null) {
                            cell.started();
                            cell.ended();
                        } else {
                            outcomes.started();
                            outcomes.ended();
                        }
                        if (i % 10 == 0) {
                            outcomes.failed("E" + (i % 3));
                        }
                    }
                    done.await(30, TimeUnit.SECONDS); // counted while the cells' threads are alive
                    done.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            workers[t].start();
        }
        go.await(30, TimeUnit.SECONDS);
        done.await(30, TimeUnit.SECONDS);
        assertEquals((long) threads * runs, outcomes.startedCount());
        assertEquals((long) threads * runs, outcomes.endedCount());
        assertEquals((long) threads * runs / 10, outcomes.failedCount());
        long named = Arrays.stream(outcomes.exceptions(10)).mapToLong(c -> c.count).sum();
        assertEquals(outcomes.failedCount(), named, "three classes fit the table: every failure is named");
        done.await(30, TimeUnit.SECONDS);
        for (Thread worker : workers) {
            worker.join(20_000);
            assertTrue(!worker.isAlive());
        }
        for (int i = 0; i < 20; i++) {
            outcomes.newCell(); // enough new cells to sweep the cells of the threads that ended
        }
        assertEquals((long) threads * runs, outcomes.startedCount(), "a swept cell's counts are kept");
        assertEquals((long) threads * runs, outcomes.endedCount());
    }

    @Test
    void aFoldedCellsCountsAreKept() {
        TaskOutcomes outcomes = new TaskOutcomes();
        TaskOutcomes.Cell cell = outcomes.newCell();
        cell.started();
        cell.started();
        cell.ended();
        outcomes.fold(cell);
        outcomes.fold(cell); // twice: counted once
        assertEquals(2, outcomes.startedCount());
        assertEquals(1, outcomes.endedCount());
    }

    @Test
    void theExceptionTableIsExactWhileItHoldsEveryClass() {
        ExceptionTable table = new ExceptionTable(4);
        for (int i = 0; i < 5; i++) {
            table.add("a.A");
        }
        table.add("b.B");
        table.add("b.B");
        table.add("c.C");
        ExceptionTable.Count[] top = table.top(2);
        assertEquals(2, top.length);
        assertEquals("a.A", top[0].className);
        assertEquals(5, top[0].count);
        assertEquals("b.B", top[1].className);
        assertEquals(2, top[1].count);
        assertEquals(0, top[1].overcount);
    }

    @Test
    void aFrequentClassThatAppearsLateStillReachesTheTopInBoundedSpace() {
        ExceptionTable table = new ExceptionTable(4);
        for (int i = 0; i < 10_000; i++) {
            table.add("rare.E" + i); // ten thousand distinct classes, once each
        }
        for (int i = 0; i < 500; i++) {
            table.add("late.Frequent");
        }
        ExceptionTable.Count[] top = table.top(10);
        assertEquals(4, top.length, "never more entries than slots");
        assertEquals("late.Frequent", top[0].className);
        assertTrue(top[0].count >= 500, "a count is never too low");
        assertTrue(top[0].count - top[0].overcount <= 500, "the guaranteed part is at most the true count");
    }
}
