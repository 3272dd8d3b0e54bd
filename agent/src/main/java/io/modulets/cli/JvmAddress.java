package io.modulets.cli;

import java.net.MalformedURLException;
import javax.management.remote.JMXServiceURL;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The JVM argument of every command but {@code list}: a local process id ({@code 1234}), reached
 * through the Attach API, or a JMX service URL ({@code service:jmx:rmi:///jndi/rmi://host:9999/jmxrmi}).
 */
record JvmAddress(long pid, JMXServiceURL url) {
    static final String URL_PREFIX = "service:jmx:";

    JvmAddress {
        if ((pid > 0) == (url != null)) {
            throw new IllegalArgumentException("a JVM is a pid or a URL: " + pid + ", " + url);
        }
    }

    static JvmAddress ofPid(long pid) {
        return new JvmAddress(pid, null);
    }

    static JvmAddress ofUrl(JMXServiceURL url) {
        return new JvmAddress(0, url);
    }

    boolean isPid() {
        return url == null;
    }

    /** Parses {@code text}; the exception's message is the one line a person reads. */
    static JvmAddress parse(String text) {
        String t = text.strip();
        if (!t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long pid;
            try {
                pid = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is too large for a pid");
            }
            if (pid == 0) {
                throw new IllegalArgumentException("0 is not a pid");
            }
            return ofPid(pid);
        }
        if (t.regionMatches(true, 0, URL_PREFIX, 0, URL_PREFIX.length())) {
            try {
                return ofUrl(new JMXServiceURL(t));
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("'" + text + "' is not a valid JMX service URL: " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("'" + text + "' is neither a pid (1234) nor a JMX service URL"
                + " (service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi)");
    }

    /** "JVM 1234" or the URL, for messages. */
    @Override
    public String toString() {
        return isPid() ? "JVM " + pid : url.toString();
    }

    /** picocli's converter: a bad JVM argument is a usage error (exit code 2). */
    static final class Converter implements ITypeConverter<JvmAddress> {
        @Override
        public JvmAddress convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
