package io.modulets.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.config.JarLimits;
import io.modulets.config.PackageFilter;
import io.modulets.generations.Snapshot;
import io.modulets.generations.Store;

/** Zip bombs are refused from the central directory, or at the first byte past what a header gives. */
class ZipBoundsTest {
    private static final PackageFilter FILTER = PackageFilter.of(List.of("sw"), List.of());

    @TempDir
    Path tmp;

    @Test
    void anEntryThatInflatesToAGigabyteIsRefusedBeforeItIsInflated() throws Exception {
        RawZip zip = new RawZip();
        zip.entry("sw/big.bin", zip.stream(RawZip.zeros(1024)));
        assertEquals("bomb.jar: entry sw/big.bin inflates to 1073741824 bytes, more than maxEntrySize=512m (a zip"
                + " bomb, or give a higher maxEntrySize=)", refusal(zip, JarLimits.DEFAULT));
    }

    @Test
    void entriesThatReadOneStreamAreRefusedAsOverlapping() throws Exception {
        RawZip zip = new RawZip();
        int one = zip.stream(RawZip.zeros(4));
        for (int i = 0; i < 100; i++) zip.entry("sw/e" + i + ".bin", one);
        String line = refusal(zip, JarLimits.DEFAULT);
        assertEquals("bomb.jar's entries overlap: their compressed data add up to ", line.substring(0, 60));
    }

    @Test
    void aHighRatioIsRefusedOnlyAboveTheFloor() throws Exception {
        RawZip zip = new RawZip();
        zip.entry("sw/zeros.bin", zip.stream(RawZip.zeros(32)));
        String line = refusal(zip, JarLimits.DEFAULT);
        assertEquals("bomb.jar: entry sw/zeros.bin inflates ", line.substring(0, 38));
        assertEquals(" more than maxRatio=100 (a zip bomb, or give a higher maxRatio=)",
                line.substring(line.indexOf(", more than")).substring(1));
        RawZip small = new RawZip();
        small.entry("sw/zeros.bin", small.stream(RawZip.zeros(16)));
        assertDoesNotThrow(() -> bounds(JarLimits.DEFAULT).check("ok.jar", small.write(tmp.resolve("ok.jar"))),
                "16 MiB of zeros is a real file");
    }

    @Test
    void theJarTotalAndTheEntryCountAreLimited() throws Exception {
        RawZip zip = new RawZip();
        zip.entry("sw/a.bin", zip.stream(RawZip.of(new byte[3000])))
                .entry("sw/b.bin", zip.stream(RawZip.of(new byte[3000])));
        assertEquals("bomb.jar's entries inflate to more than maxJarSize=5000 (a zip bomb, or give a higher"
                + " maxJarSize=)", refusal(zip, new JarLimits(4000, 5000, 10, 100)));
        assertEquals("bomb.jar holds 2 entries, more than maxEntries=1 (give a higher maxEntries= if the jar is what"
                + " you meant)", refusal(zip, new JarLimits(4000, 9000, 1, 100)));
    }

    @Test
    void aHeaderThatLiesIsCaughtAtTheFirstExtraByte() throws Exception {
        RawZip zip = new RawZip();
        zip.entry("sw/big.bin", zip.stream(RawZip.zeros(1024)), 1000);
        Path jar = zip.write(tmp.resolve("liar.jar"));
        ZipBounds bounds = bounds(JarLimits.DEFAULT);
        assertDoesNotThrow(() -> bounds.check("liar.jar", jar), "the directory alone looks harmless");
        try (ZipFile file = new ZipFile(jar.toFile());
             InputStream in = bounds.open(file, file.getEntry("sw/big.bin"))) {
            ZipBounds.TooLarge e = assertThrows(ZipBounds.TooLarge.class, in::readAllBytes);
            assertEquals("entry sw/big.bin inflates to more than the 1000 bytes its zip header gives (a zip bomb?)",
                    e.getMessage());
        }
        Snapshot snapshot = new Store(tmp.resolve("store")).snapshot(List.of(jar));
        assertEquals("liar.jar: entry sw/big.bin inflates to more than the 1000 bytes its zip header gives"
                + " (a zip bomb?)", assertThrows(DeployRefused.class,
                () -> new JarCheck(FILTER, false, bounds).read(snapshot)).getMessage());
    }

    @Test
    void anHonestEntryReadsWhole() throws Exception {
        byte[] text = "hello, bounded world".repeat(100).getBytes();
        RawZip zip = new RawZip();
        zip.entry("sw/a.txt", zip.stream(RawZip.of(text)));
        Path jar = zip.write(tmp.resolve("a.jar"));
        try (ZipFile file = new ZipFile(jar.toFile());
             InputStream in = bounds(JarLimits.DEFAULT).open(file, file.getEntry("sw/a.txt"))) {
            assertArrayEquals(text, in.readAllBytes());
        }
    }

    @Test
    void aRollbackWaitingStopsTheReading() throws Exception {
        RawZip zip = new RawZip();
        zip.entry("sw/a.bin", zip.stream(RawZip.zeros(1)));
        Path jar = zip.write(tmp.resolve("a.jar"));
        ZipBounds bounds = new ZipBounds(JarLimits.DEFAULT, new Budget(Budget.CHECKS, () -> true));
        try (ZipFile file = new ZipFile(jar.toFile()); InputStream in = bounds.open(file, file.getEntry("sw/a.bin"))) {
            assertEquals("entry sw/a.bin not read: stopped for the rollback the operator asked for",
                    assertThrows(ZipBounds.TooLarge.class, in::readAllBytes).getMessage());
        }
    }

    private String refusal(RawZip zip, JarLimits limits) throws Exception {
        Path jar = zip.write(tmp.resolve("bomb.jar"));
        return assertThrows(DeployRefused.class, () -> bounds(limits).check("bomb.jar", jar)).getMessage();
    }

    private static ZipBounds bounds(JarLimits limits) {
        return new ZipBounds(limits, Budget.NONE);
    }

    @Test
    void aRealJarPassesTheDefaults() throws Exception {
        Path jar = DeployTesting.jar(tmp.resolve("real.jar"), Map.of("sw.A", "package sw; public class A {}"));
        assertDoesNotThrow(() -> bounds(JarLimits.DEFAULT).check("real.jar", jar));
    }
}
