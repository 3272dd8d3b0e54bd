package io.modulets.cli;

import io.modulets.config.Log;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import javax.management.MBeanException;
import javax.management.RuntimeErrorException;
import javax.management.RuntimeMBeanException;

/** Turns what went wrong into the one line printed after {@code modulets: } on stderr. */
final class Errors {
    private static final String PREFIX = "modulets: ";

    private Errors() {
    }

    /**
     * The message of the exception that says what happened: JMX and proxy wrappers are unwrapped
     * (a refused operation arrives as a {@code RuntimeMBeanException} around the agent's
     * {@code IllegalStateException}, whose message is the refusal); only its first line; without
     * a {@code modulets: } prefix of the agent's own (the caller adds one).
     */
    static String oneLine(Throwable t) {
        Throwable cause = unwrap(t);
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            message = cause.getClass().getName();
        } else if (!(cause instanceof CliFailure) && !(cause instanceof IllegalStateException)
                && !(cause instanceof IllegalArgumentException) && !(cause instanceof SecurityException)) {
            // An I/O or JMX failure: its kind helps ("ConnectException: Connection refused").
            message = cause.getClass().getSimpleName() + ": " + message;
        }
        // The agent's lines are escaped already; an exception of the JVM's or the connection's may not be.
        return Log.escape(withoutPrefix(message.lines().findFirst().orElse("").strip()));
    }

    /** The agent's line without its {@code modulets: } prefix, for a place that says who already. */
    static String withoutPrefix(String line) {
        String rest = line;
        while (rest.startsWith(PREFIX)) {
            rest = rest.substring(PREFIX.length());
        }
        return rest;
    }

    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        for (int i = 0; i < 10; i++) {
            Throwable next;
            if (current instanceof UndeclaredThrowableException u) {
                next = u.getUndeclaredThrowable();
            } else if (current instanceof InvocationTargetException e) {
                next = e.getTargetException();
            } else if (current instanceof RuntimeMBeanException e) {
                next = e.getTargetException();
            } else if (current instanceof MBeanException e) {
                next = e.getTargetException();
            } else if (current instanceof RuntimeErrorException e) {
                next = e.getTargetError();
            } else {
                next = null;
            }
            if (next == null || next == current) {
                return current;
            }
            current = next;
        }
        return current;
    }
}
