package io.modulets.config;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One line per agent record on stderr ({@code 2026-12-05 04:08:20 INFO modulets: …}) where the JDK's
 * own logging would print two. It sits on the agent's logger {@code io.modulets} only, and only while
 * logging is the JDK's default: {@code java.util.logging} with no configuration file, class, manager or
 * format of the application's and the root logger's single {@link ConsoleHandler}. Once the application
 * sets up its own handlers, each record goes to them as it would without this handler (after a
 * {@code LogManager.reset} it is gone altogether); an application that configured logging before the agent
 * logs never sees it installed.
 */
final class OneLineHandler extends Handler {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Logger logger;
    /** Taken when installed, as the JDK's ConsoleHandler takes it: a later System.setErr does not move it. */
    private final PrintStream err = System.err;

    private OneLineHandler(Logger logger) {
        this.logger = logger;
    }

    /**
     * Installs the handler on {@code name}'s logger if logging is the JDK's default; returns that
     * logger, which the caller must hold (the LogManager keeps loggers weakly, and the handler with
     * them), or null if nothing was installed.
     */
    static Logger installIfDefault(String name) {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null
                || System.getProperty("java.util.logging.manager") != null
                || !isDefaultJdkFinder()
                || LogManager.getLogManager().getClass() != LogManager.class
                || !isDefault(Logger.getLogger("").getHandlers())) {
            return null;
        }
        Logger logger = Logger.getLogger(name);
        if (logger.getHandlers().length > 0 || !logger.getUseParentHandlers()) {
            return null; // someone configured the agent's logger already
        }
        logger.addHandler(new OneLineHandler(logger));
        logger.setUseParentHandlers(false);
        return logger;
    }

    @Override
    public void publish(LogRecord record) {
        Handler[] rootHandlers = Logger.getLogger("").getHandlers();
        if (isDefault(rootHandlers)) {
            if (!rootHandlers[0].isLoggable(record)) {
                return; // the console's own level and filter still decide
            }
            err.println(TIME.format(LocalDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault())) + " "
                    + record.getLevel().getName() + " " + record.getMessage());
            err.flush();
            return;
        }
        // The application set up logging of its own since: its handlers get the record, as JUL would pass it up.
        for (Logger parent = logger.getParent(); parent != null;
                parent = parent.getUseParentHandlers() ? parent.getParent() : null) {
            for (Handler handler : parent.getHandlers()) {
                handler.publish(record);
            }
        }
    }

    @Override
    public void flush() {
    }

    /**
     * Called when the application resets logging ({@code LogManager.reset}, {@code readConfiguration}),
     * which removes this handler: the agent's logger then passes its records up again, as by default.
     */
    @Override
    public void close() {
        logger.setUseParentHandlers(true);
    }

    /** System.Logger goes to java.util.logging (not to a LoggerFinder the application brought). */
    private static boolean isDefaultJdkFinder() {
        return System.LoggerFinder.getLoggerFinder().getClass().getName()
                .equals("sun.util.logging.internal.LoggingProviderImpl");
    }

    /** Whether the root logger's handlers are the JDK's default: one console, its default format. */
    private static boolean isDefault(Handler[] handlers) {
        return handlers.length == 1 && handlers[0].getClass() == ConsoleHandler.class
                && handlers[0].getFormatter() != null && handlers[0].getFormatter().getClass() == SimpleFormatter.class
                && System.getProperty("java.util.logging.SimpleFormatter.format") == null
                && LogManager.getLogManager().getProperty("java.util.logging.SimpleFormatter.format") == null;
    }
}
