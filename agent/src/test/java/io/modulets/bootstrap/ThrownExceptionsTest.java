package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What counts as an exception thrown by a generation's code into shell code (DESIGN §4, "Outcomes"): the
 * boundary's handler ({@link ThrownExceptions#crossed}) called directly, as each site it unwinds through
 * would call it; {@code OutcomesIT} checks the sites in a child JVM.
 */
@Timeout(30)
class ThrownExceptionsTest {
    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();

    @AfterEach
    void noneNormal() {
        ThrownExceptions.normal(List.of());
    }

    private static String thrownClasses(TaskOutcomes outcomes) {
        StringBuilder s = new StringBuilder();
        for (ExceptionTable.Count c : outcomes.thrownExceptions(10)) {
            s.append(s.length() == 0 ? "" : ", ").append(c.className).append(' ').append(c.count);
        }
        return s.toString();
    }

    @Test
    void anExceptionCountsOnceAsItUnwindsThroughSeveralSitesAndTheRunIsOneThatThrew() {
        TestSeams.runBound(g1, () -> {
            IllegalStateException e = new IllegalStateException();
            ThrownExceptions.crossed(g1.outcomes, e); // out of the inner swappable method
            ThrownExceptions.crossed(g1.outcomes, e); // out of the outer one, which did not catch it
        });
        assertEquals(1, g1.outcomes.thrownCount());
        assertEquals(1, g1.outcomes.threwInCount());
        assertEquals(1, g1.outcomes.endedCount());
        assertEquals(0, g1.outcomes.failedCount(), "the application caught it: the run completed");
        assertEquals("java.lang.IllegalStateException 1", thrownClasses(g1.outcomes));
    }

    @Test
    void twoExceptionsInARunCountTwiceInOneRunThatThrew() {
        TestSeams.runBound(g1, () -> {
            ThrownExceptions.crossed(g1.outcomes, new IllegalStateException());
            ThrownExceptions.crossed(g1.outcomes, new IllegalArgumentException());
        });
        assertEquals(2, g1.outcomes.thrownCount());
        assertEquals(1, g1.outcomes.threwInCount());
    }

    @Test
    void theSameExceptionObjectThrownInTwoRunsCountsInEach() {
        IllegalStateException shared = new IllegalStateException(); // a preallocated exception, thrown again
        for (int i = 0; i < 2; i++) {
            TestSeams.runBound(g1, () -> ThrownExceptions.crossed(g1.outcomes, shared));
        }
        assertEquals(2, g1.outcomes.thrownCount());
        assertEquals(2, g1.outcomes.threwInCount());
    }

    @Test
    void anExceptionThatThenEscapesTheTaskIsCountedOnceAsThrownAndTheRunFails() {
        assertThrows(IllegalStateException.class, () -> TestSeams.runBound(g1, () -> {
            IllegalStateException e = new IllegalStateException();
            ThrownExceptions.crossed(g1.outcomes, e);
            throw e;
        }));
        assertEquals(1, g1.outcomes.thrownCount());
        assertEquals(1, g1.outcomes.threwInCount());
        assertEquals(1, g1.outcomes.failedCount());
    }

    @Test
    void anotherGenerationsCodeCountsAgainstItButTheRunIsNotOneItsOwnCodeThrewIn() {
        // A task of generation 1 calls a method of an object of generation 2 (objects keep their code).
        TestSeams.runBound(g1, () -> ThrownExceptions.crossed(g2.outcomes, new IllegalStateException()));
        assertEquals(0, g1.outcomes.thrownCount());
        assertEquals(0, g1.outcomes.threwInCount());
        assertEquals(1, g2.outcomes.thrownCount());
        assertEquals(0, g2.outcomes.threwInCount());
    }

    @Test
    void aThreadThatRunsNoTaskCountsOnceAndNoRun() {
        IllegalStateException e = new IllegalStateException();
        ThrownExceptions.crossed(g1.outcomes, e);
        ThrownExceptions.crossed(g1.outcomes, e);
        assertEquals(1, g1.outcomes.thrownCount());
        assertEquals(0, g1.outcomes.threwInCount());
        assertEquals(0, g1.outcomes.endedCount());
    }

    @Test
    void classesDeclaredNormalAndTheirSubclassesAreNotCounted() {
        ThrownExceptions.normal(List.of("java.io.IOException"));
        TestSeams.runBound(g1, () -> {
            ThrownExceptions.crossed(g1.outcomes, new IOException());
            ThrownExceptions.crossed(g1.outcomes, new FileNotFoundException());
        });
        assertEquals(0, g1.outcomes.thrownCount());
        assertEquals(0, g1.outcomes.threwInCount());
        TestSeams.runBound(g1, () -> ThrownExceptions.crossed(g1.outcomes, new java.io.UncheckedIOException(
                new IOException())));
        assertEquals("java.io.UncheckedIOException 1", thrownClasses(g1.outcomes));
        assertEquals(1, g1.outcomes.threwInCount());
    }

    @Test
    void countingNeverThrows() {
        AtomicLong ran = new AtomicLong();
        TestSeams.runBound(g1, () -> {
            ThrownExceptions.crossed(g1.outcomes, null);
            ran.incrementAndGet();
        });
        assertEquals(1, ran.get());
        assertEquals(0, g1.outcomes.thrownCount());
    }
}
