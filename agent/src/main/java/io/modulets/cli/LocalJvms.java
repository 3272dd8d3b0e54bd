package io.modulets.cli;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local JVMs, through the Attach API (same user only). A JVM runs the agent when its system
 * property {@value #AGENT_PROPERTY} is set (to the agent's version): reading system properties
 * needs no management agent in the target, so {@code list} leaves every JVM as it found it.
 */
final class LocalJvms {
    static final String AGENT_PROPERTY = io.modulets.manage.Monitoring.AGENT_PROPERTY;
    /** How long {@code list} waits for all JVMs together; the Attach API's own time-out is about 10 s. */
    static final Duration LIST_TIMEOUT = Duration.ofSeconds(15);

    private LocalJvms() {
    }

    /** A JVM that runs the agent. */
    record AgentJvm(long pid, String command, String agentVersion) {
    }

    /** A JVM {@code list} did not show, and why. */
    record Skipped(long pid, String command, String reason) {
    }

    record Listing(List<AgentJvm> agents, List<Skipped> skipped) {
    }

    /** Every local JVM but this one, attached to in parallel, each JVM at most once. */
    static Listing list() {
        long self = ProcessHandle.current().pid();
        List<VirtualMachineDescriptor> descriptors = VirtualMachine.list().stream()
                .filter(d -> pidOf(d) != self && pidOf(d) > 0)
                .toList();
        List<AgentJvm> agents = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        if (descriptors.isEmpty()) {
            return new Listing(agents, skipped);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, descriptors.size()), r -> {
            Thread t = new Thread(r, "modulets-list");
            t.setDaemon(true); // a JVM that never answers must not keep the CLI alive
            return t;
        });
        try {
            List<Future<Properties>> answers = descriptors.stream()
                    .map(d -> pool.submit(() -> properties(d)))
                    .toList();
            long deadline = System.nanoTime() + LIST_TIMEOUT.toNanos();
            for (int i = 0; i < descriptors.size(); i++) {
                VirtualMachineDescriptor d = descriptors.get(i);
                long pid = pidOf(d);
                String shown = d.displayName();
                try {
                    Properties props = answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    String command = props.getProperty("sun.java.command", shown);
                    String version = props.getProperty(AGENT_PROPERTY);
                    if (version != null) {
                        agents.add(new AgentJvm(pid, command, version));
                    } else {
                        skipped.add(new Skipped(pid, command, "does not run the modulets agent"));
                    }
                } catch (TimeoutException e) {
                    skipped.add(new Skipped(pid, shown, "did not answer within " + LIST_TIMEOUT.toSeconds() + " s"));
                } catch (ExecutionException e) {
                    skipped.add(new Skipped(pid, shown, "cannot attach: " + Errors.oneLine(e.getCause())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliFailure("interrupted while listing JVMs");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Listing(agents, skipped);
    }

    private static Properties properties(VirtualMachineDescriptor d) throws IOException, AttachNotSupportedException {
        VirtualMachine vm = VirtualMachine.attach(d);
        try {
            return vm.getSystemProperties();
        } finally {
            vm.detach();
        }
    }

    private static long pidOf(VirtualMachineDescriptor d) {
        try {
            return Long.parseLong(d.id());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The JMX connector address of local JVM {@code pid}, after checking that it runs the agent;
     * starts the JVM's local management agent if it is not running yet (as {@code jcmd} does).
     */
    static String connectorAddress(long pid) {
        if (pid == ProcessHandle.current().pid()) {
            throw new CliFailure(pid + " is this command's own pid");
        }
        if (ProcessHandle.of(pid).isEmpty()) {
            throw new CliFailure("no process with pid " + pid);
        }
        // Only attach to a JVM the Attach API lists: attaching sends SIGQUIT to start the target's
        // attach listener, and on JDK 17 that signal kills a process that is not a JVM.
        if (VirtualMachine.list().stream().noneMatch(d -> pidOf(d) == pid)) {
            throw new CliFailure("process " + pid + " is not a JVM this user can attach to"
                    + " (the Attach API lists the JVMs of the same user; not one started with -XX:-UsePerfData)");
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new CliFailure("cannot attach to JVM " + pid + ": " + Errors.oneLine(e)
                    + " (the Attach API reaches JVMs of the same user that allow it)", e);
        }
        try {
            Properties props = vm.getSystemProperties();
            if (props.getProperty(AGENT_PROPERTY) == null) {
                throw new CliFailure("JVM " + pid + " (" + props.getProperty("sun.java.command", "?")
                        + ") does not run the modulets agent");
            }
            return vm.startLocalManagementAgent();
        } catch (IOException e) {
            throw new CliFailure("JVM " + pid + " did not answer: " + Errors.oneLine(e), e);
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // the connection is closed either way
            }
        }
    }
}
