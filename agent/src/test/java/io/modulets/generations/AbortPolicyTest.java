package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The automatic abort's arithmetic (DESIGN §4): rates since the canary started, compared with 99 % confidence
 * against the current's plus a margin, after a minimum; p99 latencies compared by a factor.
 */
class AbortPolicyTest {
    private final AbortPolicy fivePercentAfter100 = new AbortPolicy(0.05, 100);

    @Test
    void abortsWhenTheCanaryFailsMoreThanCurrentPlusTheMarginWithConfidence() {
        assertEquals("40.8% of its 120 tasks failed (IllegalStateException 49), current generation failed 0% of"
                + " 2,300; margin 5%, the difference at least 31% (99% confidence)",
                fivePercentAfter100.verdict(49, 120, "IllegalStateException 49", null, 0, 2300));
        assertEquals("20% of its 200 tasks failed, current generation failed 4% of 1,000; margin 5%, the difference"
                + " at least 10% (99% confidence)", fivePercentAfter100.verdict(40, 200, "", null, 40, 1000));
    }

    @Test
    void keepsTheCanaryWhileTheExcessCouldBeChance() {
        assertNull(fivePercentAfter100.verdict(20, 200, "", null, 40, 1000),
                "10% of 200 against 4%: above 4% + 5%, but not with confidence (at least 1.7%)");
        assertNull(fivePercentAfter100.verdict(18, 200, "", null, 40, 1000), "9% is within 4% + 5%");
        assertNull(fivePercentAfter100.verdict(0, 500, "", null, 0, 0), "neither failed");
        assertNull(new AbortPolicy(0, 1).verdict(5, 100, "", null, 50, 1000), "equal rates with margin 0");
        assertNull(new AbortPolicy(0, 1).verdict(500, 10_000, "", null, 500, 10_000), "equal rates, many tasks");
    }

    @Test
    void smallCountsAreJudgedByWhatTheyCanShow() {
        AbortPolicy noMargin = new AbortPolicy(0, 1);
        assertTrue(AbortPolicy.differenceAtLeast(0, 5, 0, 1_000) < 0, "0 of 5 against 0 of 1,000: nothing shown");
        assertNull(noMargin.verdict(0, 5, "", null, 0, 1_000));
        double three = AbortPolicy.differenceAtLeast(3, 50, 1, 1_000);
        assertTrue(three > 0.01 && three < 0.03, "3 of 50 against 1 of 1,000: worse, by at least about 1.6%: " + three);
        assertEquals("6% of its 50 tasks failed, current generation failed 0.1% of 1,000; margin 0%, the difference"
                + " at least 1.6% (99% confidence)", noMargin.verdict(3, 50, "", null, 1, 1_000));
        assertNull(new AbortPolicy(0.05, 1).verdict(3, 50, "", null, 1, 1_000), "not by more than 5%");
        assertNull(new AbortPolicy(0.05, 1).verdict(1, 5, "", null, 0, 1_000), "1 of 5: worse, not by 5% (2.8%)");
        assertEquals("100% of its 5 tasks failed, current generation failed 0% of 1,000; margin 5%, the difference at"
                + " least 48% (99% confidence)", new AbortPolicy(0.05, 5).verdict(5, 5, "", null, 0, 1_000));
        assertNull(new AbortPolicy(0.5, 5).verdict(5, 5, "", null, 0, 1_000), "5 of 5 cannot show more than 48%");
        double big = AbortPolicy.differenceAtLeast(200, 1_000, 100, 1_000);
        assertTrue(big > 0.05 && big < 0.1, "20% of 1,000 against 10% of 1,000: at least 6%: " + big);
        double lowerAtMost = AbortPolicy.differenceAtLeast(1, 2, 0, 0);
        assertTrue(lowerAtMost < 0.5, "a bound, below the observed difference: " + lowerAtMost);
    }

    @Test
    void abortsByTheShareOfTasksItsCodeThrewIn() {
        assertEquals("its code threw exceptions in 100% of its 60 tasks (IllegalStateException 60), current"
                + " generation's in 10% of 60; margin 5%, the difference at least 75% (99% confidence)",
                new AbortPolicy(0.05, 50).thrownVerdict(60, 60, "IllegalStateException 60", null, 6, 60));
        assertNull(new AbortPolicy(0.05, 50).thrownVerdict(6, 60, "", null, 6, 60), "the same share as current");
        assertNull(new AbortPolicy(0.05, 50).thrownVerdict(49, 49, "", null, 0, 60), "below the minimum");
        assertNull(AbortPolicy.NONE.thrownVerdict(100, 100, "", null, 0, 100));
    }

    @Test
    void abortsByTheShareOfRequestsAnswered5xxAfterTheMinimumNumberOfRequests() {
        AbortPolicy policy = new AbortPolicy(0.05, 50);
        assertEquals("5xx responses to 30% of its 100 requests, current generation's to 1% of 1,000; margin 5%, the"
                + " difference at least 19.5% (99% confidence)", policy.serverErrorVerdict(30, 100, null, 10, 1000));
        assertNull(policy.serverErrorVerdict(12, 60, null, 60, 600), "20% of 60 against 10%: not with confidence");
        assertNull(policy.serverErrorVerdict(6, 60, null, 60, 600), "the same share as current");
        assertNull(policy.serverErrorVerdict(49, 49, null, 0, 600), "below the minimum of requests");
        assertNull(AbortPolicy.NONE.serverErrorVerdict(100, 100, null, 0, 100));
    }

    @Test
    void abortsByTheShareOfJobRunsThatFailed() {
        AbortPolicy policy = new AbortPolicy(0.05, 50);
        assertEquals("100% of its 50 job runs failed (JobExecutionException 50), current generation's 0% of 40;"
                + " margin 5%, the difference at least 84.6% (99% confidence)",
                policy.failedJobVerdict(50, 50, "JobExecutionException 50", null, 0, 40));
        assertNull(policy.failedJobVerdict(3, 50, "", null, 2, 40), "6% within 5% + 5%");
        assertNull(policy.failedJobVerdict(10, 10, "", null, 0, 40), "below the minimum of job runs");
    }

    @Test
    void waitsForTheMinimumNumberOfEndedTasks() {
        assertNull(fivePercentAfter100.verdict(99, 99, "", null, 0, 5000), "99 ended, all failed: not judged yet");
        assertEquals("100% of its 100 tasks failed, current generation failed 0% of 5,000; margin 5%, the difference"
                + " at least 94.9% (99% confidence)", fivePercentAfter100.verdict(100, 100, "", null, 0, 5000));
    }

    @Test
    void aCurrentGenerationWithoutEndedTasksCountsAsFailingNone() {
        assertEquals("30% of its 100 tasks failed, current generation failed 0% of 0; margin 5%, the difference at"
                + " least 20.6% (99% confidence)", fivePercentAfter100.verdict(30, 100, "", null, 0, 0));
        assertNull(fivePercentAfter100.verdict(6, 100, "", null, 0, 0), "6 of 100 may be 5% or less");
    }

    @Test
    void abortsWhenTheCanarysP99IsAboveTheFactorTimesTheCurrentsOnceBothHaveTheMinimum() {
        AbortPolicy latency = new AbortPolicy(Double.NaN, 100, 1.5);
        assertTrue(latency.isSet());
        assertEquals("p99 latency of its 120 requests 31.20 ms, current generation's 10.00 ms of 4,000; limit 1.5x",
                latency.latencyVerdict("requests", 31_200_000, 120, null, 10_000_000, 4_000));
        assertEquals("p99 run time of its 100 timed task runs 2.00 s, current generation 1's 1.00 s of 100; limit"
                + " 1.5x", latency.latencyVerdictAgainst("timed task runs", 2_000_000_000L, 100, "generation 1",
                1_000_000_000L, 100));
        assertNull(latency.latencyVerdict("requests", 15_000_000, 120, null, 10_000_000, 4_000), "exactly 1.5x");
        assertNull(latency.latencyVerdict("requests", 31_200_000, 99, null, 10_000_000, 4_000), "canary below 100");
        assertNull(latency.latencyVerdict("requests", 31_200_000, 120, null, 10_000_000, 99), "current below 100");
        assertNull(latency.verdict(100, 100, "", null, 0, 100), "no margin: rates do not abort");
        assertNull(fivePercentAfter100.latencyVerdict("requests", 31_200_000, 120, null, 10_000_000, 4_000),
                "no factor: latency does not abort");
    }

    @Test
    void noPolicyNeverAborts() {
        assertFalse(AbortPolicy.NONE.isSet());
        assertNull(AbortPolicy.NONE.verdict(1_000_000, 1_000_000, "", null, 0, 1));
        assertNull(AbortPolicy.NONE.latencyVerdict("requests", Long.MAX_VALUE, 1_000_000, null, 1, 1_000_000));
        assertEquals("no automatic abort", AbortPolicy.NONE.toString());
        assertEquals("no automatic abort", AbortPolicy.NONE.withLatency(Double.NaN).toString());
    }

    @Test
    void wordsThePolicy() {
        assertEquals("abort above the current generation's failure, thrown-exception, 5xx or failed-job rate + 5%"
                + " (99% confidence) after 100 ended tasks", fivePercentAfter100.toString());
        assertEquals("abort above the current generation's failure, thrown-exception, 5xx or failed-job rate + 5%"
                + " (99% confidence) after 100 ended tasks, or at a p99 latency above 1.5x the current generation's"
                + " after 100 timed requests or task runs each", fivePercentAfter100.withLatency(1.5).toString());
        assertEquals("abort at a p99 latency above 2x the current generation's after 100 timed requests or task runs"
                + " each", AbortPolicy.NONE.withLatency(2).toString());
    }
}
