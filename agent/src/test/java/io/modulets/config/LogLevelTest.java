package io.modulets.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger.Level;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogLevelTest {

    @Test
    void thresholds() {
        assertEquals(Level.OFF, LogLevel.OFF.threshold());
        assertEquals(Level.ERROR, LogLevel.ERROR.threshold());
        assertEquals(Level.WARNING, LogLevel.WARN.threshold());
        assertEquals(Level.INFO, LogLevel.INFO.threshold());
        assertEquals(Level.DEBUG, LogLevel.DEBUG.threshold());
    }

    @Test
    void offLogsNothing() {
        for (Level level : Level.values()) {
            assertFalse(LogLevel.OFF.isLoggable(level), level.toString());
        }
    }

    @Test
    void aLevelLogsItselfAndWhatIsMoreSevere() {
        assertTrue(LogLevel.INFO.isLoggable(Level.ERROR));
        assertTrue(LogLevel.INFO.isLoggable(Level.WARNING));
        assertTrue(LogLevel.INFO.isLoggable(Level.INFO));
        assertFalse(LogLevel.INFO.isLoggable(Level.DEBUG));
        assertTrue(LogLevel.ERROR.isLoggable(Level.ERROR));
        assertFalse(LogLevel.ERROR.isLoggable(Level.WARNING));
        assertTrue(LogLevel.DEBUG.isLoggable(Level.DEBUG));
        assertFalse(LogLevel.DEBUG.isLoggable(Level.TRACE));
        assertFalse(LogLevel.DEBUG.isLoggable(Level.OFF));
    }

    @Test
    void argumentSpelling() {
        assertEquals("warn", LogLevel.WARN.argument());
        assertEquals(Optional.of(LogLevel.WARN), LogLevel.fromArgument("warn"));
        assertEquals(Optional.of(LogLevel.DEBUG), LogLevel.fromArgument("DEBUG"));
        assertEquals(Optional.empty(), LogLevel.fromArgument("warning"));
    }
}
