package deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import deploy.mod.Magic;

/**
 * Shell program for DeployWatchIT: changes the watched modules directory the ways operators and
 * Kubernetes do, and after each change prints the agent's log lines about it and what unbound
 * code now runs: {@code STEP name|line|line…|magic=N}. Each step waits for the agent's line
 * about a deploy (activated or refused), then for one quiet period more, so that a second,
 * unwanted activation would be seen. Args: versionsDir (magic-N.jar, outside.jar) base quietMillis,
 * where {@code base/modules} is a symlink to {@code base/releases/r1}.
 */
public final class WatchApp {
    static final BlockingQueue<String> LOG = new LinkedBlockingQueue<>();
    static final Logger AGENT_LOG = Logger.getLogger("io.modulets");

    public static void main(String[] args) throws Exception {
        Path versions = Path.of(args[0]);
        Path base = Path.of(args[1]);
        long quiet = Long.parseLong(args[2]);
        Path modules = base.resolve("modules");
        AGENT_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String m = record.getMessage();
                if (m.contains("refused") || m.contains("is current") || m.contains("is gone")) {
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
        // ...and comes back, as a plain directory.
        step("come-back", quiet, () -> {
            Path back = Files.createDirectories(base.resolve(".modules.new"));
            Files.copy(versions.resolve("magic-1003.jar"), back.resolve("magic.jar"));
            Files.move(back, modules, StandardCopyOption.ATOMIC_MOVE);
        });

        // Kubernetes' layout for a mounted volume: magic.jar -> ..data/magic.jar, ..data -> ..v1, swapped.
        step("kubernetes-data-swap", quiet, () -> {
            Path v1 = Files.createDirectories(modules.resolve("..v1"));
            Files.copy(versions.resolve("magic-1004.jar"), v1.resolve("magic.jar"));
            Files.createSymbolicLink(modules.resolve("..data_tmp"), Path.of("..v1"));
            Path link = modules.resolve(".magic.link");
            Files.createSymbolicLink(link, Path.of("..data/magic.jar"));
            Files.move(modules.resolve("..data_tmp"), modules.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(link, modules.resolve("magic.jar"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        });
        step("kubernetes-data-swap-again", quiet, () -> {
            Path v2 = Files.createDirectories(modules.resolve("..v2"));
            Files.copy(versions.resolve("magic-1005.jar"), v2.resolve("magic.jar"));
            Files.createSymbolicLink(modules.resolve("..data_tmp"), Path.of("..v2"));
            Files.move(modules.resolve("..data_tmp"), modules.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        });

        // With outside=ignore, a jar may hold a class outside the swappable packages.
        step("outside-ignored", quiet, () -> {
            Path v3 = Files.createDirectories(modules.resolve("..v3"));
            Files.copy(versions.resolve("outside.jar"), v3.resolve("magic.jar"));
            Files.createSymbolicLink(modules.resolve("..data_tmp"), Path.of("..v3"));
            Files.move(modules.resolve("..data_tmp"), modules.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        });
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
        System.out.println(out);
    }
}
