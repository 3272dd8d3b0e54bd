package io.modulets.cli;

/**
 * What the CLI could not do, in one line a person reads (exit code 1): the JVM cannot be reached,
 * does not run the agent, has no such generation.
 */
final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliFailure(String message) {
        super(message);
    }

    CliFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
