package org.example.magic;

/**
 * Compile-time stand-in only. The shell ({@link org.example.seed.SeedApp}) names this class
 * directly, as a real application would, so it must exist when the shell is compiled; the
 * real versions (1000..1003) are compiled by {@link org.example.seed.MagicVersions} and
 * deployed as jars. This class is excluded from modulets-sample.jar (see the pom): if it
 * ever shows up at run time, the class path is wrong, and it says so loudly.
 */
public final class MagicModule {
    private MagicModule() {
    }

    public static int getMagic() {
        throw new IllegalStateException("compile-time stub of org.example.magic.MagicModule: the real one "
                + "comes from the modules jar (is target/classes on the class path instead of the jar?)");
    }
}
