package modulets.bench.swappable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Swappable code for the deploy latency harness: each deployed jar holds these same bytes and its
 * own {@code deploy-version.txt}, and {@link #version()} returns that number, read once when the
 * class loads in its generation (no compiler needed per version). Without the file: 0.
 */
public final class DeployProbe {
    public static final String VERSION_RESOURCE = "deploy-version.txt";
    private static final int VERSION = read();

    private DeployProbe() {
    }

    public static int version() {
        return VERSION;
    }

    private static int read() {
        try (InputStream in = DeployProbe.class.getResourceAsStream(VERSION_RESOURCE)) {
            return in == null ? 0 : Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("unreadable " + VERSION_RESOURCE, e);
        }
    }
}
