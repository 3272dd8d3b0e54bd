package io.modulets.generations;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.DosFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.modulets.config.Log;

/**
 * Keeps the store from growing without end (DESIGN §2.10, REFERENCE "Restarts and the store"): removes the
 * temporary files an interrupted deploy left, and the stored jars no one needs. A stored jar is kept while
 * any of these holds: a generation of this JVM that is not unloaded, or its rollback target, has it; the
 * deployment state of any application sharing the store lists it (the last {@code retain} generations each
 * made current); it was written or used within the last {@link #GRACE} (another JVM's deploy in progress,
 * which has not written its state yet). A state file that cannot be read stops the pruning: its jars are not
 * known.
 */
public final class StoreHygiene {
    /** How long a stored jar is kept after it was last written or used, whatever else holds. */
    public static final Duration GRACE = Duration.ofMinutes(10);

    private final Store store;

    public StoreHygiene(Store store) {
        this.store = store;
    }

    /**
     * Removes the temporary files of deploys and state writes that were interrupted (the JVM killed, the disk
     * full): those no process holds locked. Returns how many; one line says so when any.
     */
    public int removeTemporaries() {
        int removed = 0;
        long bytes = 0;
        for (Path temp : list(Store.TEMP_PREFIX, Store.TEMP_SUFFIX)) {
            long size = size(temp);
            if (removeUnlocked(temp)) {
                removed++;
                bytes += size;
            }
        }
        if (removed > 0) {
            Log.info("removed %d temporary file%s (%d bytes) left in the store %s by an interrupted deploy", removed,
                    removed == 1 ? "" : "s", bytes, store.dir());
        }
        return removed;
    }

    /** Deletes {@code temp} if no process holds its lock (the writer holds it until its rename). */
    private static boolean removeUnlocked(Path temp) {
        if (!Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)) return false;
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = channel.tryLock();
            if (lock == null) return false; // another process is writing it
            try {
                Files.deleteIfExists(temp);
                return true;
            } finally {
                lock.release();
            }
        } catch (OverlappingFileLockException e) {
            return false; // this JVM is writing it
        } catch (IOException e) {
            Log.debug("cannot remove %s: %s", temp, e);
            return false;
        }
    }

    /**
     * Removes the stored jars not kept by the rule (the class comment). {@code live} are the jar hashes of
     * this JVM's generations that are loaded or rollback targets. Returns how many were removed.
     */
    public int prune(Set<String> live, Instant now) {
        Set<String> kept = new HashSet<>(live);
        for (Path state : list(StateFile.PREFIX, StateFile.SUFFIX)) {
            try {
                kept.addAll(StateFile.parse(state).jarHashes());
            } catch (NoSuchFileException e) {
                // replaced meanwhile by its rename: the new one was written after our listing's start
                return 0;
            } catch (IOException e) {
                Log.warn("the store %s is not pruned: the deployment state %s cannot be read (%s)", store.dir(),
                        state, Store.condition(e));
                return 0;
            }
        }
        Instant graceStart = now.minus(GRACE);
        int removed = 0;
        for (Path jar : list("", ".jar")) {
            if (!isStored(jar.getFileName().toString())) continue;
            String sha256 = jar.getFileName().toString().substring(0, 64);
            if (kept.contains(sha256) || recent(jar, graceStart)) continue;
            if (delete(jar)) removed++;
        }
        if (removed > 0) {
            Log.debug("pruned %d stored jar%s from %s", removed, removed == 1 ? "" : "s", store.dir());
        }
        return removed;
    }

    /**
     * Removes the stored jars of refused content at once, without the grace period: no generation was made
     * of them. Jars that {@code live} or a deployment state lists stay (the same bytes may be another
     * generation's).
     */
    public void forget(Snapshot refused, Set<String> live) {
        Set<String> kept = new HashSet<>(live);
        for (Path state : list(StateFile.PREFIX, StateFile.SUFFIX)) {
            try {
                kept.addAll(StateFile.parse(state).jarHashes());
            } catch (IOException e) {
                return; // its jars are not known: keep everything
            }
        }
        for (Snapshot.Jar jar : refused.jars()) {
            if (!kept.contains(jar.sha256())) delete(jar.stored());
        }
    }

    private static boolean recent(Path jar, Instant graceStart) {
        try {
            return Files.getLastModifiedTime(jar, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(graceStart);
        } catch (IOException e) {
            return true; // gone or unreadable: nothing to remove
        }
    }

    private static boolean delete(Path stored) {
        try {
            DosFileAttributeView dos = Files.getFileAttributeView(stored, DosFileAttributeView.class);
            // Windows refuses to delete read-only files
            if (dos != null && Files.exists(stored)) dos.setReadOnly(false);
            return Files.deleteIfExists(stored);
        } catch (IOException | RuntimeException e) {
            Log.debug("cannot remove %s: %s", stored, e);
            return false;
        }
    }

    /** A stored copy's name: 64 lowercase hex digits, then {@code .jar}. */
    static boolean isStored(String name) {
        if (name.length() != 64 + ".jar".length() || !name.endsWith(".jar")) return false;
        for (int i = 0; i < 64; i++) {
            char c = name.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return false;
        }
        return true;
    }

    /**
     * The store's files whose names have this prefix and suffix. Not a lambda per question: these run at every start,
     * where each lambda is a class spun (docs/PERFORMANCE.md, start-up).
     */
    private List<Path> list(String prefix, String suffix) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(store.dir())) return found;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(store.dir())) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(suffix)) found.add(entry);
            }
        } catch (IOException e) {
            Log.debug("cannot list the store %s: %s", store.dir(), e);
        }
        return found;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
