package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConstantPoolScanTest {
    private static byte[] bytesOf(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void findsAPackageNamedInTheConstantPool() throws IOException {
        byte[] bytes = bytesOf(ConstantPoolScanTest.class);
        assertTrue(new ConstantPoolScan(List.of("org/junit/jupiter/api")).mentionsSwappable(bytes));
        assertTrue(new ConstantPoolScan(List.of("java/util")).mentionsSwappable(bytes), "descriptor (Ljava/util/List;)");
    }

    @Test
    void aSiblingPackageWithTheSamePrefixDoesNotCount() throws IOException {
        byte[] bytes = bytesOf(ConstantPoolScanTest.class);
        assertFalse(new ConstantPoolScan(List.of("org/junit/jupiter/ap")).mentionsSwappable(bytes));
        assertFalse(new ConstantPoolScan(List.of("com/acme/jobs")).mentionsSwappable(bytes));
    }

    @Test
    void aMalformedClassIsNotScanned() {
        assertFalse(new ConstantPoolScan(List.of("java/lang")).mentionsSwappable(new byte[] {1, 2, 3}));
        byte[] truncated = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 9, 1, 0, 50};
        assertFalse(new ConstantPoolScan(List.of("java/lang")).mentionsSwappable(truncated));
    }
}
