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
    /** A generation retired: no task needs it any more. */
    String RETIREMENT = "io.modulets.retirement";
    /** A retired generation's loader was collected: its classes are gone. */
    String UNLOADING = "io.modulets.unloading";

    /** The agent's version ("0.1.0"), or "(development build)". */
    String getAgentVersion();

    /** The sequence number of the current generation. */
    int getCurrentGeneration();

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

    /** Generations loaded now: current, draining, and retired but not yet unloaded. */
    int getLoadedGenerationCount();

    /** Every generation this JVM has had, oldest first. */
    List<GenerationInfo> getGenerations();

    /**
     * Activates these jars (absolute paths on this JVM's machine) as the new current generation,
     * after the deploy checks of DESIGN §4.
     *
     * @return the sequence number of the current generation afterwards
     */
    int activate(List<String> jars);

    /** Activates the modules directory's jars now, as the watcher would. */
    int rescan();

    /** Makes the previous generation's content current again. */
    int rollback();

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
