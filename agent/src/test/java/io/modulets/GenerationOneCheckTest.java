package io.modulets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import io.modulets.bootstrap.Bindings;
import io.modulets.boundary.Erasure;
import io.modulets.config.PackageFilter;
import io.modulets.deploy.DeployRefused;
import io.modulets.deploy.Deployer;
import io.modulets.generations.Registry;
import io.modulets.generations.Store;

/** Generation 1's checks on their own thread: the refusal reaches premain's thread; a late change is seen. */
@Timeout(30)
class GenerationOneCheckTest {
    private static final PackageFilter FILTER = PackageFilter.of(List.of("sw"), List.of());

    @TempDir
    Path tmp;
    private Registry registry;
    private Deployer deployer;
    private Path modules;
    private ClassLoader savedCurrent;

    @BeforeEach
    void deployer() throws IOException {
        savedCurrent = Bindings.current;
        Store store = new Store(tmp.resolve("store"));
        ClassLoader shell = GenerationOneCheckTest.class.getClassLoader();
        registry = new Registry(store, FILTER, shell);
        modules = Files.createDirectories(tmp.resolve("modules"));
        deployer = new Deployer(registry, store, FILTER, false, shell, modules,
                new Erasure(FILTER, () -> Bindings.current));
    }

    @AfterEach
    void restore() {
        Bindings.current = savedCurrent;
    }

    @Test
    void aRefusalOnTheCheckThreadIsThrownByJoinAndNothingIsActivated() throws Exception {
        Path outside = jar(modules.resolve("sw.jar"), "other/X");
        GenerationOneCheck check = GenerationOneCheck.start(deployer, List.of(outside));

        DeployRefused refused = assertThrows(DeployRefused.class, check::join);

        assertTrue(refused.getMessage().startsWith("generation 1 refused: sw.jar holds other.X, outside"),
                refused.getMessage());
        assertNull(registry.current());
    }

    @Test
    void theDirectoryUnchangedSinceTheSnapshotIsNotAChange() throws Exception {
        Path jar = jar(modules.resolve("sw.jar"), "sw/V");
        GenerationOneCheck check = GenerationOneCheck.start(deployer, List.of(jar));
        check.join();

        assertFalse(check.changed(modules));
    }

    @Test
    void aJarReplacedOrAddedAfterTheSnapshotIsAChange() throws Exception {
        Path jar = jar(modules.resolve("sw.jar"), "sw/V");
        GenerationOneCheck check = GenerationOneCheck.start(deployer, List.of(jar));
        check.join();

        Path replacement = jar(tmp.resolve("sw.jar"), "sw/V", "sw/W");
        Files.move(replacement, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(check.changed(modules), "replaced");

        GenerationOneCheck again = GenerationOneCheck.start(deployer, List.of(jar));
        again.join();
        jar(modules.resolve("more.jar"), "sw/M");
        assertTrue(again.changed(modules), "added");
    }

    @Test
    void checkedGenerationOneIsActivatedByTheDeployer() throws Exception {
        Path jar = jar(modules.resolve("sw.jar"), "sw/V");
        Deployer.Checked checked = GenerationOneCheck.start(deployer, List.of(jar)).join();

        assertEquals(1, deployer.start(checked).sequence());
    }

    /** A jar of empty public classes. */
    private static Path jar(Path path, String... classes) throws IOException {
        Files.createDirectories(path.getParent());
        try (OutputStream file = Files.newOutputStream(path); JarOutputStream out = new JarOutputStream(file)) {
            for (String name : classes) {
                ClassWriter writer = new ClassWriter(0);
                writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
                writer.visitEnd();
                out.putNextEntry(new JarEntry(name + ".class"));
                out.write(writer.toByteArray());
                out.closeEntry();
            }
        }
        return path;
    }
}
