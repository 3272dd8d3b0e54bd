package io.modulets.generations;

import static io.modulets.generations.TestJars.jar;
import static io.modulets.generations.TestJars.pomProperties;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsTest {

    @TempDir
    Path tmp;

    private int n;

    /**
     * A jar as the store holds it: content under a name unrelated to the deployed one,
     * so a label that shows the file name must come from {@code fileName}.
     */
    private Snapshot.Jar stored(String fileName, String version, Map<String, String> entries) throws IOException {
        Path copy = jar(tmp.resolve("stored-" + n++ + ".jar"), version, entries);
        return new Snapshot.Jar(fileName, "0".repeat(64), copy, Files.size(copy));
    }

    @Test
    void implementationVersionFirst() throws IOException {
        assertEquals("1.2.0", Labels.of(List.of(stored("mail.jar", "1.2.0", pomProperties("com.acme", "mail", "9.9")))));
    }

    @Test
    void thenTheVersionInPomProperties() throws IOException {
        assertEquals("2.0.1", Labels.of(List.of(stored("mail.jar", null, pomProperties("com.acme", "mail", "2.0.1")))));
    }

    @Test
    void pomPropertiesOutsideTheMavenLayoutIsIgnored() throws IOException {
        Map<String, String> entries = Map.of("META-INF/maven/pom.properties", "version=3.0\n");
        assertEquals("mail", Labels.of(List.of(stored("mail.jar", null, entries))));
    }

    @Test
    void thenTheDeployedFileNameWithoutJar() throws IOException {
        assertEquals("mail-job", Labels.of(List.of(stored("mail-job.jar", null, Map.of("a.txt", "a")))));
    }

    @Test
    void aFileThatIsNotAJarFallsBackToItsName() throws IOException {
        Path garbage = Files.writeString(tmp.resolve("garbage"), "not a zip");
        Snapshot.Jar jar = new Snapshot.Jar("broken.jar", "0".repeat(64), garbage, Files.size(garbage));
        assertEquals("broken", Labels.of(List.of(jar)));
    }

    @Test
    void severalJarsAreJoinedInFileNameOrder() throws IOException {
        Map<String, String> entries = new HashMap<>(pomProperties("com.acme", "util", "0.9"));
        List<Snapshot.Jar> jars = List.of(
                stored("mail.jar", "1.2.0", Map.of()),
                stored("billing.jar", null, Map.of()),
                stored("util.jar", null, entries));
        assertEquals("billing+1.2.0+0.9", Labels.of(jars));
    }

    @Test
    void identicalLabelsAreCollapsed() throws IOException {
        List<Snapshot.Jar> jars = List.of(
                stored("mail.jar", "1.2.0", Map.of()),
                stored("billing.jar", null, pomProperties("com.acme", "billing", "1.2.0")));
        assertEquals("1.2.0", Labels.of(jars));
    }
    @Test
    void pomPropertiesAreFoundByTheirPathOnly() {
        org.junit.jupiter.api.Assertions.assertTrue(Labels.isPomProperties("META-INF/maven/com.acme/jobs/pom.properties"));
        for (String other : new String[] {"META-INF/maven/com.acme/pom.properties", "META-INF/maven//jobs/pom.properties",
                "META-INF/maven/com.acme//pom.properties", "META-INF/maven/a/b/c/pom.properties",
                "META-INF/maven/a/b/pom.xml", "META-INF/maven/pom.properties", "x/META-INF/maven/a/b/pom.properties"}) {
            org.junit.jupiter.api.Assertions.assertFalse(Labels.isPomProperties(other), other);
        }
    }
}
