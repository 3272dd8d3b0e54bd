package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What counts as one task run and as its failure (DESIGN §4, "Outcomes"), through the run hooks of
 * {@link Bindings} called directly: the capture ITs check them in instrumented JDK classes.
 */
@Timeout(30)
class TaskRunsTest {
    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();

    private static long ended(TaskOutcomes outcomes) {
        return outcomes.endedCount();
    }

    private static String topException(TaskOutcomes outcomes) {
        ExceptionTable.Count[] top = outcomes.exceptions(1);
        return top.length == 0 ? null : top[0].className + " " + top[0].count;
    }

    @Test
    void aRunThatReturnsCompletes() {
        TestSeams.runBound(g1, () -> { });
        assertEquals(1, g1.outcomes.startedCount());
        assertEquals(1, ended(g1.outcomes));
        assertEquals(0, g1.outcomes.failedCount());
    }

    @Test
    void aRunWhoseBodyThrowsFailsWithTheExceptionClass() {
        assertThrows(IllegalStateException.class,
                () -> TestSeams.runBound(g1, () -> { throw new IllegalStateException(); }));
        assertEquals(1, g1.outcomes.startedCount());
        assertEquals(1, g1.outcomes.failedCount());
        assertEquals("java.lang.IllegalStateException 1", topException(g1.outcomes));
    }

    @Test
    void aFailureSeenByTwoHooksCountsOnce() {
        // A FutureTask run as a task: setException records it; a body that then also throws is the same run.
        assertThrows(IllegalArgumentException.class, () -> TestSeams.runBound(g1, () -> {
            DroppedTaskHooks.onFutureDone(new Object(), new IllegalArgumentException());
            throw new IllegalArgumentException();
        }));
        assertEquals(1, g1.outcomes.failedCount());
        assertEquals(1, ended(g1.outcomes));
        assertEquals("java.lang.IllegalArgumentException 1", topException(g1.outcomes));
    }

    @Test
    void theFirstFailureOfARunNamesIt() {
        TestSeams.runBound(g1, () -> {
            StageHooks.onStageFailed(new ArithmeticException());
            DroppedTaskHooks.onFutureDone(new Object(), new IllegalStateException());
        });
        assertEquals(1, g1.outcomes.failedCount());
        assertEquals("java.lang.ArithmeticException 1", topException(g1.outcomes));
    }

    @Test
    void aRunInsideARunOfTheSameGenerationIsPartOfIt() {
        TestSeams.runBound(g1, () -> TestSeams.runBound(g1, () -> { }));
        assertEquals(1, g1.outcomes.startedCount());
        assertEquals(1, ended(g1.outcomes));
    }

    @Test
    void aCaughtThrowOfANestedRunIsNoFailure() {
        TestSeams.runBound(g1, () -> {
            try {
                TestSeams.runBound(g1, () -> { throw new IllegalStateException(); });
            } catch (IllegalStateException handled) {
                // the enclosing task handles it
            }
        });
        assertEquals(0, g1.outcomes.failedCount());
        assertEquals(1, ended(g1.outcomes));
    }

    @Test
    void aRunOfAnotherGenerationInsideARunIsCountedThereAndFailsAlone() {
        TestSeams.runBound(g1, () -> {
            TestSeams.runBound(g2, () -> StageHooks.onStageFailed(new IllegalStateException()));
        });
        assertEquals(1, g1.outcomes.startedCount());
        assertEquals(0, g1.outcomes.failedCount(), "the inner run's failure is the inner run's");
        assertEquals(1, g2.outcomes.startedCount());
        assertEquals(1, g2.outcomes.failedCount());
        assertEquals(1, ended(g2.outcomes));
    }

    @Test
    void runsNestDeeperThanTheFramesAThreadStartsWith() {
        int depth = 20;
        Runnable innermost = () -> StageHooks.onStageFailed(new IllegalStateException());
        Runnable body = innermost;
        for (int i = 0; i < depth; i++) {
            PendingTasksTest.Generation binding = i % 2 == 0 ? g1 : g2;
            Runnable inner = body;
            body = () -> TestSeams.runBound(binding, inner);
        }
        body.run();
        assertEquals(depth / 2, g1.outcomes.startedCount());
        assertEquals(depth / 2, g2.outcomes.startedCount());
        assertEquals(depth, ended(g1.outcomes) + ended(g2.outcomes), "every run ended");
        assertEquals(1, g1.outcomes.failedCount() + g2.outcomes.failedCount(), "only the innermost run failed");
        assertEquals(1, g1.outcomes.failedCount(), "the innermost run binds g1 (the last wrapped is the outermost)");
    }

    @Test
    void callerRunsIsARunWhenItBindsAndItsTaskMayFail() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>());
        try {
            Runnable task = () -> { throw new IllegalStateException("ran by the caller"); };
            PendingTasks.add(task, g1); // what execute() captured
            // this thread is unbound: CallerRuns binds it to g1 and runs the task
            assertThrows(IllegalStateException.class,
                    () -> DroppedTaskHooks.onRejected(new ThreadPoolExecutor.CallerRunsPolicy(), task, executor));
            assertEquals(1, g1.outcomes.startedCount());
            assertEquals(1, g1.outcomes.failedCount());
            assertEquals(0, g1.liveTasks(), "released");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aRejectionThatRunsNothingIsNoRunAndItsExceptionNoFailure() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>());
        try {
            Runnable task = () -> { };
            PendingTasks.add(task, g1);
            assertThrows(RejectedExecutionException.class,
                    () -> DroppedTaskHooks.onRejected(new ThreadPoolExecutor.AbortPolicy(), task, executor));
            assertEquals(0, g1.outcomes.startedCount());
            assertEquals(0, g1.outcomes.failedCount());
            assertEquals(0, g1.liveTasks(), "released");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aFailureOutsideAnyRunIsNotCounted() {
        StageHooks.onStageFailed(new IllegalStateException());
        DroppedTaskHooks.onFutureDone(new Object(), new IllegalStateException());
        TestSeams.runBound(g1, () -> { });
        assertEquals(0, g1.outcomes.failedCount());
    }

    @Test
    void runTimeIsMeasuredFromBindingToUnbinding() throws Exception {
        onNewThread(() -> TestSeams.runBound(g1, () -> { // a thread's first runs are all timed
            long until = System.nanoTime() + 2_000_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }));
        assertTrue(g1.outcomes.runNanos() >= 2_000_000, "at least the 2 ms spent in the body");
        assertEquals(g1.outcomes.runNanos(), g1.outcomes.maxRunNanos());
    }

    @Test
    void aWarmThreadCountsEveryRunAndTimesASampleThatStandsForAllOfThem() throws Exception {
        int runs = 10_000;
        onNewThread(() -> {
            for (int i = 0; i < runs; i++) {
                if (i % 10 == 0) {
                    assertThrows(IllegalStateException.class,
                            () -> TestSeams.runBound(g1, () -> { throw new IllegalStateException(); }));
                } else {
                    TestSeams.runBound(g1, () -> { });
                }
            }
        });
        assertEquals(runs, g1.outcomes.startedCount());
        assertEquals(runs, ended(g1.outcomes));
        assertEquals(runs / 10, g1.outcomes.failedCount());
        long estimated = Arrays.stream(g1.outcomes.runBuckets()).sum();
        // The runs after the last timed one are not yet stood for: fewer than the longest gap.
        assertTrue(estimated <= runs && estimated > runs - 2 * TaskRuns.TIMED_EVERY, "estimated " + estimated);
    }

    @Test
    void runsCountedInCellsOfThreadsThatEndedAreKept() throws Exception {
        int threads = 40;
        int runs = 2 * TaskRuns.WARM_RUNS;
        for (int t = 0; t < threads; t++) { // new cells sweep the cells of the threads that ended before
            onNewThread(() -> {
                for (int i = 0; i < runs; i++) {
                    TestSeams.runBound(g1, () -> { });
                }
            });
        }
        assertEquals((long) threads * runs, g1.outcomes.startedCount());
        assertEquals((long) threads * runs, ended(g1.outcomes));
    }

    @Test
    void aThreadThatRunsMoreGenerationsThanItKeepsCellsForCountsEachExactly() throws Exception {
        PendingTasksTest.Generation[] generations = new PendingTasksTest.Generation[TaskRuns.MAX_CELLS + 3];
        for (int i = 0; i < generations.length; i++) {
            generations[i] = new PendingTasksTest.Generation();
        }
        int rounds = 2 * TaskRuns.WARM_RUNS;
        onNewThread(() -> {
            for (int round = 0; round < rounds; round++) {
                for (PendingTasksTest.Generation g : generations) {
                    TestSeams.runBound(g, () -> { });
                }
                nest(generations, 0); // every generation at once: some find no free cell
            }
        });
        for (PendingTasksTest.Generation g : generations) {
            assertEquals(2L * rounds, g.outcomes.startedCount());
            assertEquals(2L * rounds, ended(g.outcomes));
        }
    }

    private static void nest(PendingTasksTest.Generation[] generations, int from) {
        if (from < generations.length) {
            TestSeams.runBound(generations[from], () -> nest(generations, from + 1));
        }
    }

    /** Runs {@code body} on a new thread, which has no runs yet, and rethrows what it threw. */
    private static void onNewThread(Runnable body) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        thread.start();
        thread.join(20_000);
        assertTrue(!thread.isAlive(), "the thread ended");
        if (thrown.get() != null) {
            throw new AssertionError(thrown.get());
        }
    }

    @Test
    void aThreadBodyThatNeverReadsItsBindingIsARunToo() throws Exception {
        CountDownLatch exited = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            Thread self = Thread.currentThread();
            ThreadHooks.onThreadFailed(self, new ArrayStoreException()); // before any read of the binding
            ThreadHooks.onThreadExit(self);
            exited.countDown();
        });
        TestSeams.runBound(g1, () -> ThreadHooks.onThreadStart(thread));
        thread.start();
        assertTrue(exited.await(30, TimeUnit.SECONDS));
        thread.join(30_000);
        assertEquals(2, g1.outcomes.startedCount(), "the starting run and the thread's body");
        assertEquals(2, ended(g1.outcomes));
        assertEquals("java.lang.ArrayStoreException 1", topException(g1.outcomes));
        assertEquals(0, g1.liveTasks(), "the thread's capture is released");
    }

    @Test
    void aThreadBodyThatNeverReadsItsStateIsCountedAndReleasedAtItsExit() throws Exception {
        // a virtual thread per task that runs no hook: its exit finds the body where its start left it
        CountDownLatch exited = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            ThreadHooks.onThreadExit(Thread.currentThread());
            exited.countDown();
        });
        TestSeams.runBound(g1, () -> ThreadHooks.onThreadStart(thread));
        assertEquals(1, g1.liveTasks(), "the thread's capture");
        thread.start();
        assertTrue(exited.await(30, TimeUnit.SECONDS));
        thread.join(30_000);
        assertEquals(2, g1.outcomes.startedCount(), "the starting run and the thread's body");
        assertEquals(2, ended(g1.outcomes));
        assertEquals(0, g1.outcomes.failedCount());
        assertEquals(0, g1.liveTasks(), "the thread's capture is released");
    }

    @Test
    void threadBodiesAreTimedAsASampleOfTheirStartersRuns() {
        // a thread that starts a virtual thread per task: every start and end is counted, few bodies are timed
        TaskRuns.Stack starter = new TaskRuns.Stack();
        int threads = 2_000;
        for (int i = 0; i < threads; i++) {
            TaskRuns.threadEnded(TaskRuns.threadStarted(g1, starter));
        }
        assertEquals(threads, g1.outcomes.startedCount());
        assertEquals(threads, ended(g1.outcomes));
        long timed = g1.outcomes.timedRunCount();
        // the first WARM_RUNS, then one in TIMED_EVERY on average (about 62 in all); each gap is at most 127 runs
        assertTrue(timed >= TaskRuns.WARM_RUNS + (threads - TaskRuns.WARM_RUNS) / (2 * TaskRuns.TIMED_EVERY)
                && timed < 200, "timed " + timed);
    }

    @Test
    void aThreadCollectedWithoutRunningUndoesItsStart() {
        PendingTasks.count(g1); // as onThreadStart counts the capture
        TaskRuns.Frame body = TaskRuns.threadStarted(g1, ThreadState.current().runs);
        assertEquals(1, g1.outcomes.startedCount());
        TaskRuns.neverRan(body); // what the table of started threads does when the thread is collected
        assertEquals(0, g1.outcomes.startedCount());
        assertEquals(0, ended(g1.outcomes));
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void aThreadBodyIsOneRunFromStartToExitAndItsUncaughtExceptionFailsIt() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            Thread self = Thread.currentThread();
            // what the instrumented JDK does: dispatchUncaughtException, then exit(), on the thread itself
            TestSeams.runBound(g2, () -> { }); // a nested run of another generation
            ThreadHooks.onThreadFailed(self, new UnsupportedOperationException());
            ThreadHooks.onThreadExit(self);
            failed.countDown();
        });
        TestSeams.runBound(g1, () -> ThreadHooks.onThreadStart(thread)); // started by a task of g1
        assertEquals(2, g1.outcomes.startedCount(), "the starting run, and the thread's body from start()");
        assertEquals(1, ended(g1.outcomes));
        thread.start();
        assertTrue(failed.await(30, TimeUnit.SECONDS));
        thread.join(30_000);
        assertEquals(2, g1.outcomes.startedCount(), "the starting run and the thread's body");
        assertEquals(2, ended(g1.outcomes));
        assertEquals(1, g1.outcomes.failedCount());
        assertEquals("java.lang.UnsupportedOperationException 1", topException(g1.outcomes));
        assertEquals(1, g2.outcomes.startedCount());
        assertEquals(0, g2.outcomes.failedCount());
    }
}
