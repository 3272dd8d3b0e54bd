package deploy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import deploy.mod.Magic;
import deploy.mod.Thing;

/**
 * Shell program for DeployCorpusIT. For each case directory (sorted) under {@code cases}: a root
 * task is started and blocks; the case's jars replace the modules directory's content (each
 * copied under a temporary name, then renamed); ten more root tasks are submitted while the agent
 * reacts; the agent's one log line about the attempt is awaited; then the blocked task is released
 * and every task reports the magic number it saw. The good modules content is then put back. Prints
 * one line per case:
 * {@code CASE name|log line|running=N|queued=N,N,…|after=N|after-loader=NAME|finished=K/K}.
 * Args: casesDir modulesDir storeDir goodJar.
 */
public final class App {
    static final BlockingQueue<String> LOG = new LinkedBlockingQueue<>();
    static final Logger AGENT_LOG = Logger.getLogger("io.modulets"); // strongly held, so the handler stays

    public static void main(String[] args) throws Exception {
        Path cases = Path.of(args[0]);
        Path modules = Path.of(args[1]);
        Path store = Path.of(args[2]);
        Path good = Path.of(args[3]);
        AGENT_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record.getMessage();
                if (message.contains("refused") || message.contains("is current") || message.contains("same content")) {
                    LOG.add(message);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        uses(); // the shell reaches every member the link cases take away
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ExecutorService queue = Executors.newSingleThreadExecutor();
        List<Path> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cases)) {
            dirs.forEach(names::add);
        }
        names.sort(null);
        for (Path dir : names) {
            runCase(dir, modules, store, good, pool, queue);
        }
        pool.shutdown();
        queue.shutdown();
        System.out.println("DONE");
    }

    static void runCase(Path dir, Path modules, Path store, Path good, ExecutorService pool, ExecutorService queue)
            throws Exception {
        String name = dir.getFileName().toString();
        LOG.clear();
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> running = pool.submit(() -> {
            started.countDown();
            release.await(60, TimeUnit.SECONDS);
            return Magic.get();
        });
        queue.submit(() -> {
            started.countDown();
            release.await(60, TimeUnit.SECONDS);
            return 0;
        });
        started.await(30, TimeUnit.SECONDS);

        String action = Files.exists(dir.resolve("action")) ? Files.readString(dir.resolve("action")).trim() : "";
        Path away = store.resolveSibling(store.getFileName() + ".away");
        if (action.equals("block-store")) {
            Files.move(store, away);
            Files.writeString(store, "a file where the store directory was");
        }
        if (action.equals("alter-stored")) {
            Path jar = dir.resolve("magic.jar");
            Path stored = store.resolve(sha256(jar) + ".jar");
            Files.copy(jar, stored); // as if an earlier snapshot had stored it...
            byte[] bytes = Files.readAllBytes(stored);
            bytes[bytes.length / 2] ^= 1; // ...and the file had been altered since
            Files.write(stored, bytes);
        }
        replaceContent(modules, jarsIn(dir));
        List<Future<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queued.add(queue.submit(() -> Magic.get()));
        }
        String line = LOG.poll(30, TimeUnit.SECONDS);

        release.countDown();
        int finished = 0;
        TreeMap<Integer, Integer> seen = new TreeMap<>();
        for (Future<Integer> f : queued) {
            seen.merge(f.get(30, TimeUnit.SECONDS), 1, Integer::sum);
            finished++;
        }
        int runningSaw = running.get(30, TimeUnit.SECONDS);
        String[] after = pool.submit(() -> new String[] {"" + Magic.get(),
                Thread.currentThread().getContextClassLoader().getName()}).get(30, TimeUnit.SECONDS);
        System.out.println("CASE " + name + "|" + line + "|running=" + runningSaw + "|queued=" + seen
                + "|after=" + after[0] + "|after-loader=" + after[1] + "|finished=" + finished + "/" + queued.size());

        if (action.equals("block-store")) {
            Files.delete(store);
            Files.move(away, store);
        }
        if (!name.startsWith("zz-")) { // the last case is a good deploy and stays
            LOG.clear();
            replaceContent(modules, List.of(good));
            String restored = LOG.poll(30, TimeUnit.SECONDS);
            if (restored == null || !restored.contains("same content")) {
                System.out.println("RESTORE " + name + " failed: " + restored);
            }
        }
    }

    /** The shell's references to swappable code, all recorded when this class is rewritten. */
    static int uses() {
        Thing thing = new Thing(3);
        return Magic.get() + Magic.NAME.length() + thing.value() + thing.base();
    }

    /**
     * Copies each jar into modules under a hidden temporary name, then renames them all into place
     * and removes the others, back to back, so that the change lands well within one quiet period.
     */
    static void replaceContent(Path modules, List<Path> jars) throws IOException {
        List<String> keep = new ArrayList<>();
        for (Path jar : jars) {
            String target = jar.getFileName().toString();
            Files.copy(jar, modules.resolve("." + target + ".tmp"), StandardCopyOption.REPLACE_EXISTING);
            keep.add(target);
        }
        for (String target : keep) {
            Files.move(modules.resolve("." + target + ".tmp"), modules.resolve(target), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        for (Path present : jarsIn(modules)) {
            if (!keep.contains(present.getFileName().toString())) {
                Files.delete(present);
            }
        }
    }

    static List<Path> jarsIn(Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jar")) {
            files.forEach(jars::add);
        }
        jars.sort(null);
        return jars;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
