package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modulets.cli.RolloutJudge.Tally;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code rollout} judges a new generation against the one it replaces, splits waves and reads durations. */
class RolloutJudgeTest {
    private final RolloutJudge fivePercentAfter100 = new RolloutJudge(0.05, 100);

    @Test
    void aGenerationIsJudgedOnlyOnceItEndedMinTasks() {
        assertFalse(fivePercentAfter100.ready(new Tally(99, 99, 0)));
        assertTrue(fivePercentAfter100.ready(new Tally(100, 0, 0)));
        // not enough tasks: no verdict, whatever the rate
        assertNull(fivePercentAfter100.verdict(new Tally(99, 99, 99), "", "generation 1", new Tally(1000, 0, 0)));
    }

    @Test
    void itFailsWhenItsFailureRateExceedsTheBaselinesByMoreThanTheMargin() {
        assertEquals("40% of its 100 tasks failed (IllegalStateException 40), current generation 1 failed 0% of"
                        + " 2,000; margin 5%, the difference at least 29.4% (99% confidence)",
                fivePercentAfter100.verdict(new Tally(100, 40, 0), "IllegalStateException 40", "generation 1",
                        new Tally(2000, 0, 0)));
        assertEquals("20% of its 200 tasks failed, current generation 3 failed 4% of 1,000; margin 5%, the difference"
                + " at least 10% (99% confidence)",
                fivePercentAfter100.verdict(new Tally(200, 40, 0), "", "generation 3", new Tally(1000, 40, 0)));
        assertNull(fivePercentAfter100.verdict(new Tally(200, 20, 0), "", "generation 3", new Tally(1000, 40, 0)),
                "10% of 200 against 4%: the agent's rule, not with 99% confidence");
    }

    @Test
    void itPassesWithinTheMarginOfTheBaselineEvenIfBothFail() {
        assertNull(fivePercentAfter100.verdict(new Tally(200, 18, 0), "", "generation 1", new Tally(1000, 40, 0)),
                "9% is within 4% + 5%");
        assertNull(fivePercentAfter100.verdict(new Tally(100, 10, 0), "", "generation 1", new Tally(1000, 50, 0)),
                "exactly at the margin");
        assertNull(fivePercentAfter100.verdict(new Tally(100, 5, 0), "", "generation 1", Tally.NONE),
                "a baseline that ended no task counts as failing none: 5% is within 0% + 5%");
    }

    @Test
    void itFailsWhenItsCodeThrowsInMoreTasksThanTheBaselinesEvenIfNoTaskFails() {
        String verdict = fivePercentAfter100.verdict(new Tally(100, 0, 30), "", "generation 1", new Tally(500, 0, 5));
        assertEquals("its code threw exceptions in 30% of its 100 tasks, current generation 1's in 1% of 500;"
                + " margin 5%, the difference at least 19.4% (99% confidence)", verdict);
    }

    @Test
    void aTallyOverAPeriodIsTheDifferenceOfTheCounters() {
        Tally period = new Tally(1500, 30, 7).since(new Tally(500, 10, 2));
        assertEquals(new Tally(1000, 20, 5), period);
        assertEquals("2%", period.failureRate());
        assertEquals("-", Tally.NONE.failureRate(), "no task ended: no rate");
    }

    @Test
    void wavesAreNearlyEqualInOrderTheLargerFirst() {
        assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5)), RolloutJudge.waves(List.of(1, 2, 3, 4, 5), 3));
        assertEquals(List.of(List.of(1), List.of(2)), RolloutJudge.waves(List.of(1, 2), 3), "fewer targets than waves");
        assertEquals(List.of(List.of(1, 2, 3)), RolloutJudge.waves(List.of(1, 2, 3), 1));
        assertEquals(List.of(), RolloutJudge.waves(List.of(), 3), "the canary was the only target");
        assertThrows(IllegalArgumentException.class, () -> RolloutJudge.waves(List.of(1), 0));
    }

    @Test
    void theTopExceptionsAreNamedAsTheAgentNamesThem() {
        assertEquals("IllegalStateException 40, NullPointerException 2, IOException 1", RolloutJudge.top(List.of(
                "java.lang.IllegalStateException 40", "java.lang.NullPointerException 2", "java.io.IOException 1",
                "java.lang.Error 1")));
        assertEquals("", RolloutJudge.top(List.of()));
    }

    @Test
    void durationsAreShortOrIso() {
        assertEquals(Duration.ofMinutes(10), RolloutCommand.parseDuration("10m"));
        assertEquals(Duration.ofSeconds(90), RolloutCommand.parseDuration("90s"));
        assertEquals(Duration.ofHours(1), RolloutCommand.parseDuration("1h"));
        assertEquals(Duration.ofMillis(500), RolloutCommand.parseDuration("500ms"));
        assertEquals(Duration.ofMinutes(2), RolloutCommand.parseDuration("PT2M"));
        assertEquals("10m", RolloutCommand.format(Duration.ofMinutes(10)));
        assertEquals("90s", RolloutCommand.format(Duration.ofSeconds(90)));
        assertThrows(IllegalArgumentException.class, () -> RolloutCommand.parseDuration("0s"));
        assertThrows(IllegalArgumentException.class, () -> RolloutCommand.parseDuration("ten minutes"));
    }

    @Test
    void aWaveWhoseRequestsAnswer5xxOrWhoseJobsFailMoreFailsTooOnceItHasEnoughOfThem() {
        RolloutJudge fivePercentAfter100 = new RolloutJudge(0.05, 100);
        Tally baseline = new Tally(1000, 0, 0, 1000, 10, 500, 5);
        assertEquals("5xx responses to 30% of its 100 requests, current generation 1's to 1% of 1,000; margin 5%, the"
                + " difference at least 19.5% (99% confidence)",
                fivePercentAfter100.verdict(new Tally(100, 0, 0, 100, 30, 0, 0), "", "generation 1", baseline));
        assertEquals("20% of its 100 job runs failed, current generation 1's 1% of 500; margin 5%, the difference at"
                + " least 11.2% (99% confidence)",
                fivePercentAfter100.verdict(new Tally(100, 0, 0, 0, 0, 100, 20), "", "generation 1", baseline));
        assertNull(fivePercentAfter100.verdict(new Tally(100, 0, 0, 99, 99, 99, 99), "", "generation 1", baseline),
                "fewer than 100 requests and job runs: not judged on them yet");
        assertEquals(new Tally(10, 1, 0, 20, 2, 3, 1),
                new Tally(110, 11, 0, 120, 12, 13, 11).since(new Tally(100, 10, 0, 100, 10, 10, 10)));
    }
}
