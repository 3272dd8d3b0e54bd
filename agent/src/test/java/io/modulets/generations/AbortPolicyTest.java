package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The automatic abort's arithmetic (DESIGN §4): failure rates since the canary started, a margin, a minimum. */
class AbortPolicyTest {
    private final AbortPolicy fivePercentAfter100 = new AbortPolicy(0.05, 100);

    @Test
    void abortsWhenTheCanaryFailsMoreThanCurrentPlusTheMargin() {
        assertEquals("40.8% of its 120 tasks failed (IllegalStateException 49), current generation failed 0% of"
                + " 2,300; margin 5%", fivePercentAfter100.verdict(49, 120, "IllegalStateException 49", null, 0, 2300));
        assertEquals("10% of its 200 tasks failed, current generation failed 4% of 1,000; margin 5%",
                fivePercentAfter100.verdict(20, 200, "", null, 40, 1000), "10% > 4% + 5%");
    }

    @Test
    void keepsTheCanaryAtOrBelowTheMargin() {
        assertNull(fivePercentAfter100.verdict(18, 200, "", null, 40, 1000), "9% is within 4% + 5%");
        assertNull(fivePercentAfter100.verdict(10, 100, "", null, 50, 1000), "exactly at the margin: 10% = 5% + 5%");
        assertNull(fivePercentAfter100.verdict(0, 500, "", null, 0, 0), "neither failed");
        assertNull(new AbortPolicy(0, 1).verdict(5, 100, "", null, 50, 1000), "equal rates with margin 0");
    }

    @Test
    void abortsByTheShareOfTasksItsCodeThrewIn() {
        assertEquals("its code threw exceptions in 100% of its 60 tasks (IllegalStateException 60), current"
                + " generation's in 10% of 60; margin 5%",
                new AbortPolicy(0.05, 50).thrownVerdict(60, 60, "IllegalStateException 60", null, 6, 60));
        assertNull(new AbortPolicy(0.05, 50).thrownVerdict(6, 60, "", null, 6, 60), "the same share as current");
        assertNull(new AbortPolicy(0.05, 50).thrownVerdict(49, 49, "", null, 0, 60), "below the minimum");
        assertNull(AbortPolicy.NONE.thrownVerdict(100, 100, "", null, 0, 100));
    }

    @Test
    void abortsByTheShareOfRequestsAnswered5xxAfterTheMinimumNumberOfRequests() {
        AbortPolicy policy = new AbortPolicy(0.05, 50);
        assertEquals("5xx responses to 30% of its 60 requests, current generation's to 10% of 600; margin 5%",
                policy.serverErrorVerdict(18, 60, null, 60, 600));
        assertNull(policy.serverErrorVerdict(6, 60, null, 60, 600), "the same share as current");
        assertNull(policy.serverErrorVerdict(49, 49, null, 0, 600), "below the minimum of requests");
        assertNull(AbortPolicy.NONE.serverErrorVerdict(100, 100, null, 0, 100));
    }

    @Test
    void abortsByTheShareOfJobRunsThatFailed() {
        AbortPolicy policy = new AbortPolicy(0.05, 50);
        assertEquals("100% of its 50 job runs failed (JobExecutionException 50), current generation's 0% of 40;"
                + " margin 5%", policy.failedJobVerdict(50, 50, "JobExecutionException 50", null, 0, 40));
        assertNull(policy.failedJobVerdict(3, 50, "", null, 2, 40), "6% within 5% + 5%");
        assertNull(policy.failedJobVerdict(10, 10, "", null, 0, 40), "below the minimum of job runs");
    }

    @Test
    void waitsForTheMinimumNumberOfEndedTasks() {
        assertNull(fivePercentAfter100.verdict(99, 99, "", null, 0, 5000), "99 ended, all failed: not judged yet");
        assertEquals("100% of its 100 tasks failed, current generation failed 0% of 5,000; margin 5%",
                fivePercentAfter100.verdict(100, 100, "", null, 0, 5000));
    }

    @Test
    void aCurrentGenerationWithoutEndedTasksCountsAsFailingNone() {
        assertEquals("6% of its 100 tasks failed, current generation failed 0% of 0; margin 5%",
                fivePercentAfter100.verdict(6, 100, "", null, 0, 0));
    }

    @Test
    void noPolicyNeverAborts() {
        assertFalse(AbortPolicy.NONE.isSet());
        assertNull(AbortPolicy.NONE.verdict(1_000_000, 1_000_000, "", null, 0, 1));
        assertEquals("no automatic abort", AbortPolicy.NONE.toString());
        assertEquals("abort above the current generation's failure, thrown-exception, 5xx or failed-job rate + 5%"
                + " after 100 ended tasks",
                fivePercentAfter100.toString());
    }
}
