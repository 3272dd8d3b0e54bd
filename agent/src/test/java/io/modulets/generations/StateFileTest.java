package io.modulets.generations;

import static io.modulets.generations.TestJars.jar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {

    @TempDir
    Path tmp;

    @Test
    void aWrittenStateIsReadBackAndLeavesNoTemporaryFile() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        Snapshot a = store.snapshot(List.of(jar(tmp.resolve("d/a.jar"), "a")));
        StateFile file = new StateFile(store, tmp.resolve("modules"));
        assertEquals(DeployState.empty(tmp.resolve("modules").toAbsolutePath()), file.read(), "none yet");

        DeployState state = DeployState.empty(tmp.resolve("modules").toAbsolutePath()).current(a, 5);
        file.write(state);
        file.write(state.directoryHeld(a.hash()));

        assertEquals(state.directoryHeld(a.hash()), new StateFile(store, tmp.resolve("modules")).read());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
        try (Stream<Path> files = Files.list(store.dir())) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void theSameStateWrittenAgainLeavesTheFileAsItWas() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        Snapshot a = store.snapshot(List.of(jar(tmp.resolve("d/a \u0436 b=c.jar"), "a")));
        StateFile file = new StateFile(store, tmp.resolve("modules"));
        DeployState state = DeployState.empty(tmp.resolve("modules").toAbsolutePath()).current(a, 5);
        file.write(state);
        Object written = Files.readAttributes(file.path(), BasicFileAttributes.class).fileKey();

        file.write(new StateFile(store, tmp.resolve("modules")).read()); // a restart that decided nothing new

        assertEquals(written, Files.readAttributes(file.path(), BasicFileAttributes.class).fileKey(),
                "not replaced by a new file");
        assertEquals(state, new StateFile(store, tmp.resolve("modules")).read(), "any file name survives");
    }

    @Test
    void eachModulesDirectoryHasItsOwnFile() {
        Store store = new Store(tmp.resolve("store"));
        assertNotEquals(new StateFile(store, tmp.resolve("a")).path(), new StateFile(store, tmp.resolve("b")).path());
        assertEquals(new StateFile(store, tmp.resolve("a")).path(), new StateFile(store, tmp.resolve("x/../a")).path());
    }

    @Test
    void aCorruptFileIsSetAsideAndReadsAsAFirstStart() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        Files.createDirectories(store.dir());
        StateFile file = new StateFile(store, tmp.resolve("modules"));
        Files.writeString(file.path(), "format=1\nmodules=/m\ngeneration.1=zz\n", StandardCharsets.ISO_8859_1);

        assertEquals(DeployState.empty(tmp.resolve("modules").toAbsolutePath()), file.read());

        assertFalse(Files.exists(file.path()));
        assertTrue(Files.exists(file.path().resolveSibling(file.path().getFileName() + ".corrupt")));
    }

    @Test
    void aLinkIsNotFollowed() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        Files.createDirectories(store.dir());
        StateFile file = new StateFile(store, tmp.resolve("modules"));
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere"), "format=1\nmodules=/m\n");
        Files.createSymbolicLink(file.path(), elsewhere);

        assertEquals(DeployState.empty(tmp.resolve("modules").toAbsolutePath()), file.read());
        assertTrue(Files.exists(elsewhere), "the link's target is untouched");
    }
}
