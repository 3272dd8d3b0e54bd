package io.modulets.manage;

import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import javax.management.MBeanServer;

import io.modulets.bootstrap.ManagementHooks;
import io.modulets.config.AgentOptions;
import io.modulets.config.Log;
import io.modulets.config.PackageFilter;
import io.modulets.deploy.Deployer;
import io.modulets.generations.Registry;

/**
 * The manage part of DESIGN §3: JMX (when {@code jmx=true}) and JFR, fed by the registry's and
 * the deployer's events. {@link #start} is called on premain's path before generation 1 is
 * activated, so that generation 1 is counted and announced like any other; it only starts a
 * thread and loads a few small classes — the MBean server and JFR are touched on that thread.
 */
public final class Monitoring {
    /** The system property the CLI looks for through the Attach API: the agent's version. */
    public static final String AGENT_PROPERTY = "io.modulets.agent";

    /**
     * How long after premain the MBeans are registered when the agent cannot hear of the platform MBean server's
     * making ({@code ManagementFactory} loaded before the agent): the server and the MXBeans' introspection load
     * about 300 classes of {@code java.management} and {@code jdk.management}, a few hundred ms of CPU, which a
     * JVM done within this time never pays. Otherwise the MBeans are registered when someone makes the server.
     */
    static final long JMX_DELAY_MILLIS = 1000;

    private static volatile EventThread events;

    private Monitoring() {
    }

    /** premain is done: the manage thread may start the MBean server and JFR's listener. */
    public static void started() {
        EventThread thread = events;
        if (thread != null) {
            thread.open();
        }
    }

    /**
     * @param classPath the class path without the agent jar; used when {@code modules} is absent
     * @param hearsPlatformServer whether {@code ManagementHooks} will hear of the platform MBean server's making
     */
    public static void start(AgentOptions options, Instrumentation inst, Registry registry, Deployer deployer,
                             PackageFilter filter, List<Path> classPath, boolean hearsPlatformServer) {
        System.setProperty(AGENT_PROPERTY, version());
        EventThread thread = EventThread.start();
        events = thread;
        PackageLists packages = new PackageLists(filter, LoadedClasses.of(inst), deployer, registry,
                options.modules().isPresent() ? null : classPath);
        Counts counts = new Counts();
        Transitions transitions = new Transitions(thread, registry, counts);
        registry.listen(transitions);
        deployer.onRefusal(transitions);
        // -1: the server's making is heard (or the JVM's management agent makes it anyway), the MBeans wait for it
        long jmxDelay = jvmStartsJmx() ? 0 : hearsPlatformServer ? -1 : JMX_DELAY_MILLIS;
        thread.submit(new Runnable() { // not a lambda: one class spun fewer at every start
            @Override
            public void run() {
                outputs(options, registry, deployer, packages, counts, thread, transitions, jmxDelay);
            }
        });
    }

    /**
     * The first job on the manage thread, so that neither JMX nor JFR classes load on premain's path:
     * starts JFR's listener at once (a recording started with the JVM, or in its first moments, gets
     * every event), and registers the MBeans once the platform MBean server is made: by whoever makes it,
     * or by this thread {@code jmxDelay} ms later (never if -1).
     */
    private static void outputs(AgentOptions options, Registry registry, Deployer deployer, PackageLists packages,
                                Counts counts, EventThread thread, Transitions transitions, long jmxDelay) {
        Flight flight = new Flight(registry, thread);
        flight.start();
        transitions.outputs(flight);
        if (!options.jmx()) {
            return;
        }
        ManagementHooks.whenPlatformServer(new Consumer<>() { // called under ManagementFactory's lock: queues only
            @Override
            public void accept(Object server) {
                thread.submit(() -> {
                    Jmx jmx = new Jmx(registry, new Manager(Jmx.managerName(), registry, deployer, packages, counts,
                            options.modules().orElse(null), options.store()), () -> (MBeanServer) server);
                    jmx.register();
                    transitions.outputs(flight, jmx);
                });
            }
        });
        if (jmxDelay >= 0) {
            thread.later(() -> ManagementHooks.platformServer(ManagementFactory.getPlatformMBeanServer()), jmxDelay);
        } else {
            Log.debug("jmx: the MBeans are registered when the platform MBean server is made");
        }
    }

    /**
     * Whether the JVM starts its own management agent ({@code com.sun.management.jmxremote} or
     * {@code .port}, as {@code jdk.internal.agent.Agent} decides): the platform MBean server is made at
     * start-up anyway, and its clients expect the MBeans from the start.
     */
    private static boolean jvmStartsJmx() {
        return System.getProperty("com.sun.management.jmxremote") != null
                || System.getProperty("com.sun.management.jmxremote.port") != null;
    }

    /** The agent's version ("0.1.0"), or "(development build)"; the manager's AgentVersion. */
    static String version() {
        String version = Monitoring.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
