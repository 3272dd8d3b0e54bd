package io.modulets.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command about one JVM: connects to its agent, does its work, prints the result as text or,
 * with {@code --json}, as one JSON document. What goes wrong is thrown and becomes exit code 1
 * with one line on stderr ({@link Main}).
 */
abstract class JvmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    JvmOptions jvmOptions;

    @Mixin
    OutputOptions output;

    @Override
    public final Integer call() {
        Credentials credentials = jvmOptions.credentials();
        check();
        prepare();
        try (AgentConnection agent = main.connector().open(jvmOptions.jvm, credentials)) {
            run(agent);
        }
        return 0;
    }

    /** Usage checks that need more than one argument, before connecting; throws a {@code ParameterException}. */
    void check() {
    }

    /** Work done once the arguments are checked and before connecting (fetching an artifact); throws a CliFailure. */
    void prepare() {
    }

    abstract void run(AgentConnection agent);

    JvmAddress jvm() {
        return jvmOptions.jvm;
    }

    /** Prints {@code json} with {@code --json}, else {@code text} (lines that end with a newline). */
    void print(Object json, String text) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(output.json ? Json.write(json) + "\n" : text);
        out.flush();
    }
}
