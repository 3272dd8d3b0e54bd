package io.modulets.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import io.modulets.testing.Compiler;

/** Jars of compiled classes for the deploy tests. */
final class DeployTesting {
    private DeployTesting() {
    }

    /** Compiles {@code sources} (class name → source) into {@code jar}, with {@code extra} entries added. */
    static Path jar(Path jar, Map<String, String> sources, Map<String, byte[]> extra) throws IOException {
        Path parent = Files.createDirectories(jar.toAbsolutePath().getParent());
        Path classes = Files.createTempDirectory(parent, "classes");
        if (!sources.isEmpty()) Compiler.compile(classes, sources);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(entry(classes.relativize(file).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
            for (Map.Entry<String, byte[]> e : extra.entrySet()) {
                out.putNextEntry(entry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    /** A fixed time, so that the same sources give the same jar bytes (the same generation). */
    private static JarEntry entry(String name) {
        JarEntry entry = new JarEntry(name);
        entry.setTime(946684800000L);
        return entry;
    }

    /** The bytes of one entry of {@code jar}. */
    static byte[] entry(Path jar, String name) throws IOException {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.getInputStream(zip.getEntry(name)).readAllBytes();
        }
    }

    static Path jar(Path jar, Map<String, String> sources) throws IOException {
        return jar(jar, sources, Map.of());
    }
}
