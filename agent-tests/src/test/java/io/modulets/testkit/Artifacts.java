package io.modulets.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** The built jars under test, as the failsafe configuration in agent-tests/pom.xml names them. */
public final class Artifacts {
    private Artifacts() {
    }

    /** The agent jar ({@code -javaagent} and CLI); fails the test with a hint if it is not built. */
    public static Path agentJar() {
        return jar("modulets.agent.jar");
    }

    /** modulets-sample.jar: SeedApp and the demo, without any swappable class. */
    public static Path sampleJar() {
        return jar("modulets.sample.jar");
    }

    /** The Prometheus JMX exporter agent from Maven Central (agent-tests/pom.xml copies it before the ITs). */
    public static Path jmxExporterJar() {
        return jar("modulets.jmx.exporter.jar");
    }

    /** A file of the repository's {@code contrib/} directory (configurations for other tools that MetricsIT runs). */
    public static Path contrib(String file) {
        Path path = Path.of(System.getProperty("modulets.contrib.dir", "../contrib"), file)
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            fail(path + " does not exist");
        }
        return path;
    }

    /** The project version the jars were built as. */
    public static String version() {
        return System.getProperty("modulets.version", "0.1.0-SNAPSHOT");
    }

    private static Path jar(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            fail("system property " + property + " is not set: run the integration tests through maven (mvn verify)");
        }
        Path jar = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            fail(property + " = " + jar + " does not exist: build it first with mvn -q -DskipTests package");
        }
        return jar;
    }
}
