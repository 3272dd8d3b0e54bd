package io.modulets.generations;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.modulets.config.PackageFilter;

/**
 * Without {@code modules}, generation 1 is the swappable code found on the class path (DESIGN §4):
 * every jar that holds a swappable class, and for a directory a jar of its swappable files.
 */
public final class ClassPathJars {
    private ClassPathJars() {
    }

    public static List<Path> swappable(List<Path> classPath, PackageFilter filter) throws IOException {
        List<Path> jars = new ArrayList<>();
        for (Path entry : classPath) {
            if (Files.isDirectory(entry)) {
                Path jar = jarOfDirectory(entry, filter);
                if (jar != null) {
                    jars.add(jar);
                }
            } else if (Files.isRegularFile(entry) && holdsSwappable(entry, filter)) {
                jars.add(entry);
            }
        }
        return jars;
    }

    /** The jars (not directories) among {@code classPath} that hold a swappable file. */
    public static List<Path> jarsHoldingSwappable(List<Path> classPath, PackageFilter filter) throws IOException {
        List<Path> jars = new ArrayList<>();
        for (Path entry : classPath) {
            if (Files.isRegularFile(entry) && holdsSwappable(entry, filter)) {
                jars.add(entry);
            }
        }
        return jars;
    }

    private static boolean holdsSwappable(Path jar, PackageFilter filter) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                if (isSwappableFile(entries.nextElement().getName(), filter)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A jar, in a temporary file, of the directory's files in swappable packages; null if none. */
    private static Path jarOfDirectory(Path directory, PackageFilter filter) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> isSwappableFile(relative(directory, f), filter))
                    .sorted().collect(Collectors.toList());
        }
        if (files.isEmpty()) {
            return null;
        }
        Path jar = Files.createTempFile("modulets-classpath-", ".jar");
        jar.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            for (Path file : files) {
                JarEntry entry = new JarEntry(relative(directory, file));
                entry.setTime(0); // the same classes give the same bytes, hence the same generation
                zip.putNextEntry(entry);
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
        return jar;
    }

    private static String relative(Path directory, Path file) {
        return directory.relativize(file).toString().replace('\\', '/');
    }

    /**
     * A file of a jar or class directory in a swappable package, by its path ({@code com/acme/jobs/Mail.class}).
     * A jar's directory entries are not files: {@code com/acme/} in a jar of {@code com.acme.api} (shared, under
     * the swappable {@code com.acme}) would read as a file of package {@code com.acme}.
     */
    private static boolean isSwappableFile(String name, PackageFilter filter) {
        return !name.endsWith("/") && filter.isSwappableInternal(name);
    }
}
