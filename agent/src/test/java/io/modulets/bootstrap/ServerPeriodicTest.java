package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.modulets.testing.CurrentGeneration;

/**
 * A periodic task given to a server's own scheduler (Netty's {@code scheduleAtFixedRate} and {@code
 * scheduleWithFixedDelay} on an event loop) follows the rule of a JDK scheduled pool's (DESIGN §2.1): scheduled by
 * unbound code, each run binds afresh when it starts; scheduled from inside a request, every run inherits the
 * request's binding, which stays live until the task is dropped; a request's delayed child dropped before it runs
 * stops counting at once. Netty itself is in ServersIT.
 */
@Timeout(30)
class ServerPeriodicTest {
    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();
    private final List<ClassLoader> runs = new ArrayList<>();

    @RegisterExtension
    final CurrentGeneration current = new CurrentGeneration(g1);

    private Runnable tick() {
        return () -> runs.add(Bindings.bound());
    }

    @Test
    void aRootPeriodicTaskBindsAfreshAtEachRunAndHoldsNothingBetweenRuns() {
        Runnable periodic = ExecutorHooks.wrapScheduledPeriodic(tick());
        assertEquals(0, g1.liveTasks(), "scheduled by unbound code, it keeps no generation between its runs");
        periodic.run();
        TestSeams.setCurrent(g2);
        periodic.run();
        assertEquals(List.of(g1, g2), runs);
        assertEquals(0, g1.liveTasks());
        assertEquals(0, g2.liveTasks());
        assertSame(periodic, ExecutorHooks.wrapScheduledPeriodic(periodic), "wrapped once");
    }

    @Test
    void aPeriodicTaskScheduledByARequestRunsOnItsGenerationUntilItIsDropped() {
        Runnable[] periodic = new Runnable[1];
        TestSeams.runBound(g1, () -> periodic[0] = ExecutorHooks.wrapScheduledPeriodic(tick()));
        TestSeams.setCurrent(g2);
        periodic[0].run();
        periodic[0].run();
        assertEquals(List.of(g1, g1), runs, "every run inherits the request's binding");
        assertEquals(1, g1.liveTasks(), "live while it may run again");
        DroppedTaskHooks.onTaskCleared(false, periodic[0]);
        assertEquals(1, g1.liveTasks(), "not dropped");
        DroppedTaskHooks.onTaskCleared(true, periodic[0]);
        assertEquals(0, g1.liveTasks(), "cancelled: released at once");
        DroppedTaskHooks.onTaskCleared(true, periodic[0]);
        assertEquals(0, g1.liveTasks(), "released once");
    }

    @Test
    void aDelayedChildCancelledBeforeItRunsStopsCountingAtOnce() {
        Runnable[] delayed = new Runnable[1];
        java.util.concurrent.Callable<?>[] callable = new java.util.concurrent.Callable<?>[1];
        TestSeams.runBound(g1, () -> {
            delayed[0] = ExecutorHooks.wrapScheduledChild(tick());
            callable[0] = ExecutorHooks.wrapScheduledCallable(() -> "called");
        });
        assertEquals(2, g1.liveTasks(), "the request's children, pending");
        DroppedTaskHooks.onTaskCleared(true, delayed[0]);
        DroppedTaskHooks.onTaskCleared(true, callable[0]);
        assertEquals(0, g1.liveTasks(), "cancelled before they ran: released at once, not when collected");
    }
}
