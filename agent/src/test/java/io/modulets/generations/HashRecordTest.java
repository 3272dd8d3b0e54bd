package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store's record of hashes: what a start trusts without reading a jar, and what it never trusts. */
class HashRecordTest {

    /** Every hash is written to the record at once: the files of a test were all changed within the racy margin. */
    private static final Duration NOT_RACY = Duration.ofSeconds(-1000);
    private static final String OTHER = Sha256.of("other content".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path tmp;

    private Path dir;

    @BeforeEach
    void onlyWithCtimeAndInodes() throws IOException {
        dir = tmp.resolve("store");
        Path probe = Files.writeString(tmp.resolve("probe"), "x");
        assumeTrue(FileIdentity.of(probe, true) != null, "no POSIX ctime and inodes on this file system");
    }

    private Store start(Path store, Duration racy) {
        return new Store(store, FileChannel::write, racy);
    }

    private Store start() {
        return start(dir, NOT_RACY);
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }

    private static String sha256(Path file) throws IOException {
        return Sha256.of(Files.readAllBytes(file));
    }

    private static String contentHash(Path file, String sha256) throws IOException {
        long size = Files.size(file);
        return Snapshot.hashOf(List.of(new Snapshot.Jar(file.getFileName().toString(), sha256, file, size)));
    }

    /** A well-formed record saying {@code path} hashed to {@code sha256} at its present identity. */
    private static String record(String header, Path path, String sha256, boolean follow) throws IOException {
        String body = header + "\n" + sha256 + " " + FileIdentity.of(path, follow).format() + " "
                + path.toAbsolutePath() + "\n";
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return body + "crc " + Long.toHexString(crc.getValue()) + "\n";
    }

    private Path writeRecord(String text) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(HashRecord.NAME), text);
    }

    @Test
    void aHitIsTrustedWithoutReadingTheFile() throws Exception {
        Path jar = file("a.jar", "version-1");
        // The record claims another content for the file as it is: a start that trusts it has not read it.
        writeRecord(record("modulets hashes 1", jar, OTHER, true));

        Store store = start();
        assertEquals(contentHash(jar, OTHER), store.contentHash(List.of(jar)));
        assertEquals(0, store.filesHashed.get());
    }

    @Test
    void aFileRewrittenInPlaceWithItsSizeAndMtimeResetIsHashedAgain() throws Exception {
        Path jar = file("a.jar", "version-1");
        start().snapshot(List.of(jar));
        FileIdentity recorded = FileIdentity.of(jar, true);
        assertTrue(Files.readString(dir.resolve(HashRecord.NAME)).contains(recorded.format() + " " + jar));
        FileTime mtime = Files.getLastModifiedTime(jar);
        afterTheClockTicks(recorded.ctime());

        Files.writeString(jar, "version-2"); // in place: same inode, same size
        Files.setLastModifiedTime(jar, mtime);
        FileIdentity now = FileIdentity.of(jar, true);
        assertEquals(List.of(recorded.size(), recorded.mtime(), recorded.inode()),
                List.of(now.size(), now.mtime(), now.inode()), "only the ctime tells");
        assertNotEquals(recorded.ctime(), now.ctime());

        Store next = start();
        Snapshot snapshot = next.snapshot(List.of(jar));
        assertEquals(sha256(jar), snapshot.jars().get(0).sha256());
        assertEquals(1, next.filesHashed.get());
        assertEquals(contentHash(jar, sha256(jar)), start().contentHash(List.of(jar)), "the new hash is recorded");
    }

    @Test
    void aStoredCopyAlteredInPlaceIsNoticedAndAVerifiedOneIsNotReadAgain() throws Exception {
        Path jar = file("a.jar", "version-1");
        Snapshot snapshot = start().snapshot(List.of(jar));
        Path copy = snapshot.jars().get(0).stored();
        start().check(snapshot); // verified, and recorded so
        Store verified = start();
        verified.check(snapshot);
        assertEquals(0, verified.filesHashed.get());

        afterTheClockTicks(FileIdentity.of(copy, false).ctime());
        FileTime mtime = Files.getLastModifiedTime(copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(copy, "version-X");
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--------"));
        Files.setLastModifiedTime(copy, mtime);

        IOException e = assertThrows(IOException.class, () -> start().check(snapshot));
        assertTrue(e.getMessage().contains("changed after it was written (hash mismatch)"), e.getMessage());
        assertFalse(start().verify(snapshot), "a mismatch is not recorded as verified");
    }

    @Test
    void aStoredCopyTouchedForTheRetentionStaysKnown() throws Exception {
        Path jar = file("a.jar", "version-1");
        Snapshot snapshot = start().snapshot(List.of(jar));
        Path copy = snapshot.jars().get(0).stored();
        FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(copy, hourAgo);
        start().check(snapshot); // verified at its old mtime, and recorded so

        Store next = start(dir, Store.RACY); // the racy rule as in production: the touch is just now
        next.snapshot(List.of(jar));
        assertTrue(Files.getLastModifiedTime(copy).compareTo(hourAgo) > 0, "touched for the retention");
        assertEquals(0, next.filesHashed.get());
        Store after = start(dir, Store.RACY);
        after.check(snapshot);
        assertEquals(0, after.filesHashed.get(), "recorded at its identity after the touch");
    }

    @Test
    void aSnapshotOfJarsTheStoreHoldsReadsEachFileOnceAndTheNextStartNone() throws Exception {
        Path jar = file("a.jar", "version-1");
        start(dir, Store.RACY).snapshot(List.of(jar)); // the first start: copied into the store

        Store second = start(dir, Store.RACY); // files changed just now: hashed, not written to the record
        second.contentHash(List.of(jar));
        Snapshot snapshot = second.snapshot(List.of(jar));
        second.check(snapshot); // as the registry does once the loader holds the jar open
        assertEquals(2, second.filesHashed.get(), "the jar and its stored copy, once each");

        Store third = start();
        third.contentHash(List.of(jar));
        third.check(third.snapshot(List.of(jar)));
        assertEquals(2, third.filesHashed.get(), "recorded now");
        Store fourth = start();
        fourth.contentHash(List.of(jar));
        fourth.check(fourth.snapshot(List.of(jar)));
        assertEquals(0, fourth.filesHashed.get());
    }

    @Test
    void aFileChangedWithinTheRacyMarginIsNotWrittenToTheRecord() throws Exception {
        Path jar = file("a.jar", "version-1");
        start(dir, Duration.ofHours(1)).snapshot(List.of(jar));
        assertFalse(Files.exists(dir.resolve(HashRecord.NAME)) && Files.readString(dir.resolve(HashRecord.NAME))
                .contains(jar.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"flipped", "version", "garbage", "empty", "truncated", "writable", "link", "directory"})
    void aRecordNotToBeUsedIsIgnored(String damage) throws Exception {
        Path jar = file("a.jar", "version-1");
        String good = record("modulets hashes 1", jar, OTHER, true);
        switch (damage) {
            case "flipped" -> writeRecord(good.replace(OTHER, OTHER.substring(0, 63) + (OTHER.endsWith("0") ? "1"
                    : "0")));
            case "version" -> writeRecord(record("modulets hashes 2", jar, OTHER, true));
            case "garbage" -> writeRecord("\u0000\u00ff not a record \n");
            case "empty" -> writeRecord("");
            case "truncated" -> writeRecord(good.substring(0, good.length() - 3));
            case "writable" -> Files.setPosixFilePermissions(writeRecord(good),
                    PosixFilePermissions.fromString("rw-rw-rw-"));
            case "link" -> {
                Files.createDirectories(dir);
                Files.createSymbolicLink(dir.resolve(HashRecord.NAME), file("elsewhere", good));
            }
            case "directory" -> Files.createDirectories(dir.resolve(HashRecord.NAME));
            default -> throw new AssertionError(damage);
        }

        Store store = start();
        assertEquals(contentHash(jar, sha256(jar)), store.contentHash(List.of(jar)));
        assertEquals(1, store.filesHashed.get());
        if (!damage.equals("directory")) {
            store.snapshot(List.of(jar)); // replaces it with a good one
            assertEquals(contentHash(jar, sha256(jar)), start().contentHash(List.of(jar)));
        }
    }

    @Test
    void anEntryForAnotherIdentityIsNotUsed() throws Exception {
        Path jar = file("a.jar", "version-1");
        String good = record("modulets hashes 1", jar, OTHER, true);
        FileIdentity id = FileIdentity.of(jar, true);
        String otherInode = good.replace(id.format(), new FileIdentity(id.size(), id.mtime(), id.ctime(), id.device(),
                id.inode() + 1).format());
        CRC32 crc = new CRC32();
        String body = otherInode.substring(0, otherInode.lastIndexOf("crc "));
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        writeRecord(body + "crc " + Long.toHexString(crc.getValue()) + "\n");

        assertEquals(contentHash(jar, sha256(jar)), start().contentHash(List.of(jar)));
    }

    @Test
    void twoStoresKeepTheirOwnRecords() throws Exception {
        Path jar = file("a.jar", "version-1");
        writeRecord(record("modulets hashes 1", jar, OTHER, true));
        Store other = start(tmp.resolve("other-store"), NOT_RACY);

        assertEquals(contentHash(jar, sha256(jar)), other.contentHash(List.of(jar)));
        other.snapshot(List.of(jar));
        assertEquals(contentHash(jar, OTHER), start().contentHash(List.of(jar)), "the first store's is untouched");
    }

    @Test
    void jvmsSharingAStoreKeepEachOthersEntries() throws Exception {
        Path a = file("a.jar", "version-a");
        Path b = file("b.jar", "version-b");
        Store one = start();
        Store two = start();
        two.contentHash(List.of(b)); // read the (missing) record before the first one writes it
        one.snapshot(List.of(a));
        two.snapshot(List.of(b));

        Store next = start();
        next.contentHash(List.of(a, b));
        assertEquals(0, next.filesHashed.get());
    }

    @Test
    void concurrentSnapshotsLeaveARecordThatParses() throws Exception {
        List<Path> jars = new ArrayList<>();
        for (int i = 0; i < 8; i++) jars.add(file(i + ".jar", "version-" + i));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Snapshot>> done = new ArrayList<>();
            for (Path jar : jars) {
                Callable<Snapshot> snapshot = () -> start().snapshot(List.of(jar)); // a store each: as JVMs would
                done.add(pool.submit(snapshot));
            }
            for (Future<Snapshot> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        HashRecord.parse(Files.readString(dir.resolve(HashRecord.NAME))); // throws if torn
        Store next = start();
        for (Path jar : jars) assertEquals(contentHash(jar, sha256(jar)), next.contentHash(List.of(jar)));
    }

    @Test
    void pathsWithSpacesAndNewlinesSurvive() throws Exception {
        Path jar = file("a b\nc\\d.jar", "version-1");
        start().snapshot(List.of(jar));
        Store next = start();
        next.contentHash(List.of(jar));
        assertEquals(0, next.filesHashed.get());
    }

    /** Waits (boundedly) until a file changed now gets a ctime after {@code ctime}: a coarse clock ticks late. */
    private void afterTheClockTicks(long ctime) throws IOException, InterruptedException {
        Path probe = tmp.resolve("tick");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        do {
            Files.writeString(probe, "tick");
            if (FileIdentity.of(probe, true).ctime() > ctime) return;
            Thread.sleep(1);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the file system's clock did not move past " + ctime + " in 10 s");
    }
}
