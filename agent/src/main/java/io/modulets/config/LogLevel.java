package io.modulets.config;

import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Optional;

/** The agent argument {@code log}: how much the agent writes to {@link System.Logger}. */
public enum LogLevel {
    OFF(Level.OFF),
    ERROR(Level.ERROR),
    WARN(Level.WARNING),
    INFO(Level.INFO),
    DEBUG(Level.DEBUG);

    private final Level threshold;

    LogLevel(Level threshold) {
        this.threshold = threshold;
    }

    /** The least severe {@link Level} that is logged; {@link Level#OFF} for {@link #OFF}. */
    public Level threshold() {
        return threshold;
    }

    /** Whether a message at {@code level} is logged; never for {@code OFF}, never at {@link Level#OFF}. */
    public boolean isLoggable(Level level) {
        return level != Level.OFF && level.getSeverity() >= threshold.getSeverity();
    }

    /** The spelling in agent arguments: {@code "info"}. */
    public String argument() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level spelled {@code argument} (case-insensitive), if any. */
    public static Optional<LogLevel> fromArgument(String argument) {
        for (LogLevel level : values()) {
            if (level.name().equalsIgnoreCase(argument)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}
