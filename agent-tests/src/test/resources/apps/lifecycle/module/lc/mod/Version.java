package lc.mod;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The version of this generation's content: the jar's version.txt, 1 if it has none. */
public final class Version {
    public static final int VERSION = read();

    private Version() {
    }

    private static int read() {
        try (InputStream in = Version.class.getResourceAsStream("version.txt")) {
            return in == null ? 1 : Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
