package io.modulets.cli;

import io.modulets.manage.GenerationMXBean;
import io.modulets.manage.ManagerMXBean;

/** An open connection to the agent of one JVM: its MXBeans as proxies of the manage interfaces. */
interface AgentConnection extends AutoCloseable {
    /** The manager, {@code io.modulets:type=Manager}. */
    ManagerMXBean manager();

    /**
     * Generation {@code id}'s MBean.
     *
     * @throws CliFailure when the JVM has no MBean for it (no such generation, or one unloaded
     *     long ago whose MBean the agent dropped)
     */
    GenerationMXBean generation(int id);

    @Override
    void close();
}
