package io.modulets.manage;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.List;

import io.modulets.config.AgentOptions;
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
     */
    public static void start(AgentOptions options, Instrumentation inst, Registry registry, Deployer deployer,
                             PackageFilter filter, List<Path> classPath) {
        System.setProperty(AGENT_PROPERTY, version());
        EventThread thread = EventThread.start();
        events = thread;
        PackageLists packages = new PackageLists(filter, LoadedClasses.of(inst), deployer, registry,
                options.modules().isPresent() ? null : classPath);
        Counts counts = new Counts();
        Transitions transitions = new Transitions(thread, registry, counts);
        registry.listen(transitions);
        deployer.onRefusal(transitions);
        thread.submit(() -> transitions.outputs(outputs(options, registry, deployer, packages, counts, thread)));
    }

    /**
     * Makes the outputs and starts them; the first job on the manage thread, so that neither JMX nor
     * JFR classes load on premain's path.
     */
    private static Transitions.Output[] outputs(AgentOptions options, Registry registry, Deployer deployer,
                                                PackageLists packages, Counts counts, EventThread thread) {
        Flight flight = new Flight(registry, thread);
        flight.start();
        if (!options.jmx()) {
            return new Transitions.Output[] {flight};
        }
        Jmx jmx = new Jmx(registry, new Manager(Jmx.managerName(), registry, deployer, packages, counts,
                options.modules().orElse(null), options.store()));
        jmx.register();
        return new Transitions.Output[] {flight, jmx};
    }

    /** The agent's version ("0.1.0"), or "(development build)"; the manager's AgentVersion. */
    static String version() {
        String version = Monitoring.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
