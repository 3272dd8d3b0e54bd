package lc;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Shell program for LifecycleIT. It never names a swappable class: it reaches lc.mod through the
 * context class loader of a task (its generation, DESIGN §2.5) or through the system loader when
 * unbound (the current generation, §2.4), so no boundary call site caches a generation.
 *
 * <p>Args: scenario baseJar modulesDir agentLogFile [count]. It deploys version N by writing the
 * base jar plus {@code lc/mod/version.txt} into the modules directory, and waits for agent log
 * lines (its own stderr file) where it must know what the agent did.
 */
public final class App {
    private static Path base;
    private static Path modules;
    private static Path log;
    private static ThreadPoolExecutor pool;

    public static void main(String[] args) throws Exception {
        base = Path.of(args[1]);
        modules = Path.of(args[2]);
        log = Path.of(args[3]);
        pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        pool.submit(() -> { }).get(); // the worker exists, unbound, before anything is tested
        switch (args[0]) {
            case "drain" -> drain();
            case "pins" -> pins();
            case "many" -> many(Integer.parseInt(args[4]));
            case "limit" -> limit();
            default -> throw new IllegalArgumentException(args[0]);
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        Holder.mark("done");
    }

    /** Each transition, and a generation kept loaded by a queued task until that task ends. */
    static void drain() throws Exception {
        WeakReference<Class<?>> first = new WeakReference<>(current("lc.mod.Version"));
        // A terminated thread keeps its context class loader: hold the thread only while needed.
        Thread[] running = {startRoot("running-task", "lc.mod.Waiter")};
        pool.execute(() -> runIn("lc.mod.Waiter"));   // occupies the only worker
        pool.execute(() -> runIn("lc.mod.Work"));     // queued behind it
        awaitLog("waiting running version=1");
        awaitLog("waiting worker version=1");
        deploy(2);
        awaitLog("generation 1 \\(.*\\) is draining: 3 live tasks");
        Holder.latch("running").countDown();
        running[0].join(30_000);
        running[0] = null;
        collectUntil(() -> false, 3); // full collections while the queued task waits
        Holder.mark("gen1-loaded-while-queued " + (first.get() != null));
        Holder.latch("worker").countDown();
        awaitLog("generation 1 \\(.*\\) retired");
        collectUntil(() -> first.get() == null, 200);
        Holder.mark("gen1-classes-collected " + (first.get() == null));
        awaitLog("generation 1 \\(.*\\) unloaded");
        startRoot("after", "lc.mod.Work").join(30_000);
    }

    /** Run with maxGenerations=2: a third loaded generation is refused until the first is gone. */
    static void limit() throws Exception {
        Thread[] running = {startRoot("running-task", "lc.mod.Waiter")};
        awaitLog("waiting running version=1");
        deploy(2);
        write(3);
        awaitLog("deploy from .* refused, generation 2 \\(.*\\) stays current: .*maxGenerations=2");
        Holder.mark("current-after-refusal " + currentVersion());
        Holder.latch("running").countDown();
        running[0].join(30_000);
        running[0] = null;
        awaitLog("generation 1 \\(.*\\) retired");
        deploy(4);
        Holder.mark("current-at-end " + currentVersion());
    }

    /** One generation per kind of pin; then a full collection, and the agent reports each. */
    static void pins() throws Exception {
        // A pool's idle worker is a long-lived thread that runs no task (a started thread would be one).
        ThreadPoolExecutor other = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        other.submit(() -> {
            Holder.longLived = Thread.currentThread();
        }).get(30, TimeUnit.SECONDS);
        String[] kinds = {"thread-local", "jdbc", "shutdown-hook", "mbean", "context-class-loader", "pool-worker",
            "none", "thread"};
        for (int i = 0; i < kinds.length; i++) {
            int version = i + 1;
            String kind = kinds[i];
            if (version > 1) {
                deploy(version);
            }
            // thread-locals leak on pool workers, whose threads outlive the task
            Runnable pin = () -> pinIn(kind);
            if (kind.equals("thread-local")) {
                pool.submit(pin).get(30, TimeUnit.SECONDS);
            } else {
                startRoot("pin-" + kind, pin).join(30_000);
            }
            awaitLog("MARK pinned " + kind + " version=" + version);
        }
        deploy(kinds.length + 1);
        awaitLog("generation " + kinds.length + " \\(.*\\) is draining: 1 live task$");
        Pattern reported = Pattern.compile("generation " + kinds.length + " \\(.*\\) draining since .* after a full collection");
        // The pool worker created while 6 submitted work does not pin 6 (up to JDK 23 a thread keeps
        // its creator's access control context: capture empties it for pool workers).
        collectUntil(() -> logMatches(reported) && logMatches(Pattern.compile("generation 7 \\(.*\\) unloaded"))
                && logMatches(Pattern.compile("generation 6 \\(.*\\) unloaded"))
                && countLines("survived a full collection") >= 5, 300);
        Holder.latch("spinner").countDown();
        Holder.lateWorkers.shutdown();
        other.shutdown();
        other.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** Many activations with tasks in between; every old generation is unloaded at the end. */
    static void many(int count) throws Exception {
        List<WeakReference<Class<?>>> versions = new ArrayList<>();
        long steady = 0;
        for (int version = 1; version <= count; version++) {
            if (version > 1) {
                deploy(version);
            }
            versions.add(new WeakReference<>(current("lc.mod.Version")));
            startRoot("quiet-thread", "lc.mod.Work").join(30_000);
            pool.submit(() -> runIn("lc.mod.Work")).get(30, TimeUnit.SECONDS);
            if (version == 20) {
                steady = loadedClassesAfterCollection(versions);
                Holder.mark("steady-classes " + steady);
            }
        }
        long end = loadedClassesAfterCollection(versions);
        int survivors = 0;
        for (int i = 0; i < versions.size() - 1; i++) {
            if (versions.get(i).get() != null) {
                survivors++;
            }
        }
        Holder.mark("old-versions-still-loaded " + survivors);
        Holder.mark("end-classes " + end);
        // every old generation's line, not only the last one's: the agent notices unloaded loaders in no set order
        Pattern unloaded = Pattern.compile("generation \\d+ \\(.*\\) unloaded");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (countMatches(unloaded) < count - 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    static long countMatches(Pattern pattern) throws IOException {
        long n = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (pattern.matcher(line).find()) {
                n++;
            }
        }
        return n;
    }

    private static long loadedClassesAfterCollection(List<WeakReference<Class<?>>> versions) throws Exception {
        collectUntil(() -> {
            for (int i = 0; i < versions.size() - 1; i++) {
                if (versions.get(i).get() != null) {
                    return false;
                }
            }
            return true;
        }, 300);
        return ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
    }

    // ---- reaching swappable code without naming it ------------------------------------------

    /** A swappable class of the generation the calling code resolves in now (unbound: the current one). */
    static Class<?> current(String name) throws ClassNotFoundException {
        return ClassLoader.getSystemClassLoader().loadClass(name);
    }

    /** Runs {@code className} (a Runnable) of the running task's generation: its context class loader. */
    static void runIn(String className) {
        ((Runnable) newInTask(className)).run();
    }

    @SuppressWarnings("unchecked")
    static void pinIn(String kind) {
        ((Consumer<String>) newInTask("lc.mod.Pinner")).accept(kind);
    }

    private static Object newInTask(String className) {
        try {
            return Thread.currentThread().getContextClassLoader().loadClass(className)
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Thread startRoot(String name, String className) {
        return startRoot(name, () -> runIn(className));
    }

    static Thread startRoot(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.start();
        return thread;
    }

    // ---- deploying and waiting ------------------------------------------------------------------

    /** Writes version {@code n} into the modules directory and waits until unbound code sees it. */
    static void deploy(int n) throws Exception {
        write(n);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (currentVersion() != n) {
            if (System.nanoTime() > deadline) {
                fail("version " + n + " did not become current");
            }
            Thread.sleep(5);
        }
    }

    /** Writes version {@code n}: the base jar plus lc/mod/version.txt, renamed into the directory. */
    static void write(int n) throws IOException {
        // Written beside the directory, then renamed into it: the agent sees one change, not the writes.
        Path temp = modules.resolveSibling("app.jar.tmp");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(base));
             OutputStream file = Files.newOutputStream(temp);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("lc/mod/version.txt"));
            out.write(Integer.toString(n).getBytes(StandardCharsets.US_ASCII));
            out.closeEntry();
        }
        Files.move(temp, modules.resolve("app.jar"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** The version of the current generation, as unbound code sees it. */
    static int currentVersion() throws ReflectiveOperationException {
        return current("lc.mod.Version").getField("VERSION").getInt(null);
    }

    /** Collects until {@code done} (at most {@code rounds} times, 100 ms apart). */
    static void collectUntil(Callable<Boolean> done, int rounds) throws Exception {
        for (int i = 0; i < rounds && !done.call(); i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    /** Waits (bounded) until the agent's log has a line matching {@code regex}. */
    static void awaitLog(String regex) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!logMatches(pattern)) {
            if (System.nanoTime() > deadline) {
                fail("no log line matching: " + regex);
            }
            Thread.sleep(10);
        }
    }

    static boolean logMatches(Pattern pattern) throws IOException {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (pattern.matcher(line).find()) {
                return true;
            }
        }
        return false;
    }

    static long countLines(String text) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
    }

    static void fail(String why) {
        Holder.mark("failed " + why);
        System.exit(3);
    }

}
