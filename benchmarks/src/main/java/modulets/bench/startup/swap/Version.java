package modulets.bench.startup.swap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Which generation runs: the text of {@code version.txt} beside this class in its jar, or "1" where the
 * jar has none (generation 1 of the exit figure, {@code benchmarks/exit}, which deploys a jar holding it).
 */
public final class Version {
    private Version() {
    }

    public static String of() throws IOException {
        try (InputStream in = Version.class.getResourceAsStream("version.txt")) {
            return in == null ? "1" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
