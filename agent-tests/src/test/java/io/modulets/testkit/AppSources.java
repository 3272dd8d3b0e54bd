package io.modulets.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The sources of the child programs the ITs compile, kept under {@code src/test/resources/apps/}. */
public final class AppSources {
    private AppSources() {
    }

    /** The test resource {@code path} (e.g. {@code apps/jmx/shell/jx/Main.java}) as UTF-8 text. */
    public static String read(String path) throws IOException {
        try (InputStream in = AppSources.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
