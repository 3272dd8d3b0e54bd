package io.modulets.generations;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The label people see for a generation. Per jar: the manifest's
 * {@code Implementation-Version}, else the {@code version} of the first
 * {@code META-INF/maven/<group>/<artifact>/pom.properties}, else the deployed file name
 * without {@code .jar}. Several jars are joined with {@code +} in file-name order, and
 * repeated labels are collapsed ({@code 1.2.0} and {@code 1.2.0} give {@code 1.2.0}).
 */
final class Labels {

    private Labels() {}

    /** Reads content from each jar's {@code stored} copy; names come from {@code fileName}. */
    static String of(List<Snapshot.Jar> jars) {
        Set<String> labels = new LinkedHashSet<>();
        List<Snapshot.Jar> sorted = new ArrayList<>(jars);
        sorted.sort(new ByNameThenHash());
        for (Snapshot.Jar jar : sorted) {
            labels.add(of(jar));
        }
        return String.join("+", labels);
    }

    /** Written out, not composed of method references: each would be a spun class at generation 1 (premain). */
    private static final class ByNameThenHash implements Comparator<Snapshot.Jar> {
        @Override
        public int compare(Snapshot.Jar a, Snapshot.Jar b) {
            int order = a.fileName().compareTo(b.fileName());
            return order != 0 ? order : a.sha256().compareTo(b.sha256());
        }
    }

    static String of(Snapshot.Jar jar) {
        // verify=false: a label never needs signature checks, and they would cost a full read.
        try (JarFile file = new JarFile(jar.stored().toFile(), false)) {
            String version = implementationVersion(file);
            if (version == null) version = pomVersion(file);
            if (version != null) return version;
        } catch (IOException | RuntimeException e) {
            // Not a readable jar: the file name still tells people which one it is.
        }
        return withoutJarSuffix(jar.fileName());
    }

    private static String implementationVersion(JarFile file) {
        try {
            Manifest manifest = file.getManifest();
            return manifest == null ? null
                    : nonBlank(manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION));
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable manifest falls back to pom.properties
        }
    }

    private static String pomVersion(JarFile file) {
        try {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (!isPomProperties(entry.getName())) continue;
                Properties properties = new Properties();
                try (InputStream in = file.getInputStream(entry)) {
                    properties.load(in);
                }
                return nonBlank(properties.getProperty("version"));
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable entry falls back to the file name
        }
        return null;
    }

    /**
     * {@code META-INF/maven/GROUP/ARTIFACT/pom.properties}, each part one non-empty name: read by hand, since a
     * regular expression here was the one premain compiled (about 25 classes loaded and interpreted at each start).
     */
    static boolean isPomProperties(String name) {
        String prefix = "META-INF/maven/";
        String suffix = "/pom.properties";
        if (!name.startsWith(prefix) || !name.endsWith(suffix) || name.length() <= prefix.length() + suffix.length()) {
            return false;
        }
        String middle = name.substring(prefix.length(), name.length() - suffix.length());
        int slash = middle.indexOf('/');
        return slash > 0 && slash < middle.length() - 1 && middle.indexOf('/', slash + 1) < 0;
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String withoutJarSuffix(String fileName) {
        boolean jar = fileName.length() > 4 && fileName.toLowerCase(Locale.ROOT).endsWith(".jar");
        return jar ? fileName.substring(0, fileName.length() - 4) : fileName;
    }
}
