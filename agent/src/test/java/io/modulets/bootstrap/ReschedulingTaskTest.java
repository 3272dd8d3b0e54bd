package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * A task that is periodic by scheduling itself again, one-shot, from the end of each run (Spring's trigger
 * and cron tasks, DESIGN §2.1): first scheduled by unbound code, each run binds afresh, like a root periodic
 * task, rather than as its previous run's child; first scheduled from inside a task, every run stays that
 * task's child. Each one-shot schedule counts only while its run runs. Spring itself is in ServersIT.
 */
@Timeout(30)
class ReschedulingTaskTest {
    /** What Spring's trigger task is here. */
    private static final class Job {
    }

    /** What the scheduled pool queues for each schedule (a ScheduledFutureTask wrapping the task). */
    private static final class Scheduled {
        final Job job;

        Scheduled(Job job) {
            this.job = job;
        }
    }

    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();
    private final List<ClassLoader> runs = new ArrayList<>();
    private ClassLoader savedCurrent;
    private Predicate<Object> savedRescheduling;
    private Function<Object, Object> savedInner;

    @BeforeEach
    void recognizeTheJob() {
        savedCurrent = Bindings.current();
        savedRescheduling = ExecutorHooks.reschedulingTask;
        savedInner = Bindings.taskInner;
        TestSeams.setCurrent(g1);
        ExecutorHooks.reschedulingTask = task -> task instanceof Job;
        Bindings.taskInner = task -> task instanceof Scheduled ? ((Scheduled) task).job : null;
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
        ExecutorHooks.reschedulingTask = savedRescheduling;
        Bindings.taskInner = savedInner;
    }

    /** Runs one schedule of the job, which records its binding and schedules the job again. */
    private Scheduled run(Scheduled scheduled) {
        Scheduled[] next = new Scheduled[1];
        ExecutorHooks.runCaptured(scheduled, () -> {
            runs.add(Bindings.bound());
            next[0] = new Scheduled(scheduled.job);
            ExecutorHooks.onSchedule(next[0]);
        });
        return next[0];
    }

    @Test
    void firstScheduledByUnboundCodeEachRunBindsToTheGenerationCurrentWhenItStarts() {
        Scheduled first = new Scheduled(new Job());
        ExecutorHooks.onSchedule(first);
        TestSeams.setCurrent(g2);
        Scheduled second = run(first);
        assertSame(g2, runs.get(0), "a deploy before the first run: the run takes the new generation");
        Scheduled third = run(second);
        TestSeams.setCurrent(g1);
        run(third);
        assertEquals(List.of(g2, g2, g1), runs, "each run binds afresh, never as its previous run's child");
        assertEquals(0, g1.liveTasks());
        assertEquals(0, g2.liveTasks(), "a schedule counts only while its run runs");
    }

    @Test
    void firstScheduledFromInsideATaskEveryRunStaysThatTasksChild() {
        Scheduled first = new Scheduled(new Job());
        TestSeams.runBound(g1, () -> ExecutorHooks.onSchedule(first));
        TestSeams.setCurrent(g2);
        run(run(run(first)));
        assertEquals(List.of(g1, g1, g1), runs);
        assertEquals(1, g1.liveTasks(), "the schedule the last run made is pending, a child of generation 1");
        assertEquals(0, g2.liveTasks());
    }
}
