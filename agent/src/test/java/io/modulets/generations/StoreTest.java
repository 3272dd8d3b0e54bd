package io.modulets.generations;

import static io.modulets.generations.TestJars.jar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {

    @TempDir
    Path tmp;

    private Path storeDir() {
        return tmp.resolve("cache/modulets/store");
    }

    @Test
    void sameContentIsTheSameSnapshotWhateverTheNamesOrOrder() throws Exception {
        Path a = jar(tmp.resolve("deploy/a.jar"), "a");
        Path b = jar(tmp.resolve("deploy/b.jar"), "b");
        Files.createDirectories(tmp.resolve("other"));
        Path x = Files.copy(a, tmp.resolve("other/x.jar"));
        Path y = Files.copy(b, tmp.resolve("other/y.jar"));
        Store store = new Store(storeDir());

        Snapshot first = store.snapshot(List.of(a, b));
        Snapshot second = store.snapshot(List.of(y, x));

        assertEquals(first.hash(), second.hash());
        assertEquals(expectedHash(a, b), first.hash());
        assertEquals(first.hash().substring(0, 12), first.shortHash());
        assertEquals(List.of("a.jar", "b.jar"), first.jars().stream().map(Snapshot.Jar::fileName).toList());
        assertEquals(List.of("y.jar", "x.jar"), second.jars().stream().map(Snapshot.Jar::fileName).toList());
        for (Snapshot.Jar jar : first.jars()) {
            assertEquals(storeDir().toAbsolutePath().resolve(jar.sha256() + ".jar"), jar.stored());
        }
        assertEquals(Files.size(a), first.jars().get(0).size());
        assertEquals(List.of(first.jars().get(0).stored(), first.jars().get(1).stored()), first.paths());
        assertEquals(first.paths(), List.of(second.paths().get(1), second.paths().get(0)));
    }

    @Test
    void differentContentIsADifferentSnapshot() throws Exception {
        Store store = new Store(storeDir());
        Snapshot one = store.snapshot(List.of(jar(tmp.resolve("1/mail.jar"), "version 1")));
        Snapshot two = store.snapshot(List.of(jar(tmp.resolve("2/mail.jar"), "version 2")));
        assertNotEquals(one.hash(), two.hash());
        assertNotEquals(one.paths(), two.paths());
    }

    @Test
    void theConstructorDoesNotTouchTheDisk() {
        Store store = new Store(storeDir());
        assertEquals(storeDir().toAbsolutePath(), store.dir());
        assertFalse(Files.exists(storeDir()));
    }

    @Test
    void theStoreIsPrivateAndStoredFilesAreReadOnly() throws Exception {
        assumeTrue(posix(), "not a POSIX file system");
        Snapshot s = new Store(storeDir()).snapshot(List.of(jar(tmp.resolve("a.jar"), "a")));
        assertEquals("rwx------", permissions(storeDir()));
        assertEquals("r--------", permissions(s.paths().get(0)));
        assertEquals(List.of(s.paths().get(0).getFileName().toString()), listing(storeDir()));
    }

    @Test
    void anExistingStoreDirectoryKeepsItsPermissions() throws Exception {
        assumeTrue(posix(), "not a POSIX file system");
        Files.createDirectories(storeDir());
        Files.setPosixFilePermissions(storeDir(), PosixFilePermissions.fromString("rwxr-x---"));
        new Store(storeDir()).snapshot(List.of(jar(tmp.resolve("a.jar"), "a")));
        assertEquals("rwxr-x---", permissions(storeDir()));
    }

    @Test
    void aSecondSnapshotReusesTheStoredFile() throws Exception {
        Path a = jar(tmp.resolve("a.jar"), "a");
        Store store = new Store(storeDir());
        Path stored = store.snapshot(List.of(a)).paths().get(0);
        Object key = Files.readAttributes(stored, BasicFileAttributes.class).fileKey();
        assumeTrue(key != null, "no file keys on this file system");

        Snapshot again = store.snapshot(List.of(a));

        assertEquals(stored, again.paths().get(0));
        assertEquals(key, Files.readAttributes(stored, BasicFileAttributes.class).fileKey());
        assertEquals(List.of(stored.getFileName().toString()), listing(storeDir()));
    }

    @Test
    void anAlteredStoredFileIsRefusedAndNeverUsed() throws Exception {
        Path a = jar(tmp.resolve("a.jar"), "a");
        Store store = new Store(storeDir());
        Snapshot s = store.snapshot(List.of(a));
        Path stored = s.paths().get(0);
        alter(stored);

        IOException e = assertThrows(IOException.class, () -> store.snapshot(List.of(a)));

        assertEquals("modulets: snapshot " + stored
                + " in the store was altered (hash mismatch); delete it", e.getMessage());
        assertFalse(store.verify(s));
        assertEquals(List.of(stored.getFileName().toString()), listing(storeDir()), "no temp file left");
    }

    @Test
    void aLinkInPlaceOfAStoredFileIsRefused() throws Exception {
        Path a = jar(tmp.resolve("a.jar"), "a");
        Store store = new Store(storeDir());
        Path stored = store.snapshot(List.of(a)).paths().get(0);
        Files.delete(stored);
        try {
            Files.createSymbolicLink(stored, a); // same content, but the target may change later
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links here: " + e);
        }
        IOException e = assertThrows(IOException.class, () -> store.snapshot(List.of(a)));
        assertTrue(e.getMessage().startsWith("modulets: snapshot " + stored + " in the store was altered"),
                e.getMessage());
    }

    @Test
    void verifyChecksEveryStoredFile() throws Exception {
        Store store = new Store(storeDir());
        Snapshot s = store.snapshot(List.of(jar(tmp.resolve("a.jar"), "a"), jar(tmp.resolve("b.jar"), "b")));
        assertTrue(store.verify(s));
        Files.delete(s.paths().get(1));
        assertFalse(store.verify(s));
    }

    @Test
    void aMissingSourceIsRefusedInOneLineAndNothingIsWritten() throws Exception {
        Path a = jar(tmp.resolve("a.jar"), "a");
        Path missing = tmp.resolve("deploy/mail.jar");
        Store store = new Store(storeDir());

        IOException e = assertThrows(IOException.class, () -> store.snapshot(List.of(a, missing)));

        assertEquals("modulets: cannot snapshot " + missing + " into " + store.dir() + ": no such file",
                e.getMessage());
        assertOneLine(e.getMessage());
        assertFalse(Files.exists(storeDir()), "sources are checked before anything is written");
    }

    @Test
    void aMissingSourceLeavesNoTempFileInAnExistingStore() throws Exception {
        Store store = new Store(storeDir());
        Snapshot s = store.snapshot(List.of(jar(tmp.resolve("a.jar"), "a")));
        Path missing = tmp.resolve("gone.jar");

        IOException e = assertThrows(IOException.class, () -> store.snapshot(List.of(missing)));

        assertTrue(e.getMessage().startsWith("modulets: cannot snapshot " + missing), e.getMessage());
        assertEquals(List.of(s.paths().get(0).getFileName().toString()), listing(storeDir()));
    }

    @Test
    void aSourceThatIsNotARegularFileIsRefused() throws Exception {
        Path directory = Files.createDirectories(tmp.resolve("classes.jar"));
        IOException e = assertThrows(IOException.class, () -> new Store(storeDir()).snapshot(List.of(directory)));
        assertTrue(e.getMessage().startsWith("modulets: cannot snapshot " + directory), e.getMessage());
        assertTrue(e.getMessage().endsWith(": not a regular file"), e.getMessage());
    }

    @Test
    void anEmptyListIsRefused() {
        IOException e = assertThrows(IOException.class, () -> new Store(storeDir()).snapshot(List.of()));
        assertEquals("modulets: no jars to snapshot", e.getMessage());
    }

    @Test
    void aStoreThatIsNotWritableIsRefused() throws Exception {
        assumeTrue(posix(), "not a POSIX file system");
        Path a = jar(tmp.resolve("deploy/mail.jar"), "a");
        Path dir = Files.createDirectories(storeDir());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        try {
            assumeFalse(canCreateFileIn(dir), "permissions are not enforced (running as root?)");
            Store store = new Store(dir);

            IOException e = assertThrows(IOException.class, () -> store.snapshot(List.of(a)));

            assertEquals("modulets: cannot snapshot " + a + " into " + store.dir()
                    + ": cannot create a file in the store (permission denied)", e.getMessage());
            assertEquals(List.of(), listing(dir));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aStorePathThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("store"), "not a directory");
        IOException e = assertThrows(IOException.class,
                () -> new Store(file).snapshot(List.of(jar(tmp.resolve("a.jar"), "a"))));
        assertTrue(e.getMessage().startsWith("modulets: cannot create the store " + file + ": "), e.getMessage());
        assertOneLine(e.getMessage());
    }

    @Test
    void concurrentSnapshotsOfTheSameContentAgree() throws Exception {
        Path a = jar(tmp.resolve("a.jar"), "a");
        Store store = new Store(storeDir());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Snapshot>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) results.add(pool.submit(() -> store.snapshot(List.of(a))));
            Snapshot first = results.get(0).get();
            for (Future<Snapshot> result : results) assertEquals(first, result.get());
            assertTrue(store.verify(first));
            assertEquals(List.of(first.jars().get(0).sha256() + ".jar"), listing(storeDir()), "no temp file left");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theLabelUsesTheDeployedFileName() throws Exception {
        Snapshot s = new Store(storeDir()).snapshot(List.of(jar(tmp.resolve("mail-job.jar"), "a")));
        assertEquals("mail-job", s.label());
    }

    // --- helpers

    private static String expectedHash(Path... jars) throws Exception {
        List<String> hashes = new ArrayList<>();
        for (Path jar : jars) hashes.add(sha256(Files.readAllBytes(jar)));
        hashes.sort(null);
        return sha256(String.join("\n", hashes).getBytes(StandardCharsets.US_ASCII));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private boolean posix() {
        return tmp.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static String permissions(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** Overwrites a stored (read-only) file with other bytes of the same length. */
    private void alter(Path stored) throws IOException {
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 1;
        if (posix()) Files.setPosixFilePermissions(stored, PosixFilePermissions.fromString("rw-------"));
        else stored.toFile().setWritable(true);
        Files.write(stored, bytes);
    }

    private static boolean canCreateFileIn(Path dir) throws IOException {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
            return true;
        } catch (AccessDeniedException e) {
            return false;
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertOneLine(String message) {
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        assertTrue(message.startsWith("modulets: "), message);
    }
}
