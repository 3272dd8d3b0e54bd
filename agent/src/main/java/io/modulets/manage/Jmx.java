package io.modulets.manage;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.modulets.config.Log;
import io.modulets.generations.Canary;
import io.modulets.generations.Generation;
import io.modulets.generations.Registry;

/**
 * Registers the MBeans of DESIGN §4 in the platform MBean server and sends the manager's
 * notifications. Everything here runs on the manage thread: the first job, once the platform MBean
 * server is made ({@code Monitoring}), registers the manager and the generations made so far; later
 * jobs follow the registry.
 *
 * <p>An unloaded generation's MBean stays, state {@code unloaded}, but only the newest
 * {@link #UNLOADED_KEPT} of them: a JVM that activates all day would otherwise collect MBeans
 * without end ({@code Manager.getGenerations()} still lists every generation).
 */
final class Jmx implements Transitions.Output {
    static final int UNLOADED_KEPT = 16;

    private final Registry registry;
    private final Manager manager;
    private final Supplier<MBeanServer> platform;
    private MBeanServer server;
    private final Set<Integer> registered = new HashSet<>();
    private final Deque<Integer> unloaded = new ArrayDeque<>();

    /** @param platform the MBean server to register in: the platform's, once made (tests give their own) */
    Jmx(Registry registry, Manager manager, Supplier<MBeanServer> platform) {
        this.registry = registry;
        this.manager = manager;
        this.platform = platform;
    }

    /**
     * The first JMX job on the manage thread: the generations made so far (an unloaded one counts
     * towards {@link #UNLOADED_KEPT}), then the manager, so that a client that waits for the
     * manager finds them all.
     */
    void register() {
        try {
            server = platform.get();
        } catch (RuntimeException e) {
            Log.warn("jmx: no platform MBean server (%s); the agent runs without its MBeans", e);
            return;
        }
        for (Generation g : registry.all()) {
            created(g);
            if (g.state() == Generation.State.UNLOADED) {
                keepUnloaded(g.sequence());
            }
        }
        try {
            server.registerMBean(manager, managerName());
        } catch (JMException | RuntimeException e) {
            Log.warn("jmx: cannot register %s (%s); the agent runs without its MBeans", ManagerMXBean.OBJECT_NAME, e);
            for (int sequence : registered) {
                unregister(sequence);
            }
            server = null;
        }
    }

    @Override
    public void created(Generation g) {
        if (server == null || !registered.add(g.sequence())) {
            return;
        }
        try {
            server.registerMBean(new GenerationBean(g, registry), name(g.sequence()));
        } catch (JMException | RuntimeException e) {
            Log.warn("jmx: cannot register %s: %s", name(g.sequence()), e);
        }
    }

    @Override
    public void activated(Generation now, Generation before, String what, String message) {
        send(ManagerMXBean.ACTIVATION, now, message);
    }

    @Override
    public void rejected(Generation current, String message) {
        send(ManagerMXBean.REJECTION, current, message);
    }

    @Override
    public void canaryStarted(Canary canary, String message) {
        send(ManagerMXBean.CANARY_START, canary.generation(), message);
    }

    @Override
    public void canaryAborted(Canary canary, String reason, String message) {
        send(ManagerMXBean.CANARY_ABORT, canary.generation(), message);
    }

    @Override
    public void retired(Generation g, String message) {
        send(ManagerMXBean.RETIREMENT, g, message);
    }

    @Override
    public void unloaded(Generation g, String message) {
        send(ManagerMXBean.UNLOADING, g, message);
        if (server == null) {
            return;
        }
        keepUnloaded(g.sequence());
    }

    /** Counts {@code sequence} among the unloaded MBeans kept, and unregisters the oldest beyond the bound. */
    private void keepUnloaded(int sequence) {
        if (unloaded.contains(sequence)) {
            return; // unloaded before register() and told after it
        }
        unloaded.addLast(sequence);
        while (unloaded.size() > UNLOADED_KEPT) {
            int oldest = unloaded.removeFirst();
            registered.remove(oldest); // else one number per activation, for the life of the JVM
            unregister(oldest);
        }
    }

    private void unregister(int sequence) {
        try {
            server.unregisterMBean(name(sequence));
        } catch (JMException | RuntimeException e) {
            Log.debug("jmx: cannot unregister %s: %s", name(sequence), e);
        }
    }

    private void send(String type, Generation g, String message) {
        if (server != null) {
            manager.send(type, g == null ? 0 : g.sequence(), "modulets: " + message);
        }
    }

    static ObjectName managerName() {
        try {
            return new ObjectName(ManagerMXBean.OBJECT_NAME);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectName name(int sequence) {
        try {
            return new ObjectName(String.format(GenerationMXBean.OBJECT_NAME, sequence));
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }
}
