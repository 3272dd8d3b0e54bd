package io.modulets.config;

import java.lang.System.Logger.Level;

/**
 * The agent's log, to {@code System.Logger} (DESIGN §4, key {@code log}). The logger is looked up
 * on first use, so an agent that has nothing to say does not initialise a logging backend. Where
 * that backend is the JDK's unconfigured default, records are one line each ({@link OneLineHandler}).
 * Every line is one line: control characters in it (a jar named with a newline or an escape
 * sequence, an exception's multi-line message) are written as escapes ({@link #escape}), so that
 * no file name can forge a log line or drive a terminal.
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

    /** Whether debug lines are written: for a line whose arguments cost something to compute. */
    public static boolean debugging() {
        return level.isLoggable(Level.DEBUG);
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
                "modulets: " + escape(args.length == 0 ? format : String.format(format, args)));
    }

    /**
     * {@code text} with every control character written as an escape: {@code \n}, {@code \r}, {@code \t},
     * and backslash, u and four hex digits for the others (ESC is u001b; C0, DEL, C1, and the Unicode
     * line and paragraph separators); text without any is returned as it is.
     */
    public static String escape(String text) {
        int i = 0;
        while (i < text.length() && !isControl(text.charAt(i))) i++;
        if (i == text.length()) return text;
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029';
    }

    /** A throwable in one line: its class and its message's first line, as it would be logged. */
    public static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) return e.getClass().getName();
        int end = message.indexOf('\n');
        return e.getClass().getName() + ": " + (end < 0 ? message : message.substring(0, end)).strip();
    }
}
