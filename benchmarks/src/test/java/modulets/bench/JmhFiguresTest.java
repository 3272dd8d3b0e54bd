package modulets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import modulets.bench.JmhFigures.Score;
import modulets.bench.JmhFigures.Target;
import modulets.bench.report.Row.Verdict;

/** The targets of the issue as the table judges them, on point estimates, with "noisy" where errors cannot decide. */
class JmhFiguresTest {
    private static Score ns(double value) {
        return new Score(value, value * 0.05);
    }

    @Test
    void aTaskMeetsItsTargetAtMostTwentyNanosecondsAddedAndNoWorseThanTtl() {
        assertEquals(Verdict.MET, JmhFigures.verdict(Target.TASK, ns(100), ns(120), ns(130)));
        assertEquals(Verdict.MISSED, JmhFigures.verdict(Target.TASK, ns(100), ns(120.5), ns(130)), "more than +20 ns");
        assertEquals(Verdict.MISSED, JmhFigures.verdict(Target.TASK, ns(100), ns(110), ns(105)), "worse than TTL");
        assertEquals(Verdict.MET, JmhFigures.verdict(Target.TASK, ns(100), ns(110), null), "no TTL run: +20 ns alone");
    }

    @Test
    void aHookTtlDoesNotInstrumentIsHeldToTwentyNanosecondsOnly() {
        assertEquals(Verdict.MET, JmhFigures.verdict(Target.TASK_NO_TTL, ns(100), ns(115), ns(100)));
        assertEquals(Verdict.MISSED, JmhFigures.verdict(Target.TASK_NO_TTL, ns(100), ns(125), ns(200)));
    }

    @Test
    void oneLiveGenerationMayAddAtMostTwoTenthsOfANanosecond() {
        assertEquals(Verdict.MET, JmhFigures.verdict(Target.NOTHING, ns(0.8), ns(0.95), null));
        assertEquals(Verdict.MISSED, JmhFigures.verdict(Target.NOTHING, ns(0.8), ns(1.1), null));
    }

    @Test
    void overlappingGenerationsMayAddAtMostTwoNanoseconds() {
        assertEquals(Verdict.MET, JmhFigures.verdict(Target.OVERLAP, ns(0.8), ns(2.7), null));
        assertEquals(Verdict.MISSED, JmhFigures.verdict(Target.OVERLAP, ns(0.25), ns(5.0), null));
    }

    @Test
    void anErrorLargerThanHalfItsScoreDecidesNothing() {
        Score wild = new Score(100, 60);
        assertEquals(Verdict.NOISY, JmhFigures.verdict(Target.TASK, wild, ns(110), ns(120)));
        assertEquals(Verdict.NOISY, JmhFigures.verdict(Target.TASK, ns(100), wild, ns(120)));
        assertEquals(Verdict.NOISY, JmhFigures.verdict(Target.TASK, ns(100), ns(110), new Score(120, 70)));
        assertEquals(Verdict.MET, JmhFigures.verdict(Target.TASK_NO_TTL, ns(100), ns(110), new Score(120, 70)),
                "TTL's error does not matter where TTL is not compared");
    }
}
