package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults during a snapshot that cannot be provoked for real without root: the disk
 * fills up in the middle of a copy, and a jar is deleted or truncated while it is copied.
 */
class StoreFaultsTest {
    @TempDir
    Path tmp;

    @Test
    void aFullDiskDuringTheCopyIsRefusedInOneLineAndLeavesNoTemporaryFile() throws Exception {
        Path a = TestJars.jar(tmp.resolve("deploy/a.jar"), "a");
        Path b = TestJars.jar(tmp.resolve("deploy/b.jar"), null, Map.of("big.txt", random(100_000)));
        Path dir = tmp.resolve("store");
        Snapshot first = new Store(dir).snapshot(List.of(a));
        long[] written = {0};
        Store filling = new Store(dir, (out, bytes) -> {
            if (written[0] >= 4096) throw new IOException("No space left on device");
            ByteBuffer part = bytes.duplicate();
            part.limit(part.position() + (int) Math.min(part.remaining(), 4096 - written[0]));
            int n = out.write(part);
            bytes.position(bytes.position() + n);
            written[0] += n;
            return n;
        });

        IOException e = assertThrows(IOException.class, () -> filling.snapshot(List.of(a, b)));

        assertEquals("modulets: cannot snapshot " + b + " into " + dir + ": No space left on device", e.getMessage());
        assertEquals(List.of(first.jars().get(0).stored().getFileName().toString()), listing(dir),
                "no temporary file is left, and what was stored before stays");
        assertTrue(new Store(dir).verify(first));
    }

    @Test
    void aJarDeletedWhileItIsCopiedIsCopiedWholeFromTheOpenFile() throws Exception {
        Path b = TestJars.jar(tmp.resolve("deploy/b.jar"), null, Map.of("big.txt", random(200_000)));
        String expected = Sha256.of(b, Sha256.newDigest(), new byte[Sha256.BUFFER_SIZE]);
        Store deleting = new Store(tmp.resolve("store"), (out, bytes) -> {
            Files.deleteIfExists(b); // the open stream still reads the file's content to its end
            return out.write(bytes);
        });

        Snapshot snapshot = deleting.snapshot(List.of(b));

        assertEquals(expected, snapshot.jars().get(0).sha256(), "the snapshot is the whole jar as it was opened");
        assertTrue(deleting.verify(snapshot));
    }

    @Test
    void aJarTruncatedWhileItIsCopiedGivesASnapshotOfWhatWasRead() throws Exception {
        Path b = TestJars.jar(tmp.resolve("deploy/b.jar"), null, Map.of("big.txt", random(200_000)));
        Store truncating = new Store(tmp.resolve("store"), (out, bytes) -> {
            try (var channel = java.nio.channels.FileChannel.open(b, java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(Math.min(channel.size(), 1000));
            }
            return out.write(bytes);
        });

        Snapshot snapshot = truncating.snapshot(List.of(b));

        // The copy is a consistent, hashed prefix: the deployer's zip check refuses it (DeployerTest).
        assertEquals(Sha256.of(snapshot.jars().get(0).stored(), Sha256.newDigest(), new byte[Sha256.BUFFER_SIZE]),
                snapshot.jars().get(0).sha256());
        assertTrue(snapshot.jars().get(0).size() <= Sha256.BUFFER_SIZE + 1000);
    }

    /** Text that does not compress much, so that the jar takes several buffers to copy. */
    private static String random(int length) {
        java.util.Random random = new java.util.Random(42);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) text.append((char) ('a' + random.nextInt(26)));
        return text.toString();
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
