package io.modulets.deploy;

/**
 * A deploy that was not activated. The message is the one-line reason (DESIGN §2.8), without
 * the {@code "modulets: "} prefix or the generation that stays current, which the caller adds.
 */
public final class DeployRefused extends Exception {
    private static final long serialVersionUID = 1L;

    public DeployRefused(String reason) {
        super(reason.replaceAll("\\R+", " "));
    }

    public DeployRefused(String reason, Throwable cause) {
        super(reason.replaceAll("\\R+", " "), cause);
    }
}
