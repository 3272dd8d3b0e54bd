package io.modulets.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Every JDK the integration tests run on: the running {@code java.home} plus each
 * {@code /usr/lib/jvm/*} with {@code bin/java} and a {@code release} file saying 17 or newer,
 * one per real path (Debian has several symlinks to one JDK), sorted by version.
 * {@code MODULETS_TEST_JDKS} (homes separated by {@code :}) replaces the search.
 *
 * <p>Use as {@code @MethodSource("io.modulets.testkit.Jdks#all")}.
 */
public final class Jdks {
    public static final String ENV = "MODULETS_TEST_JDKS";
    public static final int BASELINE = 17;
    private static final Path SYSTEM_JVMS = Path.of("/usr/lib/jvm");
    private static volatile List<Jdk> all;

    private Jdks() {
    }

    /** One JDK: its home, its version (from the {@code release} file) and its vendor. */
    public record Jdk(Path home, Runtime.Version version, String implementor) {
        public int major() {
            return version.feature();
        }

        public Path java() {
            return home.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
        }

        /** The display name of a parameterized test's invocation. */
        @Override
        public String toString() {
            return "JDK " + version + (implementor.isEmpty() ? "" : " (" + implementor + ")");
        }
    }

    /** Every JDK to test on; found once per test JVM. */
    public static List<Jdk> all() {
        List<Jdk> found = all;
        if (found == null) {
            found = discover(System.getenv(ENV), Path.of(System.getProperty("java.home")), SYSTEM_JVMS);
            all = found;
        }
        return found;
    }

    /** The JDK running the tests. */
    public static Jdk running() {
        Path home = Path.of(System.getProperty("java.home"));
        return probe(home).orElseGet(() -> new Jdk(home, Runtime.version(), System.getProperty("java.vendor", "")));
    }

    static List<Jdk> discover(String override, Path runningHome, Path jvmDir) {
        Map<Path, Jdk> byRealPath = new LinkedHashMap<>();
        if (override != null && !override.isBlank()) {
            for (String entry : override.split(":")) {
                if (entry.isBlank()) {
                    continue;
                }
                Path home = Path.of(entry.trim());
                Jdk jdk = probe(home).orElseThrow(() -> new IllegalStateException(
                        ENV + " names " + home + ", which is not a JDK home with bin/java and a release file"));
                if (jdk.major() < BASELINE) {
                    throw new IllegalStateException(ENV + " names " + home + ", " + jdk + ", older than the baseline " + BASELINE);
                }
                byRealPath.putIfAbsent(realPath(home), jdk);
            }
        } else {
            List<Path> candidates = new ArrayList<>();
            candidates.add(runningHome);
            if (Files.isDirectory(jvmDir)) {
                try (Stream<Path> entries = Files.list(jvmDir)) {
                    entries.sorted().forEach(candidates::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("listing " + jvmDir, e);
                }
            }
            for (Path home : candidates) {
                probe(home).filter(jdk -> jdk.major() >= BASELINE)
                        .ifPresent(jdk -> byRealPath.putIfAbsent(realPath(home), jdk));
            }
            if (byRealPath.isEmpty()) {
                byRealPath.put(realPath(runningHome), running());
            }
        }
        return byRealPath.values().stream().sorted(Comparator.comparing(Jdk::version)).toList();
    }

    /** A JDK home if {@code home} has an executable {@code bin/java} and a readable {@code release} file. */
    static Optional<Jdk> probe(Path home) {
        Path java = home.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
        Path release = home.resolve("release");
        if (!Files.isExecutable(java) || !Files.isRegularFile(release)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(release)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        String version = unquote(props.getProperty("JAVA_VERSION", ""));
        try {
            return Optional.of(new Jdk(home, Runtime.Version.parse(version), unquote(props.getProperty("IMPLEMENTOR", ""))));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // "1.8.0_402" and the like: older than any JDK we test on
        }
    }

    private static String unquote(String value) {
        String v = value.trim();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static Path realPath(Path home) {
        try {
            return home.toRealPath();
        } catch (IOException e) {
            return home.toAbsolutePath().normalize();
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }
}
