package io.modulets.config;

/**
 * A bad agent argument. The message is one line for a person: it starts with
 * {@code "modulets: "}, names the key, says what is wrong and what would be valid.
 * The agent prints it and stops the JVM rather than run without the isolation asked for.
 */
public final class OptionsException extends Exception {

    private static final long serialVersionUID = 1L;

    static final String PREFIX = "modulets: ";

    /** @param message the reason; {@code "modulets: "} is prepended if missing, line breaks are escaped */
    public OptionsException(String message) {
        super(oneLine(message));
    }

    public OptionsException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    // A value quoted in the message (a file name, a properties value) may hold a line
    // break; escape it so that the message stays one line in logs and on the console.
    private static String oneLine(String message) {
        StringBuilder line = new StringBuilder(message.length() + PREFIX.length());
        if (!message.startsWith(PREFIX)) {
            line.append(PREFIX);
        }
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\u000B', '\f', '\u0085', '\u2028', '\u2029' ->
                        line.append(String.format("\\u%04x", (int) c));
                default -> line.append(c);
            }
        }
        return line.toString();
    }
}
