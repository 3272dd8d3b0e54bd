package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.TestSeams;
import io.modulets.config.PackageFilter;
import io.modulets.generations.Generation.State;
import io.modulets.loader.GenerationClassLoader;
import io.modulets.testing.Collections;

/**
 * The life of a generation in the registry (DESIGN §2.7): draining while tasks remain, retired when
 * none does, unloaded once the collector took the loader; reuse and recreation by content; rollback;
 * the generation limit. Live tasks are counted through the loader as capture does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LifecycleTest {
    @TempDir
    Path temp;
    private ClassLoader savedCurrent;
    private int jars;

    @BeforeEach
    void save() {
        savedCurrent = Bindings.current();
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
    }

    private Registry registry(Limit limit) {
        return new Registry(new Store(temp.resolve("store")), PackageFilter.of(List.of("sw"), List.of()),
                LifecycleTest.class.getClassLoader(), limit);
    }

    private Generation activate(Registry registry, String content) throws IOException {
        return registry.activate(List.of(TestJars.jar(temp.resolve("d" + jars++ + "/mail.jar"), content)));
    }

    private static List<State> states(Generation g) {
        return g.history().stream().map(Generation.Transition::state).toList();
    }

    /** Collects until {@code g} is observed unloaded: a wait for a condition, bounded. */
    private static void awaitUnloaded(Generation g) throws InterruptedException {
        Collections.awaitAfterCollections(() -> g.state() == State.UNLOADED);
        assertEquals(State.UNLOADED, g.state(), g + " was not unloaded");
    }

    @Test
    void aGenerationWithoutTasksRetiresAtOnceAndIsUnloaded() throws Exception {
        Registry registry = registry(Limit.NONE);
        Generation a = activate(registry, "a");
        activate(registry, "b");
        assertEquals(List.of(State.CURRENT, State.DRAINING, State.RETIRED), states(a));
        awaitUnloaded(a);
        assertEquals(List.of(State.CURRENT, State.DRAINING, State.RETIRED, State.UNLOADED), states(a));
        assertNull(a.loader());
        assertEquals(1, registry.loadedCount());
        assertTrue(!a.since(State.RETIRED).isAfter(a.since(State.UNLOADED)), "timestamps in order");
    }

    @Test
    void outcomesOutliveTheLoader() throws Exception {
        Registry registry = registry(Limit.NONE);
        Generation a = activate(registry, "a");
        TestSeams.runBound(a.loader(), () -> { });
        try {
            TestSeams.runBound(a.loader(), () -> { throw new IllegalStateException("a task of a fails"); });
        } catch (IllegalStateException expected) {
            // counted as a's failure
        }
        activate(registry, "b");
        awaitUnloaded(a);
        Outcomes outcomes = a.outcomes();
        assertEquals(2, outcomes.started());
        assertEquals(1, outcomes.completed());
        assertEquals(1, outcomes.failed());
        assertEquals(List.of(new Outcomes.ExceptionCount("java.lang.IllegalStateException", 1)), outcomes.exceptions());
    }

    @Test
    void aGenerationDrainsWhileItsTasksRunAndRetiresWhenTheLastEnds() throws Exception {
        Registry registry = registry(Limit.NONE);
        Generation a = activate(registry, "a");
        GenerationClassLoader loader = a.loader();
        loader.taskCaptured();
        loader.taskCaptured();
        activate(registry, "b");
        assertEquals(State.DRAINING, a.state());
        assertEquals(2, a.liveTasks());
        loader.taskReleased();
        assertEquals(State.DRAINING, a.state(), "one task is still live");
        loader.taskReleased();
        assertEquals(State.RETIRED, a.state());
        assertEquals(List.of(State.CURRENT, State.DRAINING, State.RETIRED), states(a));
    }

    @Test
    void aRetiredGenerationThatGetsATaskAgainDrainsAgain() throws Exception {
        Registry registry = registry(Limit.NONE);
        Generation a = activate(registry, "a");
        GenerationClassLoader loader = a.loader();
        activate(registry, "b");
        assertEquals(State.RETIRED, a.state());
        loader.taskCaptured(); // an object of its classes was submitted as a task
        assertEquals(State.DRAINING, a.state());
        loader.taskReleased();
        assertEquals(List.of(State.CURRENT, State.DRAINING, State.RETIRED, State.DRAINING, State.RETIRED), states(a));
    }

    @Test
    void retiringRacingWithCaptureEndsInTheStateTheCountSays() throws Exception {
        Registry registry = registry(Limit.NONE);
        for (int round = 0; round < 200; round++) {
            Generation a = activate(registry, "a");
            GenerationClassLoader loader = a.loader();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            Thread tasks = new Thread(() -> {
                started.countDown();
                while (!stop.get()) {
                    loader.taskCaptured();
                    loader.taskReleased();
                }
            });
            tasks.start();
            assertTrue(started.await(30, TimeUnit.SECONDS));
            Generation b = activate(registry, "b");
            stop.set(true);
            tasks.join(30_000);
            assertEquals(0, loader.liveTasks());
            assertEquals(State.RETIRED, a.state(), "round " + round + ": " + states(a));
            assertSame(b, registry.current());
        }
    }

    /**
     * While a generation is current its counts are release stores, not fenced (LiveCount); once it drains, each is
     * fenced before the thread reads the others' counts. Two threads that release its last two tasks at the same
     * moment must not both read the other's task as live: one of them retires it.
     */
    @Test
    void theLastTwoTasksReleasedAtOnceOnTwoThreadsRetireTheGeneration() throws Exception {
        Registry registry = registry(Limit.NONE);
        for (int round = 0; round < 200; round++) {
            Generation a = activate(registry, "a");
            GenerationClassLoader loader = a.loader();
            java.util.concurrent.CyclicBarrier captured = new java.util.concurrent.CyclicBarrier(3);
            AtomicBoolean release = new AtomicBoolean(); // spun on, not parked on: both wake within nanoseconds
            Thread[] workers = new Thread[2];
            for (int w = 0; w < workers.length; w++) {
                workers[w] = new Thread(() -> {
                    try {
                        for (int warm = 0; warm < 40; warm++) { // past the shared counters: the thread counts in a cell
                            loader.taskCaptured();
                            loader.taskReleased();
                        }
                        loader.taskCaptured();
                        captured.await(30, TimeUnit.SECONDS);
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (!release.get() && System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                        }
                        loader.taskReleased();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                workers[w].start();
            }
            captured.await(30, TimeUnit.SECONDS);
            activate(registry, "b");
            assertEquals(State.DRAINING, a.state(), "round " + round);
            assertEquals(2, a.liveTasks(), "round " + round);
            release.set(true);
            for (Thread worker : workers) {
                worker.join(30_000);
            }
            assertEquals(0, loader.liveTasks());
            assertEquals(State.RETIRED, a.state(), "round " + round + ": " + states(a));
        }
    }

    @Test
    void contentStillLoadedIsReusedAndUnloadedContentIsRecreatedWithANewSequence() throws Exception {
        Registry registry = registry(Limit.NONE);
        Generation a = activate(registry, "a");
        GenerationClassLoader held = a.loader(); // keeps a retired generation loaded
        Generation b = activate(registry, "b");
        // b retires below while a is current again: hold its loader too, or a collection in between
        // unloads it and b's content comes back under a new sequence number.
        GenerationClassLoader heldB = b.loader();
        assertEquals(State.RETIRED, a.state());
        assertSame(a, activate(registry, "a"), "retired and still loaded: taken back");
        assertEquals(State.CURRENT, a.state());
        assertSame(held, a.loader());
        held = null;

        assertSame(b, activate(registry, "b"), "retired and still loaded: taken back");
        assertSame(heldB, b.loader());
        heldB = null;
        assertEquals(2, b.sequence());
        awaitUnloaded(a);
        Generation again = activate(registry, "a");
        assertNotSame(a, again);
        assertEquals(3, again.sequence(), "a new sequence number");
        assertEquals(a.hash(), again.hash(), "the same content");
        assertEquals(State.UNLOADED, a.state());
    }

    @Test
    void rollingBackTwiceReturnsToWhereItStarted() throws Exception {
        Registry registry = registry(Limit.NONE);
        Generation a = activate(registry, "a");
        Generation b = activate(registry, "b");
        GenerationClassLoader heldB = b.loader(); // keeps b loaded once it retires
        awaitUnloaded(a);
        Generation back = registry.rollback();
        assertEquals(a.hash(), back.hash(), "rolled back to the content of the previous generation");
        assertEquals(3, back.sequence(), "recreated from the store: it was unloaded");
        assertEquals(b.hash(), registry.rollback().hash(), "rolling back again returns to where it started");
        assertSame(b, registry.current(), "b was retired but still loaded: reused");
        assertSame(heldB, b.loader());
    }

    @Test
    void rollbackWithNothingBeforeIsRefused() throws Exception {
        Registry registry = registry(Limit.NONE);
        Generation a = activate(registry, "a");
        IOException refused = assertThrows(IOException.class, registry::rollback);
        assertEquals("modulets: rollback refused: " + a + " is the only generation activated so far;"
                + " there is nothing to roll back to", refused.getMessage());
        assertSame(a, registry.current());
    }

    @Test
    void theLimitRefusesAnActivationBeyondItAndChangesNothing() throws Exception {
        Registry registry = registry(new Limit(2, true));
        Generation a = activate(registry, "a");
        a.loader().taskCaptured();
        Generation b = activate(registry, "b");
        assertEquals(State.DRAINING, a.state());
        IOException refused = assertThrows(IOException.class, () -> activate(registry, "c"));
        assertEquals("modulets: activation refused: would load more than maxGenerations=2 generations; loaded: "
                + "1 (draining, 1 live task); 2 (current)", refused.getMessage());
        assertSame(b, registry.current());
        assertSame(b.loader(), Bindings.current());
        assertEquals(2, registry.all().size());
        assertSame(a, activate(registry, "a"), "a loaded generation can always be made current again");
    }

    @Test
    void theLimitCollectsRetiredGenerationsBeforeRefusing() throws Exception {
        Registry registry = registry(new Limit(2, true));
        activate(registry, "a");
        activate(registry, "b");
        Generation c = activate(registry, "c");
        assertSame(c, registry.current(), "a was retired and not pinned: collected, so c fits");
    }

    @Test
    void warnActivatesBeyondTheLimit() throws Exception {
        Registry registry = registry(new Limit(2, false));
        Generation a = activate(registry, "a");
        a.loader().taskCaptured();
        activate(registry, "b");
        Generation c = activate(registry, "c");
        assertSame(c, registry.current());
        assertEquals(3, registry.loadedCount());
    }

    @Test
    void thePinReportNamesAThreadWhoseContextClassLoaderIsTheGeneration() throws Exception {
        Registry registry = registry(Limit.NONE);
        Generation a = activate(registry, "a");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            running.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "holds-a");
        holder.setContextClassLoader(a.loader());
        holder.start();
        try {
            assertTrue(running.await(30, TimeUnit.SECONDS));
            activate(registry, "b");
            assertEquals(State.RETIRED, a.state());
            PinReport report = registry.pins(a.sequence());
            assertTrue(report.pins().contains(new PinReport.Pin(PinReport.Kind.CONTEXT_CLASS_LOADER,
                    "thread 'holds-a'")), report.toString());
            assertNotEquals(-1, report.summary().indexOf("context class loader: thread 'holds-a'"));
        } finally {
            release.countDown();
            holder.join(30_000);
        }
    }
}
