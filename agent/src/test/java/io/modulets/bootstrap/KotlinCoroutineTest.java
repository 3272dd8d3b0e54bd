package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.modulets.testing.CurrentGeneration;

/**
 * What a Kotlin coroutine carries (DESIGN §2.1, "coroutines"), through the hooks its context element calls at
 * each resumption: which binding, from when to when it is live, who ends it. The element and kotlinx itself are
 * in ServersIT.
 */
@Timeout(30)
class KotlinCoroutineTest {
    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();

    @RegisterExtension
    final CurrentGeneration current = new CurrentGeneration(g1);

    @Test
    void aCoroutineMadeInsideATaskResumesOnItsGenerationAfterADeployUntilItsOwnerCompletes() {
        KotlinCoroutine coroutine = madeBound(g1);
        assertEquals(1, g1.liveTasks(), "live from its launch");
        TestSeams.setCurrent(g2);
        Object owner = new Object();
        coroutine.claim(owner);
        coroutine.claim(new Object()); // a scope of the same coroutine, made later with its context
        Object step = CoroutineHooks.resumed(coroutine);
        assertSame(g1, Bindings.bound(), "resumed after the deploy, on any thread, it runs generation 1");
        assertSame(g1, Thread.currentThread().getContextClassLoader());
        assertEquals(2, g1.liveTasks(), "the step counts while it runs");
        CoroutineHooks.suspended(step);
        assertNull(Bindings.bound(), "suspended, the thread is unbound again");
        coroutine.completed(new Object());
        assertEquals(1, g1.liveTasks(), "a scope that is part of it completing does not end it");
        coroutine.completed(owner);
        assertEquals(0, g1.liveTasks(), "its owner completed: generation 1 can retire");
        coroutine.completed(owner);
        assertEquals(0, g1.liveTasks(), "released once");
    }

    @Test
    void aCoroutineMadeByUnboundCodeIsARootTaskBoundAtItsFirstResumption() {
        KotlinCoroutine coroutine = KotlinCoroutine.made();
        assertEquals(0, g1.liveTasks(), "nothing is bound before it runs");
        TestSeams.setCurrent(g2);
        CoroutineHooks.suspended(CoroutineHooks.resumed(coroutine));
        assertEquals(1, g2.liveTasks(), "bound to the generation current at its first step, and kept");
        TestSeams.setCurrent(g1);
        Object step = CoroutineHooks.resumed(coroutine);
        assertSame(g2, Bindings.bound(), "later steps keep it");
        CoroutineHooks.suspended(step);
        Object owner = new Object();
        coroutine.claim(owner);
        coroutine.completed(owner);
        assertEquals(0, g2.liveTasks());
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void aStepOnAThreadBoundToAnotherGenerationRunsTheCoroutinesAndRestoresTheThreads() {
        KotlinCoroutine coroutine = madeBound(g1);
        Scope pool = Scope.run(g2); // a pool task that only resumes it (kotlinx's timer handed it the step)
        try {
            Object step = CoroutineHooks.resumed(coroutine);
            assertSame(g1, Bindings.bound());
            CoroutineHooks.suspended(step);
            assertSame(g2, Bindings.bound(), "the pool task's binding is back");
        } finally {
            pool.close();
        }
        Object owner = new Object();
        coroutine.claim(owner);
        coroutine.completed(owner);
        assertEquals(0, g1.liveTasks());
    }

    private static KotlinCoroutine madeBound(ClassLoader binding) {
        Scope task = Scope.run(binding);
        try {
            return KotlinCoroutine.made();
        } finally {
            task.close();
        }
    }
}
