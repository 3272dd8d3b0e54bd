package io.modulets.generations;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers shared by {@link Store} and {@link Snapshot}; lowercase hex everywhere. */
final class Sha256 {

    /** The read buffer a caller allocates once per operation and reuses for every file. */
    static final int BUFFER_SIZE = 64 * 1024;

    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {}

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    static String hex(byte[] digest) {
        return HEX.formatHex(digest);
    }

    static boolean isHash(String s) {
        if (s == null || s.length() != 64) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }

    /** Hashes a whole file with the caller's digest and buffer. */
    static String of(Path file, MessageDigest digest, byte[] buffer) throws IOException {
        digest.reset();
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, n);
            }
        }
        return hex(digest.digest());
    }
}
