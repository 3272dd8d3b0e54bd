package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.modulets.generations.PinReport.Kind;
import io.modulets.generations.PinReport.Pin;

class PinReportTest {
    @Test
    void aReportIsOneLineWithEveryPinThenWhatWasNotInspected() {
        PinReport report = new PinReport(3, Generation.State.RETIRED, List.of(
                new Pin(Kind.THREAD_LOCAL, "java.lang.ThreadLocal of thread 'w' holds a sw.Session"),
                new Pin(Kind.MBEAN, "sw:type=Stats")), List.of("JDBC drivers (no java.sql)"));
        assertTrue(report.isPinned());
        assertEquals("pinned by 2 holders: thread-local: java.lang.ThreadLocal of thread 'w' holds a sw.Session;"
                + " MBean: sw:type=Stats; not inspected: JDBC drivers (no java.sql)", report.summary());
        assertEquals("generation 3 (retired): " + report.summary(), report.toString());
        assertFalse(report.summary().contains("\n"));
    }

    @Test
    void aRetiredGenerationWithNothingVisibleAsksForAHeapDump() {
        PinReport report = new PinReport(4, Generation.State.RETIRED, List.of(), List.of());
        assertFalse(report.isPinned());
        assertEquals("nothing the agent can see holds it (an object of its classes is reachable from elsewhere:"
                + " take a heap dump)", report.summary());
        assertEquals("unloaded: nothing holds it",
                new PinReport(4, Generation.State.UNLOADED, List.of(), List.of()).summary());
    }
}
