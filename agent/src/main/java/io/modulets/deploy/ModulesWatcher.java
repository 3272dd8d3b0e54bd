package io.modulets.deploy;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.ThreadHooks;
import io.modulets.config.Log;

/**
 * Watches the modules directory (DESIGN §4, deploying) with the OS's notifications (inotify on
 * Linux: no polling), waits until it has been quiet for the quiet period, so that a copy in
 * progress or several renames land as one deploy, then hands what the directory holds to the
 * {@link Deployer} once. It watches two places: the directory's real path (jars renamed, added,
 * removed; a Kubernetes {@code ..data} link swapped inside it) and its parent, for the directory's
 * own name (a symlink to it swapped atomically, the directory removed and created again); after
 * each quiet period it re-resolves the name and watches the new target.
 * The parent itself vanishing is not followed.
 */
public final class ModulesWatcher implements Runnable {
    private final Path modules;
    private final Path parent;
    private final Path name;
    private final long quietNanos;
    private final Deployer deployer;
    private final WatchService watcher;
    private WatchKey parentKey;
    private WatchKey directoryKey;
    private Path watchedTarget;

    private ModulesWatcher(Path modules, Duration quiet, Deployer deployer, WatchService watcher) {
        this.modules = modules.toAbsolutePath().normalize();
        this.parent = this.modules.getParent();
        this.name = this.modules.getFileName();
        this.quietNanos = quiet.toNanos();
        this.deployer = deployer;
        this.watcher = watcher;
    }

    /** Starts watching on a daemon thread that is never bound to a generation. */
    public static void start(Path modules, Duration quiet, Deployer deployer) throws IOException {
        WatchService service = FileSystems.getDefault().newWatchService();
        ModulesWatcher watcher = new ModulesWatcher(modules, quiet, deployer, service);
        watcher.rewatch();
        ThreadHooks.agentThread(watcher, "modulets-watcher").start();
        // An open WatchService holds the JVM's exit back by about 300 ms on Linux (its poller
        // thread sits in poll()); close it when the JVM shuts down.
        Thread closer = new Thread(new Runnable() { // not a lambda: one class spun fewer at every start
            @Override
            public void run() {
                close(service);
            }
        }, "modulets-watcher-close");
        ThreadHooks.neverBind(closer);
        Runtime.getRuntime().addShutdownHook(closer);
    }

    @Override
    public void run() {
        try {
            watch();
        } catch (InterruptedException | ClosedWatchServiceException stop) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            // Nothing of one deploy comes here (see below): what does is the watching itself failing.
            Log.error("the modules watcher stopped (%s): %s is no longer watched; rescan, activate and rollback"
                    + " through JMX and the CLI still work, and so does every generation", Log.oneLine(e), modules);
        }
    }

    private void watch() throws InterruptedException {
        while (true) {
            while (!drain(next())) {
                // only events about other names in the parent directory
            }
            long quietUntil = System.nanoTime() + quietNanos;
            deployer.prepare(); // within the quiet period, not after it
            for (long left; (left = quietUntil - System.nanoTime()) > 0; ) {
                WatchKey more = watcher.poll(left, TimeUnit.NANOSECONDS);
                if (more != null && drain(more)) {
                    quietUntil = System.nanoTime() + quietNanos;
                }
            }
            try {
                rewatch();
                deploy();
            } catch (Throwable e) {
                // Never let one reaction end the watching, whatever it threw (an OutOfMemoryError
                // included: what it allocated is garbage once it is thrown).
                Log.error("watching %s: %s; still watching", modules, Log.oneLine(e));
            }
        }
    }

    /**
     * The next key, by a timed poll rather than {@code take()}: an untimed wait on a {@code Condition} goes through
     * {@code ForkJoinPool.managedBlock} on JDK 17 and 25, so {@code take()} loaded and initialised
     * {@code ForkJoinPool} (and capture rewrote it) in every JVM with a watched modules directory, whether or not
     * the application ever uses one (docs/PERFORMANCE.md, start-up).
     */
    private WatchKey next() throws InterruptedException {
        WatchKey key;
        while ((key = watcher.poll(1, TimeUnit.DAYS)) == null) {
            // a day without an event: wait again
        }
        return key;
    }

    private void deploy() {
        if (!Files.isDirectory(modules)) {
            Log.warn("modules directory %s is gone; waiting for it to come back", modules);
            return;
        }
        try {
            deployer.watched();
        } catch (DeployRefused refused) {
            // logged by the deployer, in one line
        }
    }

    /** Whether the key's events concern the modules directory (all of the directory's do). */
    private boolean drain(WatchKey key) {
        boolean relevant = key != parentKey;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context())) {
                relevant = true;
            }
        }
        if (!key.reset() && key == directoryKey) {
            relevant = true; // the directory itself went away
        }
        return relevant;
    }

    /** Watches the parent, and the directory's current target if it is there. */
    private void rewatch() {
        try {
            if (parent != null && (parentKey == null || !parentKey.isValid())) {
                // Creations and deletions only (a rename is both): the directory's own name never changes content
                // in the parent, while a file beside it often does (an application's log next to its modules
                // directory), and each such write would wake the JDK's poller thread and this one.
                parentKey = parent.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        } catch (IOException e) {
            Log.warn("cannot watch %s for a replaced modules directory: %s", parent, e);
        }
        Path target;
        try {
            target = modules.toRealPath();
        } catch (IOException gone) {
            target = null;
        }
        if (target != null && target.equals(watchedTarget) && directoryKey != null && directoryKey.isValid()) {
            return;
        }
        if (directoryKey != null) {
            directoryKey.cancel();
            directoryKey = null;
        }
        watchedTarget = null;
        if (target == null || !Files.isDirectory(target)) {
            return;
        }
        try {
            directoryKey = target.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
            watchedTarget = target;
            Log.debug("watching %s (%s)", modules, target);
        } catch (IOException e) {
            Log.warn("cannot watch modules directory %s: %s", modules, e);
        }
    }

    private static void close(WatchService watcher) {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // the JVM is going away
        }
    }
}
