package io.modulets.deploy;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.modulets.bootstrap.Bindings;
import io.modulets.config.Log;
import io.modulets.generations.JarContents;
import io.modulets.generations.Registry;

/**
 * Watches the modules directory (DESIGN §4, deploying) with the OS's notifications, waits until
 * it has been quiet for a moment, so that a copy in progress or several renames land as one
 * deploy, then activates its jars once. A failed activation is logged in one line and changes
 * nothing.
 */
public final class ModulesWatcher implements Runnable {
    /** How long the directory must be quiet before its jars are activated. */
    static final long QUIET_MILLIS = 200;

    private final Path directory;
    private final Registry registry;
    private final WatchService watcher;

    private ModulesWatcher(Path directory, Registry registry, WatchService watcher) {
        this.directory = directory;
        this.registry = registry;
        this.watcher = watcher;
    }

    /** Starts watching on a daemon thread that is never bound to a generation. */
    public static void start(Path directory, Registry registry) throws IOException {
        WatchService watcher = FileSystems.getDefault().newWatchService();
        directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        Thread thread = new Thread(new ModulesWatcher(directory, registry, watcher), "modulets-watcher");
        thread.setDaemon(true);
        Bindings.neverBind(thread);
        thread.start();
        // An open WatchService holds the JVM's exit back by about 300 ms on Linux (its poller
        // thread sits in poll()); close it when the JVM shuts down.
        Thread closer = new Thread(() -> close(watcher), "modulets-watcher-close");
        Bindings.neverBind(closer);
        Runtime.getRuntime().addShutdownHook(closer);
    }

    @Override
    public void run() {
        try {
            while (true) {
                drain(watcher.take());
                WatchKey more;
                while ((more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                activate();
            }
        } catch (InterruptedException | ClosedWatchServiceException stop) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(WatchService watcher) {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // the JVM is going away
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    private void activate() {
        try {
            List<Path> jars = JarContents.jarsIn(directory);
            if (jars.isEmpty()) {
                Log.warn("%s holds no jar; %s stays current", directory, registry.current());
                return;
            }
            registry.activate(jars);
        } catch (IOException | RuntimeException e) {
            Log.error("deploy from %s refused, %s stays current: %s", directory, registry.current(),
                    e.getMessage());
        }
    }
}
