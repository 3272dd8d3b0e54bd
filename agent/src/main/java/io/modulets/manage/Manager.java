package io.modulets.manage;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;

import io.modulets.config.Factor;
import io.modulets.config.JarLimits;
import io.modulets.config.Log;
import io.modulets.config.Percent;
import io.modulets.deploy.DeployRefused;
import io.modulets.deploy.Deployer;
import io.modulets.generations.AbortPolicy;
import io.modulets.generations.Canary;
import io.modulets.generations.Generation;
import io.modulets.generations.Outcomes;
import io.modulets.generations.Registry;
import io.modulets.generations.Uploads;

/**
 * {@code io.modulets:type=Manager} (DESIGN §4): reads the registry, the deployer's counts and the
 * package lists; its operations go through the {@link Deployer} like the watcher's deploys.
 *
 * <p>A refusal reaches a remote client as the one-line message of a plain
 * {@link IllegalStateException} or {@link IllegalArgumentException} without a cause: a modulets
 * exception inside it could not be deserialized by a tool that lacks our classes.
 */
final class Manager extends NotificationBroadcasterSupport implements ManagerMXBean {
    private static final MBeanNotificationInfo[] NOTIFICATIONS = {
            info(ACTIVATION, "A generation became current (activation, rescan, rollback or the modules watcher);"
                    + " user data: its sequence number"),
            info(REJECTION, "A deploy was refused and nothing changed; the message is the refusal, the user data"
                    + " the sequence number of the generation that stays current"),
            info(CANARY_START, "A canary started beside the current generation; user data: the canary's sequence"
                    + " number (a promotion is an activation)"),
            info(CANARY_ABORT, "A canary was aborted, by the operator or automatically; the message says why, the"
                    + " user data is the canary's sequence number"),
            info(RETIREMENT, "A generation retired: no task needs it; user data: its sequence number"),
            info(UNLOADING, "A retired generation's classes were unloaded; user data: its sequence number")};

    private final ObjectName name;
    private final Registry registry;
    private final Deployer deployer;
    private final PackageLists packages;
    private final Counts counts;
    private final Path modules;
    private final Path store;
    private final AtomicLong sequence = new AtomicLong();
    private final Uploads uploads;

    Manager(ObjectName name, Registry registry, Deployer deployer, PackageLists packages, Counts counts,
            Path modules, Path store) {
        super(NOTIFICATIONS);
        this.name = name;
        this.registry = registry;
        this.deployer = deployer;
        this.packages = packages;
        this.counts = counts;
        this.modules = modules;
        this.store = store;
        this.uploads = new Uploads(store, deployer == null ? JarLimits.DEFAULT.maxJarSize() : deployer.maxJarSize());
    }

    /** Sends one notification of {@code type}; called on the manage thread. */
    void send(String type, int generation, String message) {
        Notification n = new Notification(type, name, sequence.incrementAndGet(), System.currentTimeMillis(),
                message);
        n.setUserData(generation);
        sendNotification(n);
    }

    // ---- attributes --------------------------------------------------------------------------

    @Override
    public String getAgentVersion() {
        return Monitoring.version();
    }

    @Override
    public int getCurrentGeneration() {
        Generation current = registry.current();
        return current == null ? 0 : current.sequence();
    }

    @Override
    public int getRollbackTarget() {
        try {
            return registry.rollbackTarget().sequence();
        } catch (IOException none) {
            return 0;
        }
    }

    @Override
    public List<String> getSwappablePackages() {
        return packages.filter().packages();
    }

    @Override
    public List<String> getSharedPackages() {
        return packages.filter().shared();
    }

    @Override
    public String getModulesDirectory() {
        return modules == null ? null : modules.toString();
    }

    @Override
    public String getStoreDirectory() {
        return store.toString();
    }

    @Override
    public long getActivationCount() {
        return counts.activations();
    }

    @Override
    public long getRejectionCount() {
        return counts.rejections();
    }

    @Override
    public String getLastRejection() {
        return counts.lastRejection();
    }

    @Override
    public String getLastDrainWarning() {
        String line = registry.lastDrainWarning();
        return line == null ? null : "modulets: " + line;
    }

    @Override
    public int getLoadedGenerationCount() {
        return registry.loadedCount();
    }

    @Override
    public List<GenerationInfo> getGenerations() {
        List<GenerationInfo> rows = new ArrayList<>();
        for (Generation g : registry.all()) {
            Generation.State state = g.state();
            java.time.Instant since = g.since(state);
            Outcomes outcomes = g.outcomes();
            rows.add(new GenerationInfo(g.sequence(), state.word(), g.label(), g.hash(), g.liveTasks(),
                    since == null ? g.created().toString() : since.toString(),
                    outcomes.started(), outcomes.completed(), outcomes.failed(), outcomes.requests(),
                    outcomes.serverErrors(), outcomes.clientErrors(), outcomes.requestNanosAtMost(0.5),
                    outcomes.requestNanosAtMost(0.99), outcomes.jobs(), outcomes.failedJobs()));
        }
        return rows;
    }

    @Override
    public int getCanary() {
        Canary canary = registry.canary();
        return canary == null ? 0 : canary.generation().sequence();
    }

    @Override
    public String getCanaryFraction() {
        Canary canary = registry.canary();
        return canary == null ? null : Percent.format(canary.fraction());
    }

    @Override
    public double getCanaryShare() {
        Canary canary = registry.canary();
        return canary == null ? 0 : canary.fraction();
    }

    @Override
    public String getDeployCanaryFraction() {
        double fraction = deployer.canaryByDefault();
        return fraction == 0 ? null : Percent.format(fraction);
    }

    @Override
    public String getCanaryPolicy() {
        Canary canary = registry.canary();
        return (canary == null ? deployer.canaryPolicy() : canary.policy()).toString();
    }

    // ---- operations --------------------------------------------------------------------------

    /** A deployer operation, refused with its one line. */
    private interface DeployerOperation {
        Generation run() throws DeployRefused;
    }

    /**
     * Runs {@code operation} and returns the sequence of the generation it gives; a refusal becomes the
     * plain {@code IllegalStateException} with the one line that a JMX client without our classes can read.
     */
    private static int sequenceAfter(DeployerOperation operation) {
        try {
            return operation.run().sequence();
        } catch (DeployRefused e) {
            throw new IllegalStateException("modulets: " + e.getMessage());
        }
    }

    @Override
    public int activate(List<String> jars) {
        List<Path> paths = absolute(jars);
        return sequenceAfter(() -> deployer.activate(paths));
    }

    @Override
    public String check(List<String> jars) {
        List<Path> paths = absolute(jars);
        String refusal = deployer.check(paths);
        return refusal == null ? null : "modulets: " + refusal;
    }

    @Override
    public long receiveJar(String upload, long offset, byte[] bytes) {
        try {
            return uploads.write(upload, offset, bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("modulets: receiveJar: " + e.getMessage());
        } catch (IOException e) {
            throw uploadRefused("receiveJar", e);
        }
    }

    @Override
    public String stageJar(String upload, String fileName, long size, String sha256) {
        try {
            Path staged = uploads.finish(upload, fileName, size, sha256);
            Log.info("received %s (%d bytes, SHA-256 %s) over JMX: staged as %s", fileName, size,
                    sha256.substring(0, 12), staged);
            return staged.toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("modulets: stageJar: " + e.getMessage());
        } catch (IOException e) {
            throw uploadRefused("stageJar", e);
        }
    }

    /** An upload's refusal: logged as a refused deploy is, and the one line a JMX client can read. */
    private static IllegalStateException uploadRefused(String operation, IOException e) {
        String line = operation + " refused: " + e.getMessage().replaceAll("\\R+", " ");
        Log.warn("%s", line);
        return new IllegalStateException("modulets: " + line);
    }

    @Override
    public int rescan() {
        return sequenceAfter(deployer::rescan);
    }

    @Override
    public int rollback() {
        return sequenceAfter(deployer::rollback);
    }

    @Override
    public int activateCanary(List<String> jars, String fraction) {
        List<Path> paths = absolute(jars);
        double share;
        try {
            share = Percent.parse(fraction, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("modulets: activateCanary: fraction " + e.getMessage());
        }
        return sequenceAfter(() -> deployer.canary(paths, share));
    }

    @Override
    public int promote() {
        return sequenceAfter(deployer::promote);
    }

    @Override
    public int abort() {
        return sequenceAfter(deployer::abort);
    }

    @Override
    public String setCanaryPolicy(String margin, long minTasks) {
        AbortPolicy policy;
        if ("off".equals(margin)) {
            policy = AbortPolicy.NONE;
        } else {
            double share;
            try {
                share = Percent.parse(margin, true);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("modulets: setCanaryPolicy: margin " + e.getMessage()
                        + ", or off");
            }
            if (minTasks < 1) {
                throw new IllegalArgumentException("modulets: setCanaryPolicy: minTasks " + minTasks
                        + " must be at least 1");
            }
            policy = new AbortPolicy(share, minTasks);
        }
        Canary canary = registry.canary();
        if (canary == null) {
            throw new IllegalStateException("modulets: setCanaryPolicy refused: no canary is in progress (the"
                    + " agent arguments canaryMargin and canaryMinTasks set the policy new canaries start with)");
        }
        if (policy.isSet()) {
            policy = policy.withLatency(canary.policy().latencyFactor());
        }
        canary.policy(policy);
        Log.info("%s: %s", canary, policy);
        return policy.toString();
    }

    @Override
    public String setCanaryLatency(String factor) {
        double f;
        if ("off".equals(factor)) {
            f = Double.NaN;
        } else {
            try {
                f = Factor.parse(factor);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("modulets: setCanaryLatency: factor " + e.getMessage()
                        + ", or off");
            }
        }
        Canary canary = registry.canary();
        if (canary == null) {
            throw new IllegalStateException("modulets: setCanaryLatency refused: no canary is in progress (the"
                    + " agent argument canaryLatency sets the latency rule new canaries start with)");
        }
        AbortPolicy policy = canary.policy().withLatency(f);
        if (!policy.isSet()) {
            policy = AbortPolicy.NONE;
        }
        canary.policy(policy);
        Log.info("%s: %s", canary, policy);
        return policy.toString();
    }

    @Override
    public List<String> addSwappablePackage(String prefix) {
        return logged(() -> packages.addSwappable(prefix).packages());
    }

    @Override
    public List<String> removeSwappablePackage(String prefix) {
        return logged(() -> packages.removeSwappable(prefix).packages());
    }

    @Override
    public List<String> addSharedPackage(String prefix) {
        return logged(() -> packages.addShared(prefix).shared());
    }

    @Override
    public List<String> removeSharedPackage(String prefix) {
        return logged(() -> packages.removeShared(prefix).shared());
    }

    /** A refused change of the package lists is logged, as a refused deploy is (a bad argument is not). */
    private static List<String> logged(Supplier<List<String>> change) {
        try {
            return change.get();
        } catch (IllegalStateException e) {
            Log.warn("%s", e.getMessage().substring("modulets: ".length()));
            throw e;
        }
    }

    private static List<Path> absolute(List<String> jars) {
        if (jars == null || jars.isEmpty()) {
            throw new IllegalArgumentException("modulets: activate: give at least one jar (absolute paths)");
        }
        List<Path> paths = new ArrayList<>();
        for (String jar : jars) {
            paths.add(absolute(jar));
        }
        return paths;
    }

    private static Path absolute(String jar) {
        Path path;
        try {
            path = jar == null ? null : Path.of(jar);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("modulets: activate: not a path: '" + jar + "'");
        }
        if (path == null || !path.isAbsolute()) {
            throw new IllegalArgumentException("modulets: activate: '" + jar
                    + "' is not an absolute path on the agent's machine");
        }
        return path;
    }

    private static MBeanNotificationInfo info(String type, String description) {
        return new MBeanNotificationInfo(new String[] {type}, Notification.class.getName(), description);
    }
}
