package deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import deploy.mod.Magic;

/**
 * Shell program for DeployWatchIT: changes the watched modules directory the ways operators and
 * Kubernetes do ({@link Kubelet}), and after each change prints the agent's log lines about it, what unbound
 * code now runs and what a new root task runs: {@code STEP name|line|line…|magic=N|task=N}. Each step waits
 * for the agent's line about a deploy (activated, refused, or the same content), then for one quiet period
 * more, so that a second, unwanted activation would be seen. Args: versionsDir (magic-N.jar, outside.jar)
 * base quietMillis, where {@code base/modules} is a symlink to {@code base/releases/r1}.
 */
public final class WatchApp {
    static final BlockingQueue<String> LOG = new LinkedBlockingQueue<>();
    static final Logger AGENT_LOG = Logger.getLogger("io.modulets");
    /** New root tasks: each step's last field is what one of them runs. */
    static final ExecutorService POOL = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "watch-app-task");
        thread.setDaemon(true);
        return thread;
    });

    public static void main(String[] args) throws Exception {
        Path versions = Path.of(args[0]);
        Path base = Path.of(args[1]);
        long quiet = Long.parseLong(args[2]);
        Path modules = base.resolve("modules");
        AGENT_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String m = record.getMessage();
                if (m.contains("refused") || m.contains("is current") || m.contains("is gone")
                        || m.contains("same content")) {
                    LOG.add(m);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        System.out.println("PARENT-WATCH " + parentWatchMask(base));
        step("start", quiet, () -> { });

        // The directory is a symlink, replaced atomically by a link to another release.
        step("symlink-swap", quiet, () -> {
            Path r2 = Files.createDirectories(base.resolve("releases/r2"));
            Files.copy(versions.resolve("magic-1001.jar"), r2.resolve("magic.jar"));
            Path link = base.resolve(".modules.tmp");
            Files.createSymbolicLink(link, base.resolve("releases/r2"));
            Files.move(link, modules, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        });

        // Several changes at once in the new target: one jar renamed over, one added: one activation.
        step("several-at-once", quiet, () -> {
            Path r2 = base.resolve("releases/r2");
            Files.copy(versions.resolve("magic-1002.jar"), r2.resolve(".magic.tmp"));
            Files.copy(versions.resolve("extra.jar"), r2.resolve(".extra.tmp"));
            Files.move(r2.resolve(".magic.tmp"), r2.resolve("magic.jar"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            Files.move(r2.resolve(".extra.tmp"), r2.resolve("extra.jar"), StandardCopyOption.ATOMIC_MOVE);
        });

        // The directory vanishes...
        step("vanish", quiet, () -> Files.delete(modules));
        // ...and comes back: a Kubernetes volume mounted afresh (the kubelet's first write, into an empty
        // directory that then takes the name).
        step("come-back", quiet, () -> {
            Path back = Files.createDirectories(base.resolve(".modules.new"));
            Kubelet.write(back, Map.of("magic.jar", versions.resolve("magic-1003.jar")));
            Files.move(back, modules, StandardCopyOption.ATOMIC_MOVE);
        });

        // The kubelet updates the volume: its ..data link swapped to a new timestamped directory.
        step("kubernetes-data-swap", quiet, () -> Kubelet.write(modules, Map.of(
                "magic.jar", versions.resolve("magic-1004.jar"),
                "app.properties", Files.writeString(base.resolve("app-1.properties"), "mode=1\n"))));
        // Another key of the same (projected) volume changes, the jars do not: a swap to identical jars.
        step("kubernetes-same-jars", quiet, () -> Kubelet.write(modules, Map.of(
                "magic.jar", versions.resolve("magic-1004.jar"),
                "app.properties", Files.writeString(base.resolve("app-2.properties"), "mode=2\n"))));
        // A new jar, and a key removed (its user-visible link goes too).
        step("kubernetes-data-swap-again", quiet, () -> Kubelet.write(modules, Map.of(
                "magic.jar", versions.resolve("magic-1005.jar"))));

        // With outside=ignore, a jar may hold a class outside the swappable packages.
        step("outside-ignored", quiet, () -> Kubelet.write(modules, Map.of(
                "magic.jar", versions.resolve("outside.jar"))));
        System.out.println("DONE");
    }

    interface Change {
        void run() throws Exception;
    }

    /** Makes the change, waits for the agent's first line about it, then one more quiet period for any other. */
    static void step(String name, long quiet, Change change) throws Exception {
        LOG.clear();
        change.run();
        StringBuilder out = new StringBuilder("STEP " + name);
        if (!name.equals("start")) {
            String first = LOG.poll(30, TimeUnit.SECONDS);
            out.append('|').append(first);
            for (String more; (more = LOG.poll(3 * quiet + 500, TimeUnit.MILLISECONDS)) != null; ) {
                out.append('|').append(more);
            }
        }
        out.append("|magic=").append(Magic.get());
        out.append("|task=").append(POOL.submit(Magic::get).get());
        System.out.println(out);
    }

    /**
     * The events the agent asked the kernel to tell it about {@code base}, the modules directory's parent: the mask
     * of the inotify watch on its inode, from this process's {@code /proc/self/fdinfo} (Linux); "none" if nothing
     * watches it, "unknown" without {@code /proc}.
     */
    static String parentWatchMask(Path base) throws Exception {
        Path fdinfo = Path.of("/proc/self/fdinfo");
        if (!Files.isDirectory(fdinfo)) {
            return "unknown";
        }
        String inode = "ino:" + Long.toHexString((Long) Files.getAttribute(base, "unix:ino")) + " ";
        try (var files = Files.list(fdinfo)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                java.util.List<String> lines;
                try {
                    lines = Files.readAllLines(file);
                } catch (java.io.IOException closedMeanwhile) {
                    continue;
                }
                for (String line : lines) {
                    if (line.startsWith("inotify wd:") && line.contains(" " + inode)) {
                        int mask = line.indexOf(" mask:");
                        return line.substring(mask + 6, line.indexOf(' ', mask + 6));
                    }
                }
            }
        }
        return "none";
    }
}
