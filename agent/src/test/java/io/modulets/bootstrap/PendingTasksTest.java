package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.modulets.testing.Collections;

/** The counting rule of DESIGN §2.7: every capture is released exactly once, however the task ends. */
@Timeout(30)
public class PendingTasksTest {
    /** A generation's loader that only counts. */
    /** A generation as the capture code sees it, counting its live tasks and outcomes (shared by other tests). */
    public static final class Generation extends GenerationLoader {
        public Generation() {
            super("generation", new java.net.URL[0], ClassLoader.getSystemClassLoader());
        }

        final LiveCount live = new LiveCount();
        public final TaskOutcomes outcomes = new TaskOutcomes();

        @Override
        public LiveCount live() {
            return live;
        }

        @Override
        public TaskOutcomes outcomes() {
            return outcomes;
        }

        @Override
        public int serial() {
            return 0; // never reached through the boundary
        }

        /** Defines {@code bytes} as {@code name} in this generation. */
        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    private final Generation g1 = new Generation();
    private final Generation g2 = new Generation();

    /** A task of the application's, queued in the table (it has no field of its own). */
    static final class Job implements Runnable {
        @Override
        public void run() {
        }
    }

    @Test
    void theQueuedTasksOfAGenerationAreNamedByClassWrappedOrPeriodicToo() {
        Runnable lambda = () -> { };
        Job job = new Job();
        Job another = new Job();
        PendingTasks.add(job, g1);
        PendingTasks.add(another, g1);
        PendingTasks.add(lambda, g1);
        BoundTask wrapped = new BoundTask(new Job());
        PendingTasks.add(wrapped, new PendingTasks.Periodic(g1));
        Object ofOther = new Object();
        PendingTasks.add(ofOther, g2);
        java.util.Map<String, Integer> queued = Bindings.queuedTasks(g1);
        assertEquals(3, queued.get(Job.class.getName()), "two submitted, one wrapped and periodic: " + queued);
        String lambdaClass = lambda.getClass().getName();
        String shown = lambdaClass.contains("/") ? lambdaClass.substring(0, lambdaClass.indexOf('/')) : lambdaClass;
        assertEquals(1, queued.get(shown), "a lambda without its address: " + queued);
        assertEquals(2, queued.size(), "nothing of another generation: " + queued);
        for (Object task : new Object[] {job, another, lambda, wrapped, ofOther}) {
            PendingTasks.removeAll(task);
        }
        assertTrue(Bindings.queuedTasks(g1).isEmpty(), "none once they are gone");
    }

    @Test
    void aRunTakesTheCaptureOnceAndTheRunnerReleasesIt() {
        Object task = new Object();
        PendingTasks.add(task, g1);
        assertEquals(1, g1.liveTasks());
        assertSame(g1, PendingTasks.take(task));
        assertNull(PendingTasks.take(task), "taken once");
        PendingTasks.release(g1);
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void theSameInstanceSubmittedTwiceKeepsBothBindings() {
        Object task = new Object();
        PendingTasks.add(task, g1);
        PendingTasks.add(task, g2);
        assertEquals(1, g1.liveTasks());
        assertEquals(1, g2.liveTasks());
        Object first = PendingTasks.take(task);
        Object second = PendingTasks.take(task);
        assertTrue(first == g1 && second == g2 || first == g2 && second == g1, first + " " + second);
        assertNull(PendingTasks.take(task));
    }

    @Test
    void removingOneSubmissionReleasesOnlyThatOne() {
        Object task = new Object();
        PendingTasks.add(task, g1);
        PendingTasks.add(task, g1);
        PendingTasks.removeOne(task);
        assertEquals(1, g1.liveTasks());
        PendingTasks.removeAll(task);
        assertEquals(0, g1.liveTasks());
        PendingTasks.removeAll(task);
        assertEquals(0, g1.liveTasks(), "nothing left to release twice");
    }

    @Test
    void aPeriodicCaptureStaysForEveryRunUntilRemoved() {
        Object task = new Object();
        PendingTasks.add(task, new PendingTasks.Periodic(g1));
        assertEquals(1, g1.liveTasks());
        Object run1 = PendingTasks.take(task);
        Object run2 = PendingTasks.take(task);
        assertSame(run1, run2, "the same capture for each run");
        PendingTasks.removeOne(task);
        assertEquals(0, g1.liveTasks());
        assertNull(PendingTasks.take(task));
    }

    @Test
    void aRootPeriodicTaskPinsNoGeneration() {
        Object task = new Object();
        PendingTasks.add(task, new PendingTasks.Periodic(null));
        assertEquals(0, g1.liveTasks());
        PendingTasks.removeAll(task);
    }

    @Test
    void aTaskDroppedWithoutRunningIsReleasedWhenCollected() throws InterruptedException {
        PendingTasks.add(new Object(), g1);
        assertEquals(1, g1.liveTasks());
        Collections.awaitAfterCollections(() -> {
            PendingTasks.size(); // expunges collected entries on the way, as every add does
            return g1.liveTasks() == 0;
        });
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void racingRunsAndRemovalsReleaseEachCaptureExactlyOnce() throws Exception {
        ExecutorService racers = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 2_000; round++) {
                Object task = new Object();
                PendingTasks.add(task, g1);
                PendingTasks.add(task, g1);
                CountDownLatch go = new CountDownLatch(1);
                Future<?> a = racers.submit(() -> {
                    go.await();
                    Object taken = PendingTasks.take(task);
                    PendingTasks.release(taken);
                    return null;
                });
                Future<?> b = racers.submit(() -> {
                    go.await();
                    PendingTasks.removeOne(task);
                    return null;
                });
                Future<?> c = racers.submit(() -> {
                    go.await();
                    PendingTasks.removeAll(task);
                    return null;
                });
                go.countDown();
                a.get(20, TimeUnit.SECONDS);
                b.get(20, TimeUnit.SECONDS);
                c.get(20, TimeUnit.SECONDS);
                assertEquals(0, g1.liveTasks(), "round " + round);
            }
        } finally {
            racers.shutdownNow();
        }
    }
    /**
     * A task given to {@code ThreadPoolExecutor.execute} whose class took the capture field keeps its submissions there
     * (no table entry): the same instance twice keeps both, a run takes one, a removal releases one, a cancellation
     * all, each exactly once; a submission to another executor still goes to the table and is found too.
     */
    @Test
    void aTaskWithItsOwnFieldKeepsItsSubmissionsThere() throws Exception {
        Class<?> job = TaskClassFilesTest.define(TaskClassFilesTest.Job.class.getName(),
                TaskClassFiles.withField(TaskClassFilesTest.bytesOf(TaskClassFilesTest.Job.class)));
        Object task = job.getDeclaredConstructor().newInstance();
        java.lang.reflect.Field field = job.getDeclaredField(Slots.FIELD);
        field.setAccessible(true);
        ThreadState state = ThreadState.current();
        int tableBefore = PendingTasks.size();

        PendingTasks.addHeld(task, g1, state);
        assertSame(g1, field.get(task), "in the task's own field");
        PendingTasks.addHeld(task, g2, state);
        assertEquals(tableBefore, PendingTasks.size(), "nothing in the table");
        assertEquals(1, g1.liveTasks());
        assertEquals(1, g2.liveTasks());
        Object first = PendingTasks.take(task);
        Object second = PendingTasks.take(task);
        assertSame(g1, first, "the oldest submission first, as the queue runs them");
        assertSame(g2, second);
        assertNull(PendingTasks.take(task));
        assertTrue(((PendingTasks.Held) field.get(task)).isEmpty(), "the queue of submissions stays, empty");
        PendingTasks.release(first);
        PendingTasks.release(second);
        assertEquals(0, g1.liveTasks() + g2.liveTasks());

        PendingTasks.addHeld(task, g1, state);
        PendingTasks.addHeld(task, g1, state);
        PendingTasks.add(task, g2); // another executor's submission: the table
        PendingTasks.removeOne(task);
        assertEquals(1, g1.liveTasks(), "a removal releases one submission");
        assertEquals(1, g2.liveTasks());
        PendingTasks.removeAll(task);
        assertEquals(0, g1.liveTasks() + g2.liveTasks(), "a cancellation releases the field's and the table's");
        assertTrue(((PendingTasks.Held) field.get(task)).isEmpty());
        assertEquals(tableBefore, PendingTasks.size());

        Object single = job.getDeclaredConstructor().newInstance();
        PendingTasks.addHeld(single, g1, state);
        assertSame(g1, field.get(single), "one submission: the binding itself, no queue");
        assertSame(g1, PendingTasks.take(single));
        assertNull(field.get(single));
        PendingTasks.release(g1);

        Job plain = new Job(); // loaded without the agent: no field, the table as before
        PendingTasks.addHeld(plain, g1, state);
        assertEquals(tableBefore + 1, PendingTasks.size());
        assertSame(g1, PendingTasks.take(plain));
        PendingTasks.release(g1);
    }
    /**
     * The thread's last task class stands in for a {@code ClassValue} look-up of the field's offset: a task class
     * without the field between submissions of one with it is told apart (a wrong offset would read and write another
     * object's memory), and a task class of a generation or of a loader below it is not kept, so that the generation
     * can be unloaded once its tasks ran, whatever the thread does next.
     */
    @Test
    void theThreadsLastTaskClassIsTheTasksOwnAndNeverAGenerations() throws Exception {
        Class<?> job = TaskClassFilesTest.define(TaskClassFilesTest.Job.class.getName(),
                TaskClassFiles.withField(TaskClassFilesTest.bytesOf(TaskClassFilesTest.Job.class)));
        java.lang.reflect.Field field = job.getDeclaredField(Slots.FIELD);
        field.setAccessible(true);
        Object withField = job.getDeclaredConstructor().newInstance();
        Job plain = new Job();
        ThreadState state = ThreadState.current();
        int tableBefore = PendingTasks.size();
        for (int i = 0; i < 3; i++) {
            PendingTasks.addHeld(withField, g1, state);
            PendingTasks.addHeld(plain, g2, state);
            assertSame(g1, field.get(withField), "in its own field");
            assertEquals(tableBefore + 1, PendingTasks.size(), "the one without a field in the table");
            assertSame(g2, PendingTasks.take(plain, state));
            assertSame(g1, PendingTasks.take(withField, state));
            assertNull(field.get(withField));
            PendingTasks.release(g1);
            PendingTasks.release(g2);
        }
        assertEquals(0, g1.liveTasks() + g2.liveTasks());

        for (boolean below : new boolean[] {false, true}) {
            java.lang.ref.WeakReference<ClassLoader> generation = runATaskOfANewGeneration(state, below);
            Collections.awaitAfterCollections(() -> generation.get() == null);
            assertNull(generation.get(), "a generation whose task class this thread submitted and ran is unloadable"
                    + (below ? " (the class of a loader below the generation's)" : ""));
        }
    }

    /**
     * A generation's task class with the field, or one of a loader below the generation's ({@code below}), one of its
     * tasks submitted and taken on this thread; the generation's loader weakly.
     */
    private java.lang.ref.WeakReference<ClassLoader> runATaskOfANewGeneration(ThreadState state, boolean below)
            throws Exception {
        byte[] bytes = TaskClassFiles.withField(TaskClassFilesTest.bytesOf(TaskClassFilesTest.Job.class));
        Generation loader = new Generation();
        String name = TaskClassFilesTest.Job.class.getName();
        Class<?> taskClass = below ? new ClassLoader(loader) {
            Class<?> define() {
                return defineClass(name, bytes, 0, bytes.length);
            }
        }.define() : loader.define(name, bytes);
        Object task = taskClass.getDeclaredConstructor().newInstance();
        PendingTasks.addHeld(task, g1, state);
        assertSame(g1, PendingTasks.take(task, state));
        PendingTasks.release(g1);
        assertTrue(state.fieldClass != task.getClass(), "a class that could keep a generation loaded is not kept");
        return new java.lang.ref.WeakReference<>(loader);
    }

    /**
     * One task instance submitted from two threads while two others take its submissions: every submission is taken
     * exactly once, whichever way the field goes from empty to one binding to a queue of them.
     */
    @Test
    void oneInstanceSubmittedAndTakenFromSeveralThreadsLosesNothing() throws Exception {
        Class<?> job = TaskClassFilesTest.define(TaskClassFilesTest.Job.class.getName(),
                TaskClassFiles.withField(TaskClassFilesTest.bytesOf(TaskClassFilesTest.Job.class)));
        Object task = job.getDeclaredConstructor().newInstance();
        int perSubmitter = 20_000;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
        java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            java.util.List<Future<?>> all = new java.util.ArrayList<>();
            for (int s = 0; s < 2; s++) {
                all.add(threads.submit(() -> {
                    start.await();
                    ThreadState state = ThreadState.current();
                    for (int i = 0; i < perSubmitter; i++) {
                        PendingTasks.addHeld(task, g1, state);
                    }
                    return null;
                }));
            }
            for (int t = 0; t < 2; t++) {
                all.add(threads.submit(() -> {
                    start.await();
                    while (taken.get() < 2 * perSubmitter) {
                        Object captured = PendingTasks.take(task);
                        if (captured != null) {
                            assertSame(g1, captured);
                            PendingTasks.release(captured);
                            taken.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(2 * perSubmitter, taken.get());
        assertNull(PendingTasks.take(task), "nothing left");
        assertEquals(0, g1.liveTasks(), "each capture released once");
    }
    /** The pin report names the tasks waiting in a pool's queue with their capture in their own field, by class. */
    @Test
    void theTasksInAPoolsQueueAreNamedByClassToo() throws Exception {
        Class<?> job = TaskClassFilesTest.define(TaskClassFilesTest.Job.class.getName(),
                TaskClassFiles.withField(TaskClassFilesTest.bytesOf(TaskClassFilesTest.Job.class)));
        Runnable task = (Runnable) job.getDeclaredConstructor().newInstance();
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
                TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
        PendingTasks.poolMade(pool);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            pool.execute(() -> {
                busy.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(busy.await(20, TimeUnit.SECONDS));
            ThreadState state = ThreadState.current();
            PendingTasks.addHeld(task, g1, state); // what the execute hook does, then the pool queues it
            pool.execute(task);
            PendingTasks.addHeld(task, g1, state);
            pool.execute(task);
            PendingTasks.addHeld(task, g2, state);
            pool.execute(task);
            java.util.Map<String, Integer> queued = Bindings.queuedTasks(g1);
            assertEquals(java.util.Map.of(job.getName(), 2), queued, "one instance queued thrice: " + queued);
            assertEquals(java.util.Map.of(job.getName(), 1), Bindings.queuedTasks(g2));
        } finally {
            release.countDown();
            pool.shutdownNow();
            PendingTasks.removeAll(task);
        }
        assertEquals(0, g1.liveTasks() + g2.liveTasks());
    }
}
