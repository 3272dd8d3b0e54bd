package io.modulets.deploy;

import io.modulets.config.JarLimits;
import io.modulets.generations.AbortPolicy;
import io.modulets.security.PathGuard;
import io.modulets.security.Trust;

/**
 * What every deploy is held to, fixed at startup from the agent arguments (DESIGN §4): who may write
 * the jars, whose signatures they need, how much the agent may inflate, and whether a deploy starts as
 * a canary.
 *
 * @param guard        who may write the jars a generation is made from (Security)
 * @param trust        with {@code trust=KEYSTORE}, whose signatures every jar needs; null: none needed
 * @param limits       how much a deploy may make the agent inflate ({@code maxEntrySize} and the like)
 * @param canary       the share of new root tasks a deploy's generation gets as a canary; 0: none
 * @param canaryPolicy the automatic abort a canary starts with ({@code canaryMargin}, {@code canaryMinTasks})
 */
public record DeployRules(PathGuard guard, Trust trust, JarLimits limits, double canary, AbortPolicy canaryPolicy) {
    /** No permission rule, no keystore, the default limits, plain activations. */
    public static final DeployRules OPEN = new DeployRules(PathGuard.NONE, null, JarLimits.DEFAULT, 0, AbortPolicy.NONE);

    public DeployRules {
        if (canaryPolicy == null) {
            canaryPolicy = AbortPolicy.NONE;
        }
    }

    /** These rules with deploys started as canaries of {@code fraction} under {@code policy}. */
    public DeployRules withCanaries(double fraction, AbortPolicy policy) {
        return new DeployRules(guard, trust, limits, fraction, policy);
    }
}
