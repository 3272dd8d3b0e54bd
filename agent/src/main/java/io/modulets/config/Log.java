package io.modulets.config;

import java.lang.System.Logger.Level;

/**
 * The agent's log, to {@code System.Logger} (DESIGN §4, key {@code log}). The logger is looked up
 * on first use, so an agent that has nothing to say does not initialise a logging backend. Where
 * that backend is the JDK's unconfigured default, records are one line each ({@link OneLineHandler}).
 */
public final class Log {
    private static final String NAME = "io.modulets";
    private static volatile LogLevel level = LogLevel.INFO;
    private static volatile System.Logger logger;
    /** The java.util.logging logger holding the one-line handler, held so that the handler stays. */
    private static Object oneLine;

    private Log() {
    }

    public static void setLevel(LogLevel newLevel) {
        level = newLevel;
    }

    public static void error(String format, Object... args) {
        log(Level.ERROR, format, args);
    }

    public static void warn(String format, Object... args) {
        log(Level.WARNING, format, args);
    }

    public static void info(String format, Object... args) {
        log(Level.INFO, format, args);
    }

    public static void debug(String format, Object... args) {
        log(Level.DEBUG, format, args);
    }

    private static synchronized System.Logger lookUp() {
        if (logger == null) {
            if (ModuleLayer.boot().findModule("java.logging").isPresent()) {
                oneLine = OneLineHandler.installIfDefault(NAME);
            }
            logger = System.getLogger(NAME);
        }
        return logger;
    }

    private static void log(Level at, String format, Object... args) {
        if (!level.isLoggable(at)) {
            return;
        }
        System.Logger out = logger;
        if (out == null) {
            out = lookUp();
        }
        // Our own level decides; the backend's default threshold (INFO) must not hide a debug
        // line the operator asked for, so debug lines go out at INFO.
        out.log(at == Level.DEBUG ? Level.INFO : at,
                "modulets: " + (args.length == 0 ? format : String.format(format, args)));
    }
}
