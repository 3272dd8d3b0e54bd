package io.modulets.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.config.PackageFilter;
import io.modulets.generations.Snapshot;
import io.modulets.generations.Store;

/** Verification of the jars themselves; the deploy corpus in agent-tests covers every case end to end. */
class JarCheckTest {
    private static final PackageFilter FILTER = PackageFilter.of(List.of("sw"), List.of());
    static final ZipBounds BOUNDS = new ZipBounds(io.modulets.config.JarLimits.DEFAULT, Budget.NONE);

    @TempDir
    Path tmp;

    @Test
    void aGoodJarGivesItsClasses() throws Exception {
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), Map.of("sw.A", "package sw; public class A {}"),
                Map.of("sw/readme.txt", "text".getBytes()));
        assertEquals(List.of("sw/A"), List.copyOf(read(false, jar).keySet()));
    }

    @Test
    void aHalfCopiedJarIsRefused() throws Exception {
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), Map.of("sw.A", "package sw; public class A {}"));
        byte[] bytes = Files.readAllBytes(jar);
        Files.write(jar, Arrays.copyOf(bytes, bytes.length - 10));
        assertEquals("a.jar is not a complete zip file (zip END header not found)", refusal(false, jar));
    }

    @Test
    void aClassInTwoJarsIsRefused() throws Exception {
        Path a = DeployTesting.jar(tmp.resolve("a/a.jar"), Map.of("sw.A", "package sw; public class A {}"));
        Path b = DeployTesting.jar(tmp.resolve("b/b.jar"), Map.of("sw.A", "package sw; public class A { int x; }"));
        assertEquals("class sw.A is in both a.jar and b.jar; each class must be in one jar", refusal(false, a, b));
    }

    @Test
    void aClassOutsideTheSwappablePackagesIsRefusedUnlessAllowed() throws Exception {
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), Map.of("sw.A", "package sw; public class A {}",
                "other.B", "package other; public class B {}"));
        assertEquals("a.jar holds other.B, outside the swappable packages (sw); move it to the class path, add its"
                + " package to packages=, or give outside=ignore", refusal(false, jar));
        assertEquals(2, read(true, jar).size());
    }

    @Test
    void aClassFileTooNewForThisJvmIsRefused() throws Exception {
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), Map.of(), Map.of("sw/A.class",
                new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, (byte) (JarCheck.MAX_MAJOR + 1)}));
        int feature = Runtime.version().feature();
        assertEquals("a.jar: sw/A.class has class-file version " + (JarCheck.MAX_MAJOR + 1) + " (Java " + (feature + 1)
                + "); this JVM runs 45 to " + JarCheck.MAX_MAJOR + " (Java " + feature + "); compile with --release "
                + feature + " or lower", refusal(false, jar));
    }

    @Test
    void aVersionedClassForThisJvmIsCheckedToo() throws Exception {
        Path base = DeployTesting.jar(tmp.resolve("b/a.jar"), Map.of("sw.A", "package sw; public class A {}"));
        byte[] a;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(base.toFile())) {
            a = zip.getInputStream(zip.getEntry("sw/A.class")).readAllBytes();
        }
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), Map.of("sw.A", "package sw; public class A {}"),
                Map.of("META-INF/versions/17/sw/B.class", a, "META-INF/versions/999/sw/C.class", new byte[] {1}));
        assertEquals("a.jar: META-INF/versions/17/sw/B.class holds class sw.A; a class file's path must match its name",
                refusal(false, jar));
        assertEquals("sw/B.class", JarCheck.versionedClass("META-INF/versions/9/sw/B.class"));
        assertEquals(null, JarCheck.versionedClass("META-INF/versions/999/sw/B.class"), "never loaded by this JVM");
    }

    @Test
    void aManifestIsReadAsTheJdkReadsIt() throws Exception {
        Map<String, String> a = Map.of("sw.A", "package sw; public class A {}");
        Path longLine = DeployTesting.jar(tmp.resolve("long/a.jar"), a, Map.of("META-INF/MANIFEST.MF",
                ("Manifest-Version: 1.0\r\nX-Long: " + "x".repeat(600) + "\r\n\r\n").getBytes()));
        assertTrue(refusal(false, longLine).startsWith(
                "a.jar: META-INF/MANIFEST.MF does not read as the JDK reads it (line too long"),
                refusal(false, longLine));
        Path malformed = DeployTesting.jar(tmp.resolve("bad/a.jar"), a, Map.of("META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\r\nno colon here\r\n\r\n".getBytes()));
        assertTrue(refusal(false, malformed).startsWith(
                "a.jar: META-INF/MANIFEST.MF does not read as the JDK reads it (invalid header field"),
                refusal(false, malformed));
        StringBuilder huge = new StringBuilder("Manifest-Version: 1.0\r\n");
        while (huge.length() <= 16_000_000) {
            huge.append("X-Pad-").append(huge.length()).append(": ").append("y".repeat(60)).append("\r\n");
        }
        Path tooBig = DeployTesting.jar(tmp.resolve("big/a.jar"), a, Map.of("META-INF/MANIFEST.MF",
                huge.append("\r\n").toString().getBytes()));
        assertTrue(refusal(false, tooBig).startsWith(
                "a.jar: META-INF/MANIFEST.MF does not read as the JDK reads it (Unsupported size: "),
                refusal(false, tooBig));
    }

    @Test
    void aMultiReleaseJarGivesTheShapeThisJvmLoads() throws Exception {
        Path v1 = DeployTesting.jar(tmp.resolve("v1/a.jar"), Map.of("sw.A", "package sw; public class A {}"));
        Path full = DeployTesting.jar(tmp.resolve("full/a.jar"),
                Map.of("sw.A", "package sw; public class A { public static int get() { return 1; } }"));
        Map<String, byte[]> versioned = Map.of("META-INF/versions/11/sw/A.class", DeployTesting.entry(v1, "sw/A.class"),
                "META-INF/versions/9/sw/A.class", DeployTesting.entry(full, "sw/A.class"),
                "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMulti-Release: true\r\n\r\n".getBytes());
        Path multi = DeployTesting.jar(tmp.resolve("a.jar"),
                Map.of("sw.A", "package sw; public class A { public static int get() { return 1; } }"), versioned);
        assertEquals(Map.of(), read(false, multi).get("sw/A").methods().entrySet().stream()
                .filter(m -> m.getKey().startsWith("get")).collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, Map.Entry::getValue)), "version 11 is the highest this JVM runs: no get()");
        Map<String, byte[]> notMulti = new java.util.HashMap<>(versioned);
        notMulti.remove("META-INF/MANIFEST.MF");
        Path plain = DeployTesting.jar(tmp.resolve("plain/a.jar"),
                Map.of("sw.A", "package sw; public class A { public static int get() { return 1; } }"), notMulti);
        assertTrue(read(false, plain).get("sw/A").methods().containsKey("get()I"),
                "without Multi-Release: true the JDK loads the base class");
    }

    private java.util.Map<String, ClassShape> read(boolean allowOutside, Path... jars) throws Exception {
        return new JarCheck(FILTER, allowOutside, BOUNDS).read(snapshot(jars)).shapes();
    }

    private String refusal(boolean allowOutside, Path... jars) throws IOException {
        Snapshot snapshot = snapshot(jars);
        return assertThrows(DeployRefused.class, () -> new JarCheck(FILTER, allowOutside, BOUNDS).read(snapshot))
                .getMessage();
    }

    private Snapshot snapshot(Path... jars) throws IOException {
        return new Store(tmp.resolve("store")).snapshot(List.of(jars));
    }
}
