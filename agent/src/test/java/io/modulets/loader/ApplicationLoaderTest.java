package io.modulets.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.config.PackageFilter;

/**
 * What generations see of the application: the shell until Spring Boot's loader is first asked for a class,
 * then that loader (the first one), and that loader never gets to define a swappable name itself.
 */
class ApplicationLoaderTest {
    private static final PackageFilter JOBS = PackageFilter.of(List.of("com.acme.jobs"), List.of());

    @TempDir
    Path dir;

    /** A shell that answers a swappable name from no generation: as the shell before generation 1. */
    private final ClassLoader shell = new ClassLoader("shell", ApplicationLoaderTest.class.getClassLoader()) {
        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (JOBS.isSwappable(name)) {
                throw new ClassNotFoundException("no generation has " + name);
            }
            return super.loadClass(name, resolve);
        }
    };

    @Test
    void generationsSeeTheShellUntilSpringBootsLoaderLoadsAClassThenThatLoader() throws Exception {
        URLClassLoader launched = nested("BOOT-INF/classes/application.properties");
        ApplicationLoader application = new ApplicationLoader(shell, JOBS).install();
        assertNull(application.getResource("BOOT-INF/classes/application.properties"), "the shell has no such file");
        assertSame(String.class, application.loadClass("java.lang.String"));

        ApplicationLoader.loadingIn(launched, "com.acme.App");
        assertSame(launched, application.application());
        assertNotNull(application.getResource("BOOT-INF/classes/application.properties"));
        assertTrue(application.getResources("BOOT-INF/classes/application.properties").hasMoreElements());
        assertSame(String.class, application.loadClass("java.lang.String"), "what the shell has, as before");
    }

    @Test
    void theFirstSpringBootLoaderStays() throws Exception {
        URLClassLoader first = nested("one.txt");
        URLClassLoader second = nested("two.txt");
        ApplicationLoader application = new ApplicationLoader(shell, JOBS).install();
        ApplicationLoader.loadingIn(first, "com.acme.App");
        ApplicationLoader.loadingIn(second, "com.acme.Other");
        assertSame(first, application.application());
    }

    @Test
    void aSwappableNameIsAnsweredAsTheShellAnswersItNeverByTheSpringBootLoader() throws Exception {
        URLClassLoader launched = nested("com/acme/jobs/Job.class");
        new ApplicationLoader(shell, JOBS).install();
        ClassNotFoundException e = assertThrows(ClassNotFoundException.class,
                () -> ApplicationLoader.loadingIn(launched, "com.acme.jobs.Job"));
        assertEquals("no generation has com.acme.jobs.Job", e.getMessage());
        ApplicationLoader.loadingIn(launched, "com.acme.App"); // a shell name goes on to the loader's own lookup
    }

    private URLClassLoader nested(String file) throws IOException {
        Path root = Files.createTempDirectory(dir, "jar");
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent() == null ? root : path.getParent());
        Files.writeString(path, "x");
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, shell);
    }
}
