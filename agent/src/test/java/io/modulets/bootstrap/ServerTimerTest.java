package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server's own one-shot delayed task on a JDK scheduled pool or a {@code Timer} (Jetty's idle-timeout check of
 * a connection: scheduled by the selector when it accepts the connection, then again from each check's run) is
 * server machinery (DESIGN §2.1): never bound, whoever schedules it, so it keeps no generation live however long
 * the connection stays open. A delayed task of the application's, scheduled from a request, stays its child. Jetty
 * itself is in ServersIT.
 */
@Timeout(30)
class ServerTimerTest {
    /** What the server's idle check is here. */
    private static final class IdleCheck {
    }

    /** What the application schedules from a request. */
    private static final class Reminder {
    }

    /** What the scheduled pool queues for each schedule (a ScheduledFutureTask wrapping the task). */
    private static final class Scheduled {
        final Object task;

        Scheduled(Object task) {
            this.task = task;
        }
    }

    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();
    private final List<ClassLoader> runs = new ArrayList<>();
    private ClassLoader savedCurrent;
    private Predicate<Object> savedServerCode;
    private Function<Object, Object> savedInner;

    @BeforeEach
    void recognizeTheServer() {
        savedCurrent = Bindings.current();
        savedServerCode = ExecutorHooks.serverCode;
        savedInner = Bindings.taskInner;
        TestSeams.setCurrent(g1);
        ExecutorHooks.serverCode = task -> task instanceof IdleCheck;
        Bindings.taskInner = task -> task instanceof Scheduled ? ((Scheduled) task).task : null;
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
        ExecutorHooks.serverCode = savedServerCode;
        Bindings.taskInner = savedInner;
    }

    /** Runs one schedule of the idle check, which records its binding and schedules the check again. */
    private Scheduled check(Scheduled scheduled) {
        Scheduled[] next = new Scheduled[1];
        ExecutorHooks.runCaptured(scheduled, () -> {
            runs.add(Bindings.bound());
            next[0] = new Scheduled(scheduled.task);
            ExecutorHooks.onSchedule(next[0]);
        });
        return next[0];
    }

    @Test
    void anIdleCheckScheduledByTheServersLoopsKeepsNoGenerationLive() {
        Scheduled first = new Scheduled(new IdleCheck());
        ExecutorHooks.onSchedule(first);
        assertEquals(0, g1.liveTasks(), "the connection's first check, scheduled as it is accepted, is no root task");
        TestSeams.setCurrent(g2);
        check(check(first));
        assertEquals(0, g1.liveTasks(), "no check passes the generation of the accept on to the next");
        assertEquals(0, g2.liveTasks());
        assertEquals(java.util.Arrays.asList(null, null), runs, "each check runs unbound");
    }

    @Test
    void anIdleCheckScheduledFromARequestIsNoChildOfIt() {
        Scheduled scheduled = new Scheduled(new IdleCheck());
        TestSeams.runBound(g1, () -> ExecutorHooks.onSchedule(scheduled));
        assertEquals(0, g1.liveTasks(), "the request's end leaves nothing of it pending");
        check(scheduled);
        assertNull(runs.get(0));
    }

    @Test
    void aTimersOneShotTaskOfTheServerIsNeverBoundEither() {
        IdleCheck check = new IdleCheck();
        TestSeams.runBound(g1, () -> ExecutorHooks.onTimerSchedule(check, 0));
        ExecutorHooks.onTimerSchedule(new IdleCheck(), 0);
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void theApplicationsDelayedTaskScheduledFromARequestStaysItsChild() {
        Scheduled reminder = new Scheduled(new Reminder());
        TestSeams.runBound(g1, () -> ExecutorHooks.onSchedule(reminder));
        TestSeams.setCurrent(g2);
        assertEquals(1, g1.liveTasks(), "pending, a child of the request's generation");
        ExecutorHooks.runCaptured(reminder, () -> runs.add(Bindings.bound()));
        assertSame(g1, runs.get(0));
        assertEquals(0, g1.liveTasks());
    }
}
