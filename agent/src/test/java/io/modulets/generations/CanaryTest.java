package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.ThrownExceptions;
import io.modulets.bootstrap.Requests;
import io.modulets.bootstrap.TestSeams;
import io.modulets.config.PackageFilter;
import io.modulets.generations.Generation.State;

/**
 * The canary's transitions in the registry (DESIGN §2.1, §2.7): started beside the current generation,
 * promoted (current, the old one drains and is the rollback target) or aborted (drains and retires,
 * current untouched); one at a time; activations and rollbacks refused meanwhile; the listener told.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CanaryTest {
    @TempDir
    Path temp;
    private ClassLoader savedCurrent;
    private int jars;
    private Registry registry;
    private Store store;
    private final List<String> heard = new ArrayList<>();

    @BeforeEach
    void registry() {
        savedCurrent = Bindings.current();
        store = new Store(temp.resolve("store"));
        registry = new Registry(store, PackageFilter.of(List.of("sw"), List.of()),
                CanaryTest.class.getClassLoader());
        registry.listen(new Registry.Listener() {
            @Override
            public void activated(Generation now, Generation before, String what) {
                heard.add(what + " " + now.sequence());
            }

            @Override
            public void canaryStarted(Canary canary) {
                heard.add("canary " + canary.generation().sequence() + " beside " + canary.against().sequence());
            }

            @Override
            public void aborted(Canary canary, String reason) {
                heard.add("aborted " + canary.generation().sequence() + ": " + reason);
            }

            @Override
            public void retired(Generation g) {
                heard.add("retired " + g.sequence());
            }
        });
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
        TestSeams.setCanary(null);
    }

    private Snapshot snapshot(String content) throws IOException {
        return store.snapshot(List.of(TestJars.jar(temp.resolve("d" + jars++ + "/mail.jar"),
                content)));
    }

    private Generation activate(String content) throws IOException {
        return registry.activate(snapshot(content), "activation");
    }

    private static List<State> states(Generation g) {
        return g.history().stream().map(Generation.Transition::state).toList();
    }

    @Test
    void aCanaryIsLiveBesideTheCurrentGenerationWhichStays() throws IOException {
        Generation one = activate("a");
        Canary canary = registry.startCanary(snapshot("b"), 1.0, AbortPolicy.NONE);
        Generation two = canary.generation();
        assertSame(one, registry.current());
        assertSame(one, canary.against());
        assertSame(canary, registry.canary());
        assertEquals(State.CANARY, two.state());
        assertSame(one.loader(), Bindings.current(), "unbound code keeps following the current generation");
        assertSame(two.loader(), Bindings.canary());
        assertSame(two.loader(), Bindings.rootBinding(), "at 100% every root task draws the canary");
        assertSame(one.loader(), Bindings.effective(), "code outside any task never sees the canary");
        assertEquals(List.of("activation 1", "canary 2 beside 1"), heard);
    }

    @Test
    void promotionMakesTheCanaryCurrentAndTheOldOneDrains() throws IOException {
        Generation one = activate("a");
        Generation two = registry.startCanary(snapshot("b"), 0.05, AbortPolicy.NONE).generation();
        assertSame(two, registry.promote());
        assertSame(two, registry.current());
        assertNull(registry.canary());
        assertNull(Bindings.canary());
        assertSame(two.loader(), Bindings.current());
        assertEquals(List.of(State.CANARY, State.CURRENT), states(two));
        assertEquals(List.of(State.CURRENT, State.DRAINING, State.RETIRED), states(one), "no live task: it retires");
        assertSame(one, registry.rollbackTarget(), "the generation that was current is what a rollback returns to");
        assertEquals(List.of("activation 1", "canary 2 beside 1", "promotion 2", "retired 1"), heard);
    }

    @Test
    void anAbortedCanaryDrainsWhileItsTasksRunThenRetiresAndCurrentIsUntouched() throws IOException {
        Generation one = activate("a");
        Generation two = registry.startCanary(snapshot("b"), 0.05, AbortPolicy.NONE).generation();
        two.loader().taskCaptured(); // a task of the canary runs across the abort
        assertSame(two, registry.abort("by the operator"));
        assertNull(registry.canary());
        assertNull(Bindings.canary());
        assertSame(one.loader(), Bindings.rootBinding(), "no new root task gets it");
        assertEquals(State.DRAINING, two.state());
        assertSame(one, registry.current());
        assertEquals(List.of(State.CURRENT), states(one), "current untouched");
        two.loader().taskReleased();
        assertEquals(List.of(State.CANARY, State.DRAINING, State.RETIRED), states(two));
        assertEquals(List.of("activation 1", "canary 2 beside 1", "aborted 2: by the operator", "retired 2"), heard);
        IOException noRollback = assertThrows(IOException.class, registry::rollbackTarget);
        assertTrue(noRollback.getMessage().contains("nothing to roll back to"), "an abort is not an activation");
    }

    @Test
    void whileACanaryRunsActivationsRollbacksAndASecondCanaryAreRefused() throws IOException {
        activate("a");
        activate("b");
        Generation three = registry.startCanary(snapshot("c"), 0.05, AbortPolicy.NONE).generation();
        String line = "modulets: " + three + " is a canary: promote or abort it first";
        assertEquals(line, assertThrows(IOException.class, () -> activate("d")).getMessage());
        assertEquals(line, assertThrows(IOException.class, registry::rollback).getMessage());
        assertEquals(line, assertThrows(IOException.class,
                () -> registry.startCanary(snapshot("e"), 0.05, AbortPolicy.NONE)).getMessage());
        assertEquals(3, registry.all().size(), "nothing was made");
        assertSame(three, registry.canary().generation());
    }

    @Test
    void promoteOrAbortWithoutACanaryAndACanaryOfTheCurrentContentAreRefused() throws IOException {
        Generation one = activate("a");
        assertEquals("modulets: promote refused: no canary is in progress (current: " + one + ")",
                assertThrows(IOException.class, registry::promote).getMessage());
        assertEquals("modulets: abort refused: no canary is in progress (current: " + one + ")",
                assertThrows(IOException.class, () -> registry.abort("by the operator")).getMessage());
        assertEquals("modulets: canary refused: its content is " + one + ", the current generation",
                assertThrows(IOException.class, () -> registry.startCanary(snapshot("a"), 0.05, AbortPolicy.NONE))
                        .getMessage());
        assertNull(registry.canary());
        assertSame(one.loader(), Bindings.current());
    }

    @Test
    void aCanaryWhoseTasksFailIsAbortedByItsPolicyAndCurrentIsUntouched() throws Exception {
        CountDownLatch aborted = new CountDownLatch(1);
        CountDownLatch retired = new CountDownLatch(1);
        String[] reason = new String[1];
        registry.listen(new Registry.Listener() {
            @Override
            public void aborted(Canary canary, String why) {
                reason[0] = why;
                aborted.countDown();
            }

            @Override
            public void retired(Generation g) {
                retired.countDown();
            }
        });
        Generation one = activate("a");
        for (int i = 0; i < 30; i++) {
            TestSeams.runBound(one.loader(), () -> { }); // before the canary: not counted against it
        }
        AbortPolicy policy = new AbortPolicy(0.05, 10);
        Canary canary = registry.startCanary(snapshot("b"), 0.5, policy);
        ClassLoader loader = canary.generation().loader();
        for (int i = 0; i < 9; i++) {
            runFailing(loader);
            TestSeams.runBound(one.loader(), () -> { });
        }
        assertEquals(9, canary.outcomesSinceStart().failed());
        assertEquals(9, canary.againstSinceStart().completed(), "counted since the start only");
        assertNull(canary.verdict(), "9 ended tasks: below the minimum of 10");
        runFailing(loader);
        assertTrue(aborted.await(30, TimeUnit.SECONDS), "the watch thread aborts it");
        assertTrue(retired.await(30, TimeUnit.SECONDS), "no live task: it retires");
        assertEquals("100% of its 10 tasks failed (IllegalStateException 10), current generation 1 failed 0% of 9;"
                + " margin 5%, the difference at least 48.6% (99% confidence)", canary.verdict(), "the final counts'");
        // The watch judged while the 10th task's end was being counted, in steps (ended, failed, its exception): a
        // look in between read part of it, and 9 failures of 10 condemn too. Its reason is one of those readings'.
        List<String> readings = new ArrayList<>();
        for (long failed = 9; failed <= 10; failed++) {
            for (long named = 9; named <= 10; named++) {
                readings.add(policy.verdict(failed, 10, "IllegalStateException " + named, one, 0, 9));
            }
        }
        assertTrue(readings.contains(reason[0]), reason[0] + " is none of " + readings);
        assertNull(registry.canary());
        assertSame(one, registry.current());
        assertEquals(List.of(State.CURRENT), states(one));
        assertEquals(List.of(State.CANARY, State.DRAINING, State.RETIRED), states(canary.generation()));
    }

    @Test
    void aCanaryWhoseCodeThrowsIntoTasksThatCatchItIsAbortedByThatSignal() throws Exception {
        CountDownLatch aborted = new CountDownLatch(1);
        String[] reason = new String[1];
        registry.listen(new Registry.Listener() {
            @Override
            public void aborted(Canary canary, String why) {
                reason[0] = why;
                aborted.countDown();
            }
        });
        Generation one = activate("a");
        AbortPolicy policy = new AbortPolicy(0.05, 10);
        Canary canary = registry.startCanary(snapshot("b"), 0.5, policy);
        ClassLoader loader = canary.generation().loader();
        for (int i = 0; i < 9; i++) {
            runCatching(loader);
            runCatching(one.loader());
            TestSeams.runBound(one.loader(), () -> { });
            TestSeams.runBound(one.loader(), () -> { });
        }
        assertEquals(0, canary.outcomesSinceStart().failed(), "every task caught what the code threw");
        assertEquals(9, canary.outcomesSinceStart().threwIn());
        assertNull(canary.verdict(), "9 ended tasks: below the minimum of 10");
        runCatching(loader);
        assertTrue(aborted.await(30, TimeUnit.SECONDS), "the watch thread aborts it");
        assertEquals("its code threw exceptions in 100% of its 10 tasks (IllegalStateException 10), current"
                + " generation 1's in 33.3% of 27; margin 5%, the difference at least 25.1% (99% confidence)",
                canary.verdict(), "the final counts'");
        // The watch judged while the 10th task's end was being counted (ended, then that it threw): a look in
        // between read 9 of 10, which condemns too. Its reason is one of those readings'.
        List<String> readings = List.of(
                policy.thrownVerdict(10, 10, "IllegalStateException 10", one, 9, 27),
                policy.thrownVerdict(9, 10, "IllegalStateException 10", one, 9, 27));
        assertTrue(readings.contains(reason[0]), reason[0] + " is none of " + readings);
        assertSame(one, registry.current());
    }

    @Test
    void aCanaryThatThrowsAsOftenAsCurrentRunsOn() throws Exception {
        Generation one = activate("a");
        Canary canary = registry.startCanary(snapshot("b"), 0.5, new AbortPolicy(0.05, 10));
        ClassLoader loader = canary.generation().loader();
        for (int i = 0; i < 50; i++) {
            runCatching(i % 5 == 0 ? loader : one.loader());
            TestSeams.runBound(i % 5 == 0 ? one.loader() : loader, () -> { });
        }
        assertEquals(10, canary.outcomesSinceStart().threwIn());
        assertEquals(40, canary.againstSinceStart().threwIn());
        assertNull(canary.verdict(), "20% of 50 against 80% of 50");
        assertSame(canary, registry.canary());
    }

    @Test
    void aCanaryThatAnswersMore5xxIsAbortedByThatSignalAndOneThatAnswersAsManyRunsOn() throws Exception {
        CountDownLatch aborted = new CountDownLatch(1);
        String[] reason = new String[1];
        registry.listen(new Registry.Listener() {
            @Override
            public void aborted(Canary canary, String why) {
                reason[0] = why;
                aborted.countDown();
            }
        });
        Generation one = activate("a");
        Canary canary = registry.startCanary(snapshot("b"), 0.5, new AbortPolicy(0.05, 10));
        ClassLoader loader = canary.generation().loader();
        for (int i = 0; i < 20; i++) {
            int status = i % 4 == 0 ? 500 : i % 4 == 1 ? 404 : 200;
            // current first: the watch, judging meanwhile, never sees the canary ahead of it
            TestSeams.runBound(one.loader(), () -> Requests.responded(status));
            TestSeams.runBound(loader, () -> Requests.responded(status));
        }
        assertEquals(20, canary.outcomesSinceStart().requests());
        assertEquals(5, canary.outcomesSinceStart().serverErrors());
        assertEquals(5, canary.outcomesSinceStart().clientErrors());
        assertEquals(0, canary.outcomesSinceStart().failed(), "every task ended normally");
        assertNull(canary.verdict(), "25% of 5xx as current's 25%");
        // one 503 at a time until the verdict turns: the watch thread judges concurrently, so the counts it
        // aborts at are only fixed when no request follows the first one that condemns the canary
        int added = 0;
        while (canary.verdict() == null && added < 100) {
            TestSeams.runBound(loader, () -> Requests.responded(503));
            added++;
        }
        assertEquals(20, added, "the 20th 503 condemns it (25 of 40 against 5 of 20)");
        assertTrue(aborted.await(30, TimeUnit.SECONDS), "the watch thread aborts it");
        assertEquals("5xx responses to 62.5% of its 40 requests, current generation 1's to 25% of 20; margin 5%,"
                + " the difference at least 5.7% (99% confidence)", reason[0]);
        assertSame(one, registry.current());
    }

    /** A task that calls its generation's code, which throws, and catches the exception (as servers do). */
    private static void runCatching(ClassLoader generation) {
        TestSeams.runBound(generation, () -> {
            try {
                IllegalStateException e = new IllegalStateException("broken");
                ThrownExceptions.crossed(((GenerationLoader) generation).outcomes(), e); // the boundary's handler
                throw e;
            } catch (IllegalStateException handled) {
                // logged by the application; the task goes on and ends normally
            }
        });
    }

    private static void runFailing(ClassLoader generation) {
        try {
            TestSeams.runBound(generation, () -> {
                throw new IllegalStateException("broken");
            });
        } catch (IllegalStateException expected) {
            // the task failed: counted in the canary's outcomes
        }
    }

    @Test
    void theAutomaticAbortDoesNotAbortACanaryThatEndedMeanwhile() throws IOException {
        activate("a");
        Canary first = registry.startCanary(snapshot("b"), 0.05, AbortPolicy.NONE);
        registry.abort("by the operator");
        Canary second = registry.startCanary(snapshot("c"), 0.05, AbortPolicy.NONE);
        assertTrue(!registry.abortIfCanary(first, "too late"), "the first one is gone");
        assertSame(second, registry.canary());
        assertTrue(registry.abortIfCanary(second, "measured"));
        assertNull(registry.canary());
    }
}
