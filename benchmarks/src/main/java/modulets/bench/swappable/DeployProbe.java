package modulets.bench.swappable;

/**
 * Swappable code for the deploy latency harness: each deployed version returns its own number.
 * This copy (version 0) is only there to compile against; the harness deploys generated ones.
 */
public final class DeployProbe {
    private DeployProbe() {
    }

    public static int version() {
        return 0;
    }
}
