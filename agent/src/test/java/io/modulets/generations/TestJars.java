package io.modulets.generations;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds small jars for tests: a manifest (optional) and text entries, no classes needed. */
final class TestJars {

    /** 2000-01-01T00:00:00Z. */
    private static final long FIXED_TIME = 946_684_800_000L;

    private TestJars() {}

    /** A jar whose content differs with {@code marker}. */
    static Path jar(Path file, String marker) throws IOException {
        return jar(file, null, Map.of("marker.txt", marker));
    }

    static Path jar(Path file, String implementationVersion, Map<String, String> entries) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (implementationVersion != null) {
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, implementationVersion);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        // Every entry gets the same fixed time: a snapshot is named by its bytes, and entries stamped
        // with the clock would make two jars built with the same content in different seconds differ.
        try (OutputStream out = Files.newOutputStream(file);
             JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(entry(JarFile.MANIFEST_NAME));
            manifest.write(jar);
            jar.closeEntry();
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                jar.putNextEntry(entry(entry.getKey()));
                jar.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        return file;
    }

    private static JarEntry entry(String name) {
        JarEntry entry = new JarEntry(name);
        entry.setTime(FIXED_TIME);
        return entry;
    }

    /** The entries of a Maven-built jar: {@code META-INF/maven/<group>/<artifact>/pom.properties}. */
    static Map<String, String> pomProperties(String group, String artifact, String version) {
        return Map.of("META-INF/maven/" + group + "/" + artifact + "/pom.properties",
                "groupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n");
    }
}
