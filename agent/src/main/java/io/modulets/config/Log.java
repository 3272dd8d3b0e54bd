package io.modulets.config;

/**
 * The agent's log, to {@code System.Logger} (DESIGN §4, key {@code log}). The logger is looked up
 * on first use, so an agent that has nothing to say does not initialise a logging backend.
 */
public final class Log {
    private static volatile LogLevel level = LogLevel.INFO;
    private static volatile System.Logger logger;

    private Log() {
    }

    public static void setLevel(LogLevel newLevel) {
        level = newLevel;
    }

    public static boolean enabled(LogLevel at) {
        LogLevel threshold = level;
        return threshold != LogLevel.OFF && at.ordinal() <= threshold.ordinal();
    }

    public static void error(String format, Object... args) {
        log(LogLevel.ERROR, System.Logger.Level.ERROR, format, args);
    }

    public static void warn(String format, Object... args) {
        log(LogLevel.WARN, System.Logger.Level.WARNING, format, args);
    }

    public static void info(String format, Object... args) {
        log(LogLevel.INFO, System.Logger.Level.INFO, format, args);
    }

    public static void debug(String format, Object... args) {
        log(LogLevel.DEBUG, System.Logger.Level.DEBUG, format, args);
    }

    private static void log(LogLevel at, System.Logger.Level julLevel, String format, Object... args) {
        if (!enabled(at)) {
            return;
        }
        System.Logger out = logger;
        if (out == null) {
            out = System.getLogger("io.modulets");
            logger = out;
        }
        // Our own level decides; the backend's default threshold (INFO) must not hide a debug line
        // the operator asked for, so debug goes out at INFO with a marker.
        System.Logger.Level effective = julLevel == System.Logger.Level.DEBUG ? System.Logger.Level.INFO : julLevel;
        out.log(effective, "modulets: " + (args.length == 0 ? format : String.format(format, args)));
    }
}
