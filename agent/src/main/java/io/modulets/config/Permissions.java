package io.modulets.config;

import java.util.Locale;
import java.util.Optional;

/** What a path that other users can write does (agent argument {@code permissions}). */
public enum Permissions {
    /** Refuse it: at startup the JVM stops, at a deploy the current generation stays. */
    STRICT,
    /** Log the same line as a warning and go on. */
    WARN;

    public String argument() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Permissions> fromArgument(String value) {
        for (Permissions choice : values()) {
            if (choice.argument().equals(value.toLowerCase(Locale.ROOT))) {
                return Optional.of(choice);
            }
        }
        return Optional.empty();
    }
}
