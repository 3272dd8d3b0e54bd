package io.modulets.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PercentTest {
    @Test
    void parsesPercentagesAsFractions() {
        assertEquals(0.05, Percent.parse("5%", false), 1e-15);
        assertEquals(0.005, Percent.parse("0.5%", false), 1e-15);
        assertEquals(0.0001, Percent.parse("0.01%", false), 1e-15);
        assertEquals(1, Percent.parse("100%", false), 1e-15);
        assertEquals(0, Percent.parse("0%", true), 0);
        assertEquals(0.05, Percent.parse(" 5% ", false), 1e-15, "surrounding blanks are trimmed");
    }

    @Test
    void refusesWhatIsNotOne() {
        assertEquals("'0.05' is not a percentage; give one such as 5% or 0.5%",
                assertThrows(IllegalArgumentException.class, () -> Percent.parse("0.05", false)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Percent.parse(null, false));
        assertEquals("'0%' is out of range; give more than 0% to 100%",
                assertThrows(IllegalArgumentException.class, () -> Percent.parse("0%", false)).getMessage());
    }

    @Test
    void formatsAsPeopleWriteThem() {
        assertEquals("5%", Percent.format(0.05));
        assertEquals("12.5%", Percent.format(0.125));
        assertEquals("33.33%", Percent.format(1.0 / 3));
        assertEquals("0%", Percent.format(0));
        assertEquals("100%", Percent.format(1));
    }
}
