package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.config.PackageFilter;

/** The erasure is fixed for the life of the JVM: a generation that would change it is named. */
class ErasureChangeTest {
    @TempDir
    Path temp;

    @Test
    void aGenerationThatMovesATypeUnderAnotherSharedSuperclassIsReported() throws Exception {
        Path v1 = io.modulets.testing.Compiler.compile(temp.resolve("v1"), Map.of(
                "sw.Fail", "package sw; public class Fail extends RuntimeException {}",
                "sw.Kept", "package sw; public class Kept extends Number { public int intValue() { return 0; }"
                        + " public long longValue() { return 0; } public float floatValue() { return 0; }"
                        + " public double doubleValue() { return 0; } }",
                "sw.Gone", "package sw; public class Gone {}"));
        Path v2 = io.modulets.testing.Compiler.compile(temp.resolve("v2"), Map.of(
                "sw.Fail", "package sw; public class Fail extends Exception {}",
                "sw.Kept", "package sw; public class Kept extends Number { public int intValue() { return 1; }"
                        + " public long longValue() { return 0; } public float floatValue() { return 0; }"
                        + " public double doubleValue() { return 0; } }"));
        try (URLClassLoader g1 = new URLClassLoader(new URL[] {v1.toUri().toURL()}, null);
             URLClassLoader g2 = new URLClassLoader(new URL[] {v2.toUri().toURL()}, null)) {
            Erasure erasure = new Erasure(PackageFilter.of(List.of("sw"), List.of()), () -> g1);
            assertEquals("java/lang/RuntimeException", erasure.map("sw/Fail"));
            assertEquals("java/lang/Number", erasure.map("sw/Kept"));
            assertEquals("java/lang/Object", erasure.map("sw/Gone"));
            assertEquals(List.of("sw.Fail is erased to java.lang.RuntimeException in shell code, and would be "
                    + "java.lang.Exception (keep its nearest shared superclass)"), erasure.changesIn(g2));
            assertEquals(List.of(), erasure.changesIn(g1));
        }
    }
}
