package io.modulets.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code list}: the local JVMs that run the agent. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "List the local JVMs that run the modulets agent (pid, agent version, command), found through "
                + "the Attach API: only JVMs of the same user that allow attaching. Others are skipped; "
                + "--verbose says which and why, on stderr.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(names = {"-v", "--verbose"}, description = "Name the JVMs skipped, and why, on stderr.")
    boolean verbose;

    @Override
    public Integer call() {
        LocalJvms.Listing listing = LocalJvms.list();
        PrintWriter out = spec.commandLine().getOut();
        if (verbose) {
            PrintWriter err = spec.commandLine().getErr();
            listing.skipped().forEach(s -> err.println("skipped " + s.pid() + " (" + s.command() + "): " + s.reason()));
            err.flush();
        }
        out.print(output.json ? Json.write(json(listing.agents())) + "\n" : text(listing.agents()));
        out.flush();
        return 0;
    }

    static Map<String, Object> json(List<LocalJvms.AgentJvm> jvms) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jvms", jvms.stream().map(j -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("pid", j.pid());
            one.put("agentVersion", j.agentVersion());
            one.put("command", j.command());
            return one;
        }).toList());
        return json;
    }

    static String text(List<LocalJvms.AgentJvm> jvms) {
        if (jvms.isEmpty()) {
            return "no local JVM runs the modulets agent\n";
        }
        Table table = new Table(">PID", "AGENT", "COMMAND");
        jvms.forEach(j -> table.row(j.pid(), j.agentVersion(), j.command()));
        return table.render();
    }
}
