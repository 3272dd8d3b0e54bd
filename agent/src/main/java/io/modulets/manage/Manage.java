package io.modulets.manage;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.management.ObjectName;

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
public final class Manage {
    /** The system property the CLI looks for through the Attach API: the agent's version. */
    public static final String AGENT_PROPERTY = "io.modulets.agent";

    private Manage() {
    }

    /**
     * @param classPath the class path without the agent jar; used when {@code modules} is absent
     */
    public static void start(AgentOptions options, Instrumentation inst, Registry registry, Deployer deployer,
                             PackageFilter filter, List<Path> classPath) {
        System.setProperty(AGENT_PROPERTY, Manager.version());
        EventThread thread = EventThread.start();
        Path modules = options.modules().orElse(null);
        PackageLists packages = new PackageLists(filter, LoadedClasses.of(inst), deployer, registry,
                modules == null ? classPath : null);
        Counts counts = new Counts();
        List<Transitions.Output> outputs = new ArrayList<>();
        Jmx jmx = options.jmx() ? new Jmx(registry, () -> new Manager(managerName(), registry, deployer, packages,
                counts, modules, options.store())) : null;
        if (jmx != null) {
            outputs.add(jmx);
        }
        Flight flight = new Flight();
        outputs.add(flight);
        Transitions transitions = new Transitions(thread, registry, counts, outputs.toArray(Transitions.Output[]::new));
        registry.listen(transitions);
        deployer.onRefusal(transitions);
        thread.submit(flight::start);
        if (jmx != null) {
            thread.submit(jmx::register);
        }
    }

    private static ObjectName managerName() {
        try {
            return new ObjectName(ManagerMXBean.OBJECT_NAME);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}
