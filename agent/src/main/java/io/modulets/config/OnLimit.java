package io.modulets.config;

import java.util.Locale;
import java.util.Optional;

/** What an activation beyond {@code maxGenerations} does (agent argument {@code onLimit}). */
public enum OnLimit {
    /** Refuse it: the current generation stays, the reason is logged in one line. */
    REFUSE,
    /** Activate anyway and log a warning naming the loaded generations. */
    WARN;

    public String argument() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<OnLimit> fromArgument(String value) {
        for (OnLimit choice : values()) {
            if (choice.argument().equals(value.toLowerCase(Locale.ROOT))) {
                return Optional.of(choice);
            }
        }
        return Optional.empty();
    }
}
