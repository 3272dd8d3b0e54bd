package matrix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.GenerationLoader;

/**
 * Swaps generations by deploying a jar, and waits until the agent made it current. It reads the
 * current generation reflectively from the agent's published loader, so it works from any thread,
 * bound or not (a bound thread would see its own binding through {@code Magic.magic()}).
 */
final class Gens {
    static Path versions;
    static Path modules;
    /** The loader of each magic number seen current, for the live-task check at the end. */
    static final Map<Integer, ClassLoader> LOADERS = new TreeMap<>();

    private Gens() {
    }

    static synchronized void swapTo(int magic) throws Exception {
        Path temp = modules.resolve(".magic.jar.tmp");
        Files.copy(versions.resolve("magic-" + magic + ".jar"), temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, modules.resolve("magic.jar"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // the watcher, then the checks: under load
        while (currentMagic() != magic) {
            if (System.nanoTime() > deadline) {
                Out.print("swap-not-seen", magic);
                System.exit(3);
            }
            Thread.sleep(5);
        }
        LOADERS.put(magic, Bindings.current());
    }

    static int currentMagic() throws Exception {
        ClassLoader current = Bindings.current();
        return (int) current.loadClass("capture.mod.Magic").getMethod("magic").invoke(null);
    }

    static void recordCurrent() throws Exception {
        LOADERS.put(currentMagic(), Bindings.current());
    }

    static long live(ClassLoader loader) {
        return ((GenerationLoader) loader).liveTasks();
    }
}
