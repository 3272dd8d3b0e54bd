package io.modulets.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Deploying a jar into a modules directory the way DESIGN §4 tells operators to. */
public final class Deploys {
    private Deploys() {
    }

    /** Writes {@code jar} under a hidden temporary name in {@code modules}, then renames it over {@code name}. */
    public static Path renameInto(Path jar, Path modules, String name) throws IOException {
        Path temp = modules.resolve("." + name + ".tmp");
        Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(temp, modules.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }
}
