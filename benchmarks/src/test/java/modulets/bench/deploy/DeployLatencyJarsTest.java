package modulets.bench.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The activation figure's jars have the size asked for, and read back whole (as the agent's check reads them). */
class DeployLatencyJarsTest {
    private static final int MB = 1 << 20;

    @Test
    void aFiveMegabyteJarIsFiveMegabytesOnDiskAndEveryEntryChecksOut(@TempDir Path work) throws IOException {
        Files.write(work.resolve("DeployProbe.class"), new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
        Path jar = work.resolve("probe.jar");
        new DeployLatency.Jars(work, 5).write(jar, 7, 5);

        long size = Files.size(jar);
        assertTrue(size >= 5L * MB && size < 5L * MB + 64 * 1024, "size " + size);
        int filler = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().map(ZipEntry.class::cast).toList()) {
                CRC32 crc = new CRC32();
                try (InputStream in = zip.getInputStream(entry)) {
                    crc.update(in.readAllBytes());
                }
                assertEquals(entry.getCrc(), crc.getValue(), entry.getName());
                if (entry.getName().contains("/filler/")) {
                    filler++;
                    assertEquals(ZipEntry.STORED, entry.getMethod(), "random filler is stored, not deflated");
                }
            }
            try (InputStream version = zip.getInputStream(zip.getEntry("modulets/bench/swappable/deploy-version.txt"))) {
                assertEquals("7", new String(version.readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
        assertEquals(5, filler);
    }

    @Test
    void aJarWithoutFillerHoldsTheProbeAndItsVersionOnly(@TempDir Path work) throws IOException {
        Files.write(work.resolve("DeployProbe.class"), new byte[] {1, 2, 3});
        Path jar = work.resolve("probe.jar");
        new DeployLatency.Jars(work, 0).write(jar, 1, 0);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertEquals(2, zip.size());
        }
    }
}
