package io.modulets;

import java.lang.instrument.Instrumentation;

import io.modulets.capture.BootstrapClasses;
import io.modulets.config.AgentOptions;
import io.modulets.config.OptionsException;

/**
 * The {@code -javaagent} entry (JaCoCo's shape): parse the options, make sure the bootstrap holder is
 * in the boot loader ({@link AgentJar}), wire the runtime. A bad argument or a failed start stops the JVM before
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
            // once, for the three steps below: the archive-dump question (CDS), the JVM's arguments (VM), Unsafe
            BootstrapClasses.exportInternalMisc(inst);
            Startup.refuseArchiveDump();
            AgentJar jar = AgentJar.locate();
            BootstrapClasses.define(inst, jar.path(), jar.bootLoaded());
            stages.done("bootstrap classes");
            Startup.start(options, inst, jar, stages);
        } catch (OptionsException e) {
            stop(e.getMessage());
        } catch (Exception | LinkageError e) {
            String message = e.getMessage() != null && e.getMessage().startsWith("modulets: ")
                    ? e.getMessage() : "modulets: cannot start: " + e;
            stop(message);
        }
    }

    /**
     * Loading into a running JVM cannot work: its shell classes are already linked. Throwing is how the
     * caller learns (the attach API's {@code loadAgent} throws {@code AgentInitializationException}, jcmd's
     * {@code JVMTI.agent_load} fails); the JVM prints the throwable on its stderr, which without a stack
     * trace is the one line.
     */
    public static void agentmain(String arguments, Instrumentation inst) {
        String line = "modulets: the agent cannot be attached to a running JVM; start the JVM with "
                + "-javaagent:modulets-agent.jar=...";
        // The JVM reports the throwable inside its own lines about the failed agent: the line comes first too.
        System.err.println(line);
        System.err.flush();
        throw new AttachRefused(line);
    }

    /** The refusal of {@link #agentmain}: one line, no stack trace (nothing in it would help anyone). */
    static final class AttachRefused extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        AttachRefused(String line) {
            super(line);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }

        @Override
        public String toString() {
            return getMessage(); // printed as the one line, without the class name
        }
    }

    private static void stop(String line) {
        System.err.println(line.replace('\n', ' '));
        System.err.flush();
        System.exit(1);
    }
}
