package io.modulets.manage;

import java.util.List;

/**
 * {@code io.modulets:type=Manager}: the agent of this JVM (DESIGN §4). An MXBean, so that JConsole,
 * VisualVM, Mission Control and jmxterm show every attribute with no modulets class on their side.
 *
 * <p>Operations that are refused (a deploy check fails, a package list cannot change any more)
 * throw {@link IllegalStateException} or {@link IllegalArgumentException} whose message is the
 * one-line reason; JMX delivers it to a remote client as a {@code RuntimeMBeanException} wrapping
 * that JDK exception. Nothing changes when an operation is refused.
 *
 * <p>Emits notifications of the types below; each carries the generation's sequence number as its
 * user data ({@code Integer}) and a one-line message.
 */
public interface ManagerMXBean {
    String OBJECT_NAME = "io.modulets:type=Manager";

    /** A generation became current (activation, rescan, rollback or the modules watcher). */
    String ACTIVATION = "io.modulets.activation";
    /** A deploy was refused; the message is the refusal, the user data the generation that stays current. */
    String REJECTION = "io.modulets.rejection";
    /** A canary started; user data: the canary's sequence number. A promotion is an {@link #ACTIVATION}. */
    String CANARY_START = "io.modulets.canary.start";
    /** A canary was aborted (by the operator or automatically); the message says why; user data: the canary. */
    String CANARY_ABORT = "io.modulets.canary.abort";
    /** A generation retired: no task needs it any more. */
    String RETIREMENT = "io.modulets.retirement";
    /** A retired generation's loader was collected: its classes are gone. */
    String UNLOADING = "io.modulets.unloading";

    /** The agent's version ("0.1.0"), or "(development build)". */
    String getAgentVersion();

    /** The sequence number of the current generation. */
    int getCurrentGeneration();

    /**
     * The generation a rollback returns to: the one that was current before the current one (right after
     * a rollback or a promotion, the one it replaced); 0 when there is none.
     */
    int getRollbackTarget();

    /** The swappable package prefixes. */
    List<String> getSwappablePackages();

    /** The user's shared (never swapped) prefixes, without the built-in ones. */
    List<String> getSharedPackages();

    /** The modules directory, or null when the swappable code came from the class path. */
    String getModulesDirectory();

    /** The store directory. */
    String getStoreDirectory();

    /** Activations that made a generation current since startup, rollbacks included; generation 1 counts. */
    long getActivationCount();

    /** Deploys refused since startup. */
    long getRejectionCount();

    /** The last refusal's one-line reason, or null. */
    String getLastRejection();

    /**
     * The last drain warning's line (a generation still draining after {@code drainWarning}, with the
     * threads bound to it), prefixed {@code modulets: }, or null.
     */
    String getLastDrainWarning();

    /** Generations loaded now: current, a canary, draining, and retired but not yet unloaded. */
    int getLoadedGenerationCount();

    /** Every generation this JVM has had, oldest first. */
    List<GenerationInfo> getGenerations();

    /** The sequence number of the canary in progress, or 0. */
    int getCanary();

    /** The share of new root tasks the canary in progress gets ("5%"), or null. */
    String getCanaryFraction();

    /**
     * The same share as a number, for monitoring that reads numbers only (a JMX exporter): 0.05 for 5%; 0 when no
     * canary is in progress.
     */
    double getCanaryShare();

    /**
     * The share at which deploys (activate, rescan, the modules watcher) start canaries (agent argument
     * {@code canary}), or null: they are plain activations.
     */
    String getDeployCanaryFraction();

    /**
     * The automatic abort of the canary in progress, else the one a new canary starts with:
     * "abort above the current generation's failure, thrown-exception, 5xx or failed-job rate + 5% after 100 ended
     * tasks", or
     * "no automatic abort".
     */
    String getCanaryPolicy();

    /**
     * Activates these jars (absolute paths on this JVM's machine) as the new current generation,
     * after the deploy checks of DESIGN §4.
     *
     * @return the sequence number of the current generation afterwards
     */
    int activate(List<String> jars);

    /**
     * Runs the deploy checks of an activation of these jars without activating them: null when the activation
     * would pass them, else the refusal's one line (prefixed {@code modulets: }), as {@link #activate} would
     * throw it. Refuses while a canary is in progress, as an activation does. Copies the jars into the store
     * as an activation does; changes nothing else (no rejection is counted or notified).
     */
    String check(List<String> jars);

    /**
     * Receives a jar as bytes, for a client on another host that shares no file system with this JVM (the CLI
     * sends every jar this way to a JMX service URL): writes {@code bytes} at {@code offset} of the upload named
     * {@code upload} (a UUID the client chose) in the store's {@code received} directory. Offset 0 starts the
     * upload; every other chunk must follow the bytes received so far. At most 4 MiB a call (the CLI sends 1 MiB),
     * at most {@code maxJarSize} an upload. A refusal (out of order, too large, the disk full) deletes what the
     * upload had received.
     *
     * @return the bytes the upload holds now
     */
    long receiveJar(String upload, long offset, byte[] bytes);

    /**
     * Ends an upload of {@link #receiveJar}: it must hold {@code size} bytes whose SHA-256 is {@code sha256}
     * (lowercase hex); then it is kept, read-only, as {@code <store>/received/<sha256>/<fileName>}, and that
     * path is returned, for {@link #check}, {@link #activate} and {@link #activateCanary}, which hold it to the
     * same permission rule and deploy checks as any jar. A refusal (truncated, a hash mismatch, the disk full)
     * deletes what the upload had received. Staged copies are removed by a later upload once unused for a day
     * (an activation copies the jar into the store itself), abandoned uploads once untouched for 10 minutes.
     *
     * @return the staged jar's absolute path on this JVM's machine
     */
    String stageJar(String upload, String fileName, long size, String sha256);

    /** Activates the modules directory's jars now, as the watcher would. */
    int rescan();

    /** Makes the previous generation's content current again. */
    int rollback();

    /**
     * Starts these jars as a canary for {@code fraction} ("5%") of new root tasks, after the deploy
     * checks; the current generation stays current for the rest. Refused while a canary is in progress.
     *
     * @return the canary's sequence number (the current generation's if the content is the current one)
     */
    int activateCanary(List<String> jars, String fraction);

    /**
     * The canary becomes current for every new root task; the generation that was current drains.
     *
     * @return the current generation's sequence number afterwards
     */
    int promote();

    /**
     * No new task gets the canary; its running tasks finish on it and it drains. The current generation
     * is untouched.
     *
     * @return the aborted canary's sequence number
     */
    int abort();

    /**
     * Sets the automatic abort of the canary in progress: abort once it has {@code minTasks} ended
     * tasks and its failure rate, or its share of tasks in which its own code threw (caught or not), exceeds
     * the current generation's by more than {@code margin} ("5%");
     * margin "off" turns it off, the latency rule too. Rates are compared with 99 % confidence (DESIGN §4,
     * "Canaries"); a latency factor set before is kept. Counted since the canary started, so a policy set late
     * loses nothing.
     *
     * @return the policy afterwards, as {@link #getCanaryPolicy()} words it
     */
    String setCanaryPolicy(String margin, long minTasks);

    /**
     * Sets the latency rule of the canary in progress: abort once both it and the current generation have the
     * policy's minimum of requests timed (or of task runs timed) and its p99 latency (run time) is more than
     * {@code factor} ("1.5x") times the current's; "off" turns the rule off. Its rates and minimum are kept (100,
     * if it had no policy).
     *
     * @return the policy afterwards, as {@link #getCanaryPolicy()} words it
     */
    String setCanaryLatency(String factor);

    /**
     * Adds a swappable package prefix. Possible only while no class of it has been loaded; a
     * refusal says why and what would make it possible.
     *
     * @return the swappable prefixes afterwards
     */
    List<String> addSwappablePackage(String prefix);

    /** Removes a swappable package prefix, where still possible. */
    List<String> removeSwappablePackage(String prefix);

    /** Adds a shared prefix, where still possible. */
    List<String> addSharedPackage(String prefix);

    /** Removes a shared prefix, where still possible. */
    List<String> removeSharedPackage(String prefix);
}
