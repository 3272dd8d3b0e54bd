package io.modulets.cli;

/** Opens a connection to the agent of a JVM; the real one is {@link JmxConnector}, tests give a fake. */
@FunctionalInterface
interface Connector {
    /**
     * @throws CliFailure with one line when the JVM cannot be reached or does not run the agent
     */
    AgentConnection open(JvmAddress jvm, Credentials credentials);
}
