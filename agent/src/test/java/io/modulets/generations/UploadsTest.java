package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jar received as bytes in chunks: staged whole and read-only when its size and hash are right; every other
 * ending (out of order, truncated, another hash, too large, a full disk) is one line and leaves nothing behind.
 */
class UploadsTest {
    private static final String UPLOAD = "0f8fad5b-d9cb-469f-a165-70867728950e";

    @TempDir
    Path tmp;

    private Uploads uploads(long max) {
        return new Uploads(tmp.resolve("store"), max);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    private static String sha256(byte[] content) {
        return Sha256.hex(Sha256.newDigest().digest(content));
    }

    private void send(Uploads u, byte[] content, int chunk) throws IOException {
        for (int offset = 0; offset == 0 || offset < content.length; offset += chunk) {
            u.write(UPLOAD, offset, Arrays.copyOfRange(content, offset, Math.min(content.length, offset + chunk)));
        }
    }

    private List<String> received() throws IOException {
        Path dir = tmp.resolve("store/received");
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void chunksInOrderWithTheRightSizeAndHashAreStagedReadOnlyUnderTheirHash() throws Exception {
        byte[] content = bytes(10_000);
        Uploads u = uploads(1 << 20);
        send(u, content, 4096);

        Path staged = u.finish(UPLOAD, "jobs-2.0.jar", content.length, sha256(content));

        assertEquals(tmp.resolve("store/received/" + sha256(content) + "/jobs-2.0.jar").toAbsolutePath(), staged);
        assertArrayEquals(content, Files.readAllBytes(staged));
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(staged)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(staged.getParent())));
        assertEquals(List.of(sha256(content) + "/jobs-2.0.jar"), received(), "no partial file is left");
        // The same bytes again: the copy there is used.
        send(u, content, 10_000);
        assertEquals(staged, u.finish(UPLOAD, "jobs-2.0.jar", content.length, sha256(content)));
        assertEquals(List.of(sha256(content) + "/jobs-2.0.jar"), received());
    }

    @Test
    void aTruncatedUploadIsRefusedInOneLineAndNothingIsKept() throws Exception {
        byte[] content = bytes(10_000);
        Uploads u = uploads(1 << 20);
        u.write(UPLOAD, 0, Arrays.copyOf(content, 4096));

        IOException e = assertThrows(IOException.class,
                () -> u.finish(UPLOAD, "jobs.jar", content.length, sha256(content)));

        assertEquals("upload " + UPLOAD + " of jobs.jar is truncated: 4096 of 10000 bytes received; nothing was kept",
                e.getMessage());
        assertEquals(List.of(), received());
    }

    @Test
    void bytesWhoseHashIsNotTheOneSentAreRefusedAndNothingIsKept() throws Exception {
        byte[] content = bytes(5000);
        byte[] altered = content.clone();
        altered[4000] ^= 1;
        Uploads u = uploads(1 << 20);
        send(u, altered, 5000);

        IOException e = assertThrows(IOException.class,
                () -> u.finish(UPLOAD, "jobs.jar", content.length, sha256(content)));

        assertEquals("upload " + UPLOAD + " of jobs.jar: the bytes received have SHA-256 "
                + sha256(altered).substring(0, 12) + "…, not " + sha256(content).substring(0, 12)
                + "… as sent; nothing was kept", e.getMessage());
        assertEquals(List.of(), received());
    }

    @Test
    void aChunkOutOfOrderEndsTheUpload() throws Exception {
        Uploads u = uploads(1 << 20);
        u.write(UPLOAD, 0, bytes(100));

        IOException e = assertThrows(IOException.class, () -> u.write(UPLOAD, 200, bytes(100)));

        assertEquals("upload " + UPLOAD + " out of order: a chunk at byte 200, but 100 bytes were received; nothing"
                + " was kept, send it again from the start", e.getMessage());
        assertEquals(List.of(), received());
        assertThrows(IOException.class, () -> u.write(UPLOAD, 100, bytes(100)), "not started any more");
    }

    @Test
    void anUploadLargerThanTheLimitIsRefusedAtTheChunkThatPassesIt() throws Exception {
        Uploads u = uploads(150);
        u.write(UPLOAD, 0, bytes(100));

        IOException e = assertThrows(IOException.class, () -> u.write(UPLOAD, 100, bytes(100)));

        assertEquals("upload " + UPLOAD + " is larger than maxJarSize (150 bytes); nothing was kept", e.getMessage());
        assertEquals(List.of(), received());
    }

    @Test
    void aFullDiskIsRefusedInOneLineAndNothingIsKept() throws Exception {
        Uploads u = new Uploads(tmp.resolve("store"), 1 << 20, (out, bytes) -> {
            throw new IOException("No space left on device");
        });

        IOException e = assertThrows(IOException.class, () -> u.write(UPLOAD, 0, bytes(100)));

        assertEquals("cannot write upload " + UPLOAD + " into " + tmp.resolve("store/received").toAbsolutePath()
                + " (No space left on device); nothing was kept", e.getMessage());
        assertEquals(List.of(), received());
    }

    @Test
    void badNamesAndChunksAreRefusedBeforeAnythingIsWritten() {
        Uploads u = uploads(1 << 20);
        assertThrows(IllegalArgumentException.class, () -> u.write("../../x", 0, bytes(1)));
        assertThrows(IllegalArgumentException.class, () -> u.write(UPLOAD, -1, bytes(1)));
        assertThrows(IllegalArgumentException.class, () -> u.write(UPLOAD, 0, new byte[Uploads.MAX_CHUNK + 1]));
        assertThrows(IllegalArgumentException.class, () -> u.finish(UPLOAD, "../evil.jar", 1, sha256(bytes(1))));
        assertThrows(IllegalArgumentException.class, () -> u.finish(UPLOAD, "notes.txt", 1, sha256(bytes(1))));
        assertThrows(IllegalArgumentException.class, () -> u.finish(UPLOAD, "a.jar", 1, "ABC"));
        assertTrue(Files.notExists(tmp.resolve("store/received")), "nothing was written");
    }

    @Test
    void aNewUploadRemovesStagedCopiesUnusedForADayAndPartsAbandonedForTheGracePeriod() throws Exception {
        byte[] old = bytes(300);
        byte[] recent = bytes(350);
        Uploads u = uploads(1 << 20);
        send(u, old, 300);
        Path staged = u.finish(UPLOAD, "old.jar", old.length, sha256(old));
        send(u, recent, 350);
        Path stagedHoursAgo = u.finish(UPLOAD, "recent.jar", recent.length, sha256(recent));
        u.write("abandoned-upload", 0, bytes(10));
        Instant now = Instant.now();
        Files.setLastModifiedTime(staged, FileTime.from(now.minus(Uploads.KEPT).minusSeconds(60)));
        // a rollout's later wave still names it
        Files.setLastModifiedTime(stagedHoursAgo, FileTime.from(now.minus(Uploads.KEPT).plusSeconds(3600)));
        Files.setLastModifiedTime(tmp.resolve("store/received/abandoned-upload.part"),
                FileTime.from(now.minus(StoreHygiene.GRACE).minusSeconds(60)));

        byte[] next = bytes(400);
        send(u, next, 400);
        u.finish(UPLOAD, "next.jar", next.length, sha256(next));

        assertEquals(List.of(sha256(recent) + "/recent.jar", sha256(next) + "/next.jar").stream().sorted().toList(),
                received());
    }
}
