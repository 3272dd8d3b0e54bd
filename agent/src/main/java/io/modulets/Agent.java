package io.modulets;

import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Path;

import io.modulets.capture.BootstrapClasses;
import io.modulets.config.AgentOptions;
import io.modulets.config.OptionsException;

/**
 * The {@code -javaagent} entry (JaCoCo's shape): parse the options, put the bootstrap holder on
 * the boot class path, wire the runtime. A bad argument or a failed start stops the JVM before
 * {@code main} with one line: an agent that silently ran the application without the isolation
 * it was asked for would be worse (DESIGN §4).
 *
 * <p>This class must not name any class of {@code io.modulets.bootstrap} (see
 * {@link BootstrapClasses}); {@link Startup} does the rest once the holder is in place.
 */
public final class Agent {
    private Agent() {
    }

    public static void premain(String arguments, Instrumentation inst) {
        try {
            Stages stages = new Stages();
            AgentOptions options = AgentOptions.parse(arguments);
            stages.done("options");
            Path agentJar = agentJar();
            BootstrapClasses.define(inst, agentJar);
            stages.done("bootstrap classes");
            Startup.start(options, inst, agentJar, stages);
        } catch (OptionsException e) {
            stop(e.getMessage());
        } catch (Exception | LinkageError e) {
            String message = e.getMessage() != null && e.getMessage().startsWith("modulets: ")
                    ? e.getMessage() : "modulets: cannot start: " + e;
            stop(message);
        }
    }

    /** Loading into a running JVM cannot work: its shell classes are already linked. */
    public static void agentmain(String arguments, Instrumentation inst) {
        System.err.println("modulets: the agent cannot be attached to a running JVM; start the JVM with "
                + "-javaagent:modulets-agent.jar=...");
    }

    private static void stop(String line) {
        System.err.println(line.replace('\n', ' '));
        System.err.flush();
        System.exit(1);
    }

    private static Path agentJar() throws URISyntaxException {
        return Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
