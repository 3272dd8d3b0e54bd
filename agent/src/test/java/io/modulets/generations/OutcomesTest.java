package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.modulets.bootstrap.LatencyHistogram;
import io.modulets.bootstrap.TaskOutcomes;

/** The snapshot of a generation's outcomes: derived numbers, quantile bounds, differences. */
class OutcomesTest {
    /** A run that ends normally after {@code nanos}, timed. */
    private static void ended(TaskOutcomes counters, long nanos) {
        counters.ended();
        counters.timed(nanos, 1);
    }

    /** A run that ends by an exception of class {@code exception} after {@code nanos}, timed. */
    private static void failed(TaskOutcomes counters, String exception, long nanos) {
        counters.ended();
        counters.failed(exception);
        counters.timed(nanos, 1);
    }

    private static TaskOutcomes counters(int completed, int failed, long nanos) {
        TaskOutcomes counters = new TaskOutcomes();
        for (int i = 0; i < completed + failed + 1; i++) {
            counters.started(); // one more started: still running
        }
        for (int i = 0; i < completed; i++) {
            ended(counters, nanos);
        }
        for (int i = 0; i < failed; i++) {
            failed(counters, i % 2 == 0 ? "x.Even" : "x.Odd", nanos);
        }
        return counters;
    }

    @Test
    void runningIsStartedMinusEnded() {
        Outcomes outcomes = Outcomes.of(counters(7, 3, 1_000));
        assertEquals(11, outcomes.started());
        assertEquals(7, outcomes.completed());
        assertEquals(3, outcomes.failed());
        assertEquals(1, outcomes.running());
        assertEquals(1_000, outcomes.meanRunNanos());
        assertEquals(List.of(new Outcomes.ExceptionCount("x.Even", 2), new Outcomes.ExceptionCount("x.Odd", 1)),
                outcomes.exceptions());
    }

    @Test
    void quantilesAreTheTopOfTheirBucket() {
        TaskOutcomes counters = new TaskOutcomes();
        for (int i = 0; i < 98; i++) {
            ended(counters, 1_000); // [992, 1024)
        }
        ended(counters, 100_000); // [98304, 102400)
        ended(counters, 100_000);
        Outcomes outcomes = Outcomes.of(counters);
        assertEquals(1_023, outcomes.runNanosAtMost(0.5));
        assertEquals(1_023, outcomes.runNanosAtMost(0.98));
        assertEquals(102_399, outcomes.runNanosAtMost(0.99));
        assertEquals(100, outcomes.timedRuns());
        assertEquals(0, Outcomes.NONE.runNanosAtMost(0.99));
    }

    @Test
    void requestLatenciesGiveTheirQuantilesAndWhatHappenedSince() {
        TaskOutcomes counters = new TaskOutcomes();
        for (int i = 0; i < 99; i++) {
            counters.answered(200, 1_000_000);
        }
        counters.answered(500, 30_000_000);
        Outcomes earlier = Outcomes.of(counters);
        assertEquals(100, earlier.timedRequests());
        assertEquals(1_015_807, earlier.requestNanosAtMost(0.5)); // [983040, 1015808)
        assertEquals(1_015_807, earlier.requestNanosAtMost(0.99));
        assertEquals(30_408_703, earlier.requestNanosAtMost(1.0));
        for (int i = 0; i < 10; i++) {
            counters.answered(200, 3_000_000);
        }
        Outcomes since = Outcomes.of(counters).minus(earlier);
        assertEquals(10, since.requests());
        assertEquals(10, since.timedRequests());
        assertEquals(3_014_655, since.requestNanosAtMost(0.99));
        assertEquals(0, Outcomes.NONE.requestNanosAtMost(0.99));
    }

    @Test
    void minusGivesWhatHappenedSinceAnEarlierSnapshot() {
        TaskOutcomes counters = counters(2, 1, 500);
        Outcomes earlier = Outcomes.of(counters);
        counters.started();
        failed(counters, "x.Odd", 4_000);
        counters.started();
        ended(counters, 4_000);
        Outcomes since = Outcomes.of(counters).minus(earlier);
        assertEquals(2, since.started());
        assertEquals(1, since.completed());
        assertEquals(1, since.failed());
        assertEquals(8_000, since.runNanos());
        assertEquals(List.of(new Outcomes.ExceptionCount("x.Odd", 1)), since.exceptions());
        assertEquals(2, since.runBuckets()[LatencyHistogram.bucket(4_000)]);
        assertEquals(0, since.runBuckets()[LatencyHistogram.bucket(500)]);
        assertEquals(2, since.timedRuns());
    }

    @Test
    void runTimesComeFromTheTimedRunsWeightedByTheRunsTheyStandFor() {
        TaskOutcomes counters = new TaskOutcomes();
        for (int i = 0; i < 100; i++) {
            counters.started();
            counters.ended();
        }
        counters.timed(1_000, 60); // one timed run for 60 of them
        counters.timed(100_000, 40);
        Outcomes outcomes = Outcomes.of(counters);
        assertEquals(100, outcomes.completed(), "counts are exact whatever was timed");
        assertEquals(60, outcomes.runBuckets()[LatencyHistogram.bucket(1_000)]);
        assertEquals(40, outcomes.runBuckets()[LatencyHistogram.bucket(100_000)]);
        assertEquals(2, outcomes.timedRuns(), "the sample: two runs timed");
        assertEquals((60 * 1_000 + 40 * 100_000) / 100, outcomes.meanRunNanos());
        assertEquals(1_023, outcomes.runNanosAtMost(0.6));
        assertEquals(102_399, outcomes.runNanosAtMost(0.61));
        assertEquals(100_000, outcomes.maxRunNanos());
    }
}
