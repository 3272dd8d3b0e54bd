package io.modulets.generations;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/** What the jars of a modules directory hold, read without loading any class. */
public final class JarContents {
    private JarContents() {
    }

    /** The jars of a modules directory: {@code *.jar} regular files, hidden ones (temporary) excluded, sorted. */
    public static List<Path> jarsIn(Path directory) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.endsWith(".jar") && !name.startsWith(".") && Files.isRegularFile(p)) jars.add(p);
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        Collections.sort(jars);
        return jars;
    }

    /** Every package that holds a class in these jars: the default swappable packages (DESIGN §4). */
    public static List<String> packagesIn(List<Path> jars) throws IOException {
        Set<String> packages = new TreeSet<>();
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                Enumeration<? extends ZipEntry> entries = file.entries();
                while (entries.hasMoreElements()) {
                    String name = entries.nextElement().getName();
                    int slash = name.lastIndexOf('/');
                    if (name.endsWith(".class") && slash > 0 && !name.startsWith("META-INF/")) {
                        packages.add(name.substring(0, slash).replace('/', '.'));
                    }
                }
            }
        }
        return new ArrayList<>(packages);
    }
}
