package io.modulets.it;

import java.io.IOException;
import java.nio.file.Path;

import io.modulets.testkit.JarBuilder;

/** The swappable code of the magic-number scenario: {@code org.example.magic.MagicModule} returning a magic number. */
final class MagicJars {
    static final String PACKAGE = "org.example.magic";
    static final int FIRST = 1000;
    static final int LAST = 1003;

    private MagicJars() {
    }

    /** {@code dir/magic-N.jar} for N = 1000..1003. */
    static Path writeAll(Path dir) throws IOException {
        for (int magic = FIRST; magic <= LAST; magic++) {
            write(magic, dir.resolve("magic-" + magic + ".jar"));
        }
        return dir;
    }

    static Path write(int magic, Path jar) throws IOException {
        return new JarBuilder()
                .source(PACKAGE + ".MagicModule", "package " + PACKAGE + ";\n"
                        + "public final class MagicModule {\n"
                        + "    private MagicModule() {}\n"
                        + "    public static int getMagic() { return " + magic + "; }\n"
                        + "}\n")
                .manifest("Implementation-Title", "magic")
                .manifest("Implementation-Version", "1.0." + (magic - FIRST))
                .build(jar);
    }
}
