package io.modulets.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.TestInfo;

/**
 * Work directories under the {@code modulets.work.dir} system property (agent-tests/target/it-work),
 * one per test invocation, emptied when handed out and kept afterwards for post-mortems.
 */
public final class WorkDirs {
    private WorkDirs() {
    }

    public static Path root() {
        String configured = System.getProperty("modulets.work.dir");
        Path root = configured == null || configured.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "modulets-it-work")
                : Path.of(configured);
        return root.toAbsolutePath().normalize();
    }

    /** {@code <root>/<TestClass>/<method>/<invocation display name>}, empty. */
    public static Path forTest(TestInfo info) {
        String testClass = info.getTestClass().map(Class::getSimpleName).orElse("unknown");
        String method = info.getTestMethod().map(Method::getName).orElse("unknown");
        return fresh(root().resolve(testClass).resolve(method).resolve(sanitize(info.getDisplayName())));
    }

    /** {@code <root>/<TestClass>/shared}, empty: for fixtures built once per class. */
    public static Path forClass(Class<?> testClass) {
        return fresh(root().resolve(testClass.getSimpleName()).resolve("shared"));
    }

    static String sanitize(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
        return s.isEmpty() ? "_" : s.length() > 100 ? s.substring(0, 100) : s;
    }

    private static Path fresh(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("preparing work dir " + dir, e);
        }
    }
}
