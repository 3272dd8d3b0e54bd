package io.modulets;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the agent's classes come from. The jar's manifest names the jar itself on the boot class path
 * ({@code Boot-Class-Path: modulets-agent.jar modulets-agent-VERSION.jar}: the build's name and the one a Maven
 * repository gives it, resolved beside the jar given to {@code -javaagent}), so that the JVM loads every agent class
 * through the boot loader: read by the JVM's own zip code, not verified, with no protection domain, and the bootstrap
 * holder needs no defining of its own (docs/PERFORMANCE.md, "The agent's classes in the boot loader"). A jar renamed
 * otherwise on its way to the server leaves those entries pointing at nothing: then the classes load through the
 * application class loader, as they did before, and the bootstrap holder is defined by {@code BootstrapClasses}.
 */
record AgentJar(Path path, boolean bootLoaded) {
    /** The name the build gives the jar, the first its manifest's {@code Boot-Class-Path} names. */
    static final String NAME = "modulets-agent.jar";

    static AgentJar locate() throws IOException, URISyntaxException {
        if (Agent.class.getClassLoader() != null) {
            Path path = Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new AgentJar(path, false);
        }
        URL own = Agent.class.getResource("Agent.class"); // jar:file:/…/modulets-agent.jar!/io/modulets/Agent.class
        String url = own == null ? "" : own.toString();
        int bang = url.indexOf("!/");
        if (!url.startsWith("jar:") || bang < 0) {
            throw new IOException("modulets: cannot tell which jar the agent's classes come from (" + url + ")");
        }
        Path path = Path.of(new URI(url.substring("jar:".length(), bang)));
        refuseAnotherJar(path);
        return new AgentJar(path, true);
    }

    /**
     * The boot class path's entries are resolved beside the jar given to {@code -javaagent}: a jar of another name in a
     * directory that also holds a {@code modulets-agent.jar} (an upgrade copied beside the old jar) would run the old
     * jar's classes, and so would one put on the boot class path by hand. Refused when no
     * {@code -javaagent} jar of the JVM's arguments is the one the classes came from; a JVM that does not tell its
     * arguments is not refused.
     */
    private static void refuseAnotherJar(Path loaded) throws IOException {
        String[] arguments;
        try {
            Method m = Class.forName("jdk.internal.misc.VM").getMethod("getRuntimeArguments");
            arguments = (String[]) m.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException unknown) {
            return;
        }
        StringBuilder given = new StringBuilder();
        for (String argument : arguments) {
            if (argument.startsWith("-javaagent:")) {
                int equals = argument.indexOf('=');
                String jar = argument.substring("-javaagent:".length(), equals < 0 ? argument.length() : equals);
                Path path = Path.of(jar);
                if (Files.exists(path) && Files.isSameFile(path, loaded)) {
                    return;
                }
                given.append(given.length() == 0 ? "" : ", ").append(jar);
            }
        }
        if (given.length() > 0) {
            throw new IOException("modulets: the agent's classes come from " + loaded + " on the boot class path,"
                    + " not from the jar given to -javaagent (" + given + "); put the jar you mean in a directory of"
                    + " its own, named " + NAME);
        }
    }
}
