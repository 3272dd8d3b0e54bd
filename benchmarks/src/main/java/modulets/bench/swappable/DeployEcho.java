package modulets.bench.swappable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The soak's second witness of a task's generation: reads the same {@code deploy-version.txt} as
 * {@link DeployProbe}, in its own class, so that a task calling both sees one number unless it ran code of
 * two generations (a mixed task).
 */
public final class DeployEcho {
    private static final int VERSION = read();

    private DeployEcho() {
    }

    public static int version() {
        return VERSION;
    }

    private static int read() {
        try (InputStream in = DeployEcho.class.getResourceAsStream(DeployProbe.VERSION_RESOURCE)) {
            return in == null ? 0 : Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("unreadable " + DeployProbe.VERSION_RESOURCE, e);
        }
    }
}
