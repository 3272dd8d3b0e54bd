package io.modulets.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The JVM a command talks to, and how to log in to it: mixed into every command that takes one.
 * A password never comes from the command line (other users see it in {@code ps}): it is read from
 * a file, or from the environment variable {@value #PASSWORD_ENV}.
 */
final class JvmOptions {
    static final String PASSWORD_ENV = "MODULETS_JMX_PASSWORD";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Parameters(index = "0", paramLabel = "JVM", converter = JvmAddress.Converter.class,
            description = "The JVM: a local pid (attached through the Attach API; same user only), "
                    + "or a JMX service URL such as service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi.")
    JvmAddress jvm;

    @Option(names = "--user", paramLabel = "NAME",
            description = "JMX user for a service URL; the password comes from --password-file or $" + PASSWORD_ENV + ".")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the JMX password (with --user).")
    Path passwordFile;

    @Option(names = "--insecure", description = "Allow a plain-text (no TLS) JMX connection to another host: "
            + "credentials and calls readable on the network. Without it such a service URL is refused.")
    boolean insecure;

    /** The credentials given, checked against the kind of JVM argument (a misuse is a usage error). */
    Credentials credentials() {
        return credentials(System.getenv());
    }

    Credentials credentials(Map<String, String> env) {
        if (user != null && jvm.isPid()) {
            throw usage("--user applies to a JMX service URL; a local pid is reached through the Attach API without one");
        }
        return credentials(user, passwordFile, env, this::usage).withInsecure(insecure);
    }

    /**
     * The credentials of {@code --user} and {@code --password-file} (or {@code $}{@value #PASSWORD_ENV}):
     * {@link Credentials#NONE} without a user; a misuse or an unreadable file is {@code usage}'s error.
     */
    static Credentials credentials(String user, Path passwordFile, Map<String, String> env,
                                   Function<String, ParameterException> usage) {
        if (user == null) {
            if (passwordFile != null) {
                throw usage.apply("--password-file needs --user");
            }
            return Credentials.NONE;
        }
        if (passwordFile != null) {
            try {
                String first = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("");
                return new Credentials(user, first.toCharArray());
            } catch (IOException e) {
                throw usage.apply("cannot read the password file " + passwordFile + ": " + e);
            }
        }
        String fromEnv = env.get(PASSWORD_ENV);
        if (fromEnv == null) {
            throw usage.apply("--user " + user + " needs a password: --password-file FILE or $" + PASSWORD_ENV);
        }
        return new Credentials(user, fromEnv.toCharArray());
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
