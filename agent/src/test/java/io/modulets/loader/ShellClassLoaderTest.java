package io.modulets.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.config.PackageFilter;

class ShellClassLoaderTest {

    @TempDir
    Path dir;

    @Test
    void aResourceOfTheClassPathIsNamedOnceAsTheBuiltInLoaderNamesIt() throws IOException {
        Path a = jar("a.jar", "META-INF/services/java.lang.Runnable", "x.A\n");
        Path b = jar("b.jar", "META-INF/services/java.lang.Runnable", "x.B\n");
        try (URLClassLoader builtin = new URLClassLoader(new URL[] {a.toUri().toURL(), b.toUri().toURL()}, null);
             ShellClassLoader shell = new ShellClassLoader(List.of(a, b), builtin,
                     PackageFilter.of(List.of("com.acme.jobs"), List.of()))) {
            String name = "META-INF/services/java.lang.Runnable";
            List<URL> expected = Collections.list(builtin.getResources(name));
            assertEquals(2, expected.size(), expected.toString());
            assertEquals(expected.toString(), Collections.list(shell.getResources(name)).toString());
            assertEquals(expected.toString(), shell.resources(name).toList().toString());
        }
    }

    @Test
    void aResourceOnlyThisLoaderHasComesAfterTheBuiltInLoadersOnes() throws IOException {
        Path a = jar("a.jar", "data.txt", "a");
        Path extra = jar("extra.jar", "data.txt", "extra");
        try (URLClassLoader builtin = new URLClassLoader(new URL[] {a.toUri().toURL()}, null);
             ShellClassLoader shell = new ShellClassLoader(List.of(a, extra), builtin,
                     PackageFilter.of(List.of("com.acme.jobs"), List.of()))) {
            List<URL> urls = Collections.list(shell.getResources("data.txt"));
            assertEquals(List.of(a.toUri().toURL().toString(), extra.toUri().toURL().toString()),
                    urls.stream().map(u -> u.toString().replaceFirst("^jar:(.*)!/data.txt$", "$1")).toList());
        }
    }

    private Path jar(String file, String entry, String content) throws IOException {
        Path jar = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new JarEntry(entry));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }
}
