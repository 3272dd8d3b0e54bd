package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.TestSeams;
import io.modulets.config.PackageFilter;
import io.modulets.testing.Compiler;

/**
 * A generation is made only from stored bytes that still hash to what was copied, and its
 * loader then reads those very bytes: it opens its jars before the re-hash, so a name in the store
 * replaced afterwards does not change the classes it defines.
 */
class StoredBytesTest {
    @TempDir
    Path temp;
    private Store store;
    private Registry registry;
    private ClassLoader savedCurrent;

    @BeforeEach
    void registry() {
        savedCurrent = Bindings.current();
        store = new Store(temp.resolve("store"));
        registry = new Registry(store, PackageFilter.of(List.of("sw"), List.of()), StoredBytesTest.class.getClassLoader());
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
    }

    @Test
    void aStoredCopyChangedBeforeItsGenerationIsMadeIsRefusedAndTakesNoSequence() throws Exception {
        Generation first = registry.activate(List.of(version(1)));
        Snapshot second = store.snapshot(List.of(version(2)));
        overwrite(second.jars().get(0).stored(), Files.readAllBytes(version(3)));
        IOException refused = assertThrows(IOException.class, () -> registry.activate(second, "activation"));
        assertEquals("modulets: the store's copy of v2.jar (" + second.jars().get(0).stored() + ") changed after it"
                + " was written (hash mismatch); it is not used", refused.getMessage());
        assertSame(first, registry.current());
        assertEquals(2, registry.activate(List.of(version(4))).sequence(), "the refused one took no sequence number");
    }

    @Test
    void aLoadedGenerationMadeCurrentAgainIsReHashed() throws Exception {
        Generation first = registry.activate(List.of(version(1)));
        ClassLoader held = first.loader(); // keeps it loaded once it retires, so that it would be reused
        Generation second = registry.activate(List.of(version(2)));
        overwrite(first.snapshot().jars().get(0).stored(), Files.readAllBytes(version(3)));
        assertThrows(IOException.class, () -> registry.activate(first.snapshot(), "rollback"));
        assertSame(second, registry.current());
        assertSame(held, first.loader(), "still loaded: the refusal was the reuse's own check");
    }

    @Test
    void theLoaderReadsTheBytesThatWereHashedEvenIfTheStoredNameIsReplaced() throws Exception {
        Generation first = registry.activate(List.of(version(1)));
        Path stored = first.snapshot().jars().get(0).stored();
        // Replace the name (a new file renamed over it), before any class of the generation is loaded.
        Path other = Files.copy(version(3), temp.resolve("other.jar"));
        Files.move(other, stored, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Class<?> magic = first.loader().loadClass("sw.Magic");
        assertEquals(1, magic.getMethod("get").invoke(null), "the class comes from the bytes that were hashed");
    }

    /** {@code v<n>.jar} with {@code sw.Magic.get()} returning n. */
    private Path version(int n) throws IOException {
        Path classes = Compiler.compile(temp.resolve("classes-" + n), Map.of("sw.Magic",
                "package sw; public class Magic { public static int get() { return " + n + "; } }"));
        Path jar = temp.resolve("v" + n + "/v" + n + ".jar");
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new JarEntry("sw/Magic.class"));
            zip.write(Files.readAllBytes(classes.resolve("sw/Magic.class")));
            zip.closeEntry();
        }
        return jar;
    }

    /** Writes into a read-only stored file in place, as its owner could after a chmod. */
    private static void overwrite(Path stored, byte[] bytes) throws IOException {
        Files.setPosixFilePermissions(stored, PosixFilePermissions.fromString("rw-------"));
        Files.write(stored, bytes);
        Files.setPosixFilePermissions(stored, PosixFilePermissions.fromString("r--------"));
    }
}
