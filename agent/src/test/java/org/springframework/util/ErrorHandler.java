package org.springframework.util;

/** Spring's ErrorHandler, by name only: what SpringSchedulingHooksTest's copy of Spring's wrapper calls. */
public interface ErrorHandler {
    void handleError(Throwable failure);
}
