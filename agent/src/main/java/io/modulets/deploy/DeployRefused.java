package io.modulets.deploy;

import io.modulets.config.Log;

/**
 * A deploy that was not activated. The message is the one-line reason (DESIGN §2.8), without
 * the {@code "modulets: "} prefix or the generation that stays current, which the caller adds.
 * Control characters (a line break or ESC in a jar's file name, or in an exception's message) are
 * written as escapes ({@link Log#escape}), so that the line reaches the log, JMX and the CLI as one
 * harmless line.
 */
public final class DeployRefused extends Exception {
    private static final long serialVersionUID = 1L;

    public DeployRefused(String reason) {
        super(Log.escape(reason));
    }

    public DeployRefused(String reason, Throwable cause) {
        super(Log.escape(reason), cause);
    }
}
