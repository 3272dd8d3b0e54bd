package io.modulets.generations;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The content-addressed store of immutable jar snapshots (§2.6: a generation reads only
 * from here, never from the deploy directory). Each jar is kept once, as the read-only
 * file {@code <sha256>.jar}, in a directory private to the user. Thread-safe: the state
 * is the directory, where concurrent writers of the same content publish the same bytes
 * under the same name, and the {@link HashRecord} of files already hashed, which locks.
 */
public final class Store {

    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> TEMP = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> STORED = PosixFilePermissions.fromString("r--------");
    /** A temporary file's name: a snapshot's copy, or a new {@link StateFile}, before its rename. */
    static final String TEMP_PREFIX = ".snapshot-";
    static final String TEMP_SUFFIX = ".tmp";

    /** How close to its hashing a file's change makes its hash one not to keep ({@link HashRecord}). */
    static final Duration RACY = Duration.ofSeconds(2);

    /** Half the retention's grace period: how long a used jar goes untouched (not Duration.dividedBy: BigDecimal). */
    private static final long TOUCH_AFTER_MS = StoreHygiene.GRACE.toMillis() / 2;

    private final Path dir;
    private final Writes writes;
    private final HashRecord hashes;
    /** How many files were read to be hashed where they are (not counting copies into the store), for tests. */
    final AtomicInteger filesHashed = new AtomicInteger();

    /**
     * How a copy writes to its temporary file: {@link FileChannel#write}, or in tests one that
     * fails as a full disk does ({@code IOException: No space left on device}), which cannot be
     * provoked without root.
     */
    interface Writes {
        int write(FileChannel out, ByteBuffer bytes) throws IOException;
    }

    /** Does not touch the disk; the directory is created by the first {@link #snapshot}. */
    public Store(Path dir) {
        this(dir, new Writes() { // not a method reference: one class spun fewer at every start
            @Override
            public int write(FileChannel out, ByteBuffer bytes) throws IOException {
                return out.write(bytes);
            }
        });
    }

    Store(Path dir, Writes writes) {
        this(dir, writes, RACY);
    }

    Store(Path dir, Writes writes, Duration racy) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        this.writes = writes;
        this.hashes = new HashRecord(this.dir, racy);
    }

    public Path dir() {
        return dir;
    }

    /**
     * Copies the jars into the store (each read once, hashed while copied) and returns
     * their snapshot. A failure throws an IOException with a one-line message starting
     * {@code "modulets: "} and leaves no temporary file behind; jars already stored by
     * the call stay, complete and verified, since the store may share them with other
     * snapshots.
     */
    public Snapshot snapshot(List<Path> jars) throws IOException {
        Objects.requireNonNull(jars, "jars");
        if (jars.isEmpty()) throw new IOException("modulets: no jars to snapshot");
        for (Path jar : jars) checkSource(jar); // refuse before writing anything
        boolean posix = createDirectory();
        Reader reader = new Reader();
        List<Snapshot.Jar> stored = new ArrayList<>(jars.size());
        boolean published = false;
        for (Path jar : jars) {
            Stored one = store(jar, posix, reader);
            stored.add(one.jar());
            published |= one.published();
        }
        // Only a new name needs the directory synced; jars stored before are durable already (the
        // common case at every start after the first: no fsync at all).
        if (posix && published) syncDirectory();
        hashes.save();
        return Snapshot.of(stored, Labels.of(stored));
    }

    /**
     * Re-hashes every stored file of the snapshot: false if one is missing, unreadable, altered, or
     * no longer a regular file ({@link #check} says which and why). A file the {@link HashRecord} says
     * was verified at exactly its present identity is not read again.
     */
    public boolean verify(Snapshot snapshot) {
        try {
            check(snapshot);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * As {@link #verify}, with the one-line reason naming the jar: {@code "modulets: the store's copy
     * of mail.jar (/…/store/5d0c….jar) changed after it was written (hash mismatch); it is not used"}.
     */
    public void check(Snapshot snapshot) throws IOException {
        Reader reader = new Reader();
        try {
            check(snapshot, reader);
        } finally {
            hashes.save();
        }
    }

    private void check(Snapshot snapshot, Reader reader) throws IOException {
        for (Snapshot.Jar jar : snapshot.jars()) {
            String copy = "the store's copy of " + jar.fileName() + " (" + jar.stored() + ")";
            // A link could point at a file that changes: the store holds regular files only.
            if (!Files.isRegularFile(jar.stored(), LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("modulets: " + copy + " is missing or not a regular file; it is not used");
            }
            String sha256;
            try {
                sha256 = sha256(jar.stored(), false, reader).sha256();
            } catch (IOException e) {
                throw new IOException(oneLine("modulets: " + copy + " cannot be read (" + condition(e) + ")"), e);
            }
            if (!sha256.equals(jar.sha256())) {
                throw new IOException("modulets: " + copy + " changed after it was written (hash mismatch); it is not"
                        + " used");
            }
        }
    }

    private void checkSource(Path jar) throws IOException {
        Objects.requireNonNull(jar, "jar");
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(jar, BasicFileAttributes.class);
        } catch (IOException e) {
            throw failure(jar, reason(e, jar), e);
        }
        if (!attributes.isRegularFile()) throw failure(jar, "not a regular file", null);
    }

    /** Creates the store directory if missing; returns whether the file system is POSIX. */
    private boolean createDirectory() throws IOException {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (Files.isDirectory(dir)) return posix; // an existing store was held to the permission rule at startup
        try {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
                // The umask applies at creation and may have narrowed the mode: make the leaf exact.
                if (!Files.getPosixFilePermissions(dir).equals(DIR)) Files.setPosixFilePermissions(dir, DIR);
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new IOException(oneLine("modulets: cannot create the store " + dir + ": " + reason(e, dir)), e);
        }
        return posix;
    }

    /** One jar of a snapshot, and whether this call published it (a new file in the store). */
    private record Stored(Snapshot.Jar jar, boolean published) {
    }

    /**
     * A new empty temporary file in the store's {@code dir}, {@code rw-------} where the file system has POSIX
     * permissions, named {@code .snapshot-<time>-<n>.tmp} (what {@link StoreHygiene} cleans up): the jars' copies,
     * the state file's and the record of hashes' replacements. Named here, not by {@code Files.createTempFile},
     * whose random name comes from {@code SecureRandom}, whose first use loads the JDK's security providers (some
     * hundred classes) at a start that otherwise needs none. Created exclusively: another writer's name is skipped.
     */
    static Path newTemporary(Path dir, boolean posix) throws IOException {
        while (true) {
            Path temp = dir.resolve(TEMP_PREFIX + Long.toHexString(System.nanoTime()) + "-"
                    + Integer.toHexString(System.identityHashCode(new Object())) + TEMP_SUFFIX);
            try {
                return posix ? Files.createFile(temp, PosixFilePermissions.asFileAttribute(TEMP)) : Files.createFile(temp);
            } catch (FileAlreadyExistsException taken) {
                // another writer's at the same moment: another name
            }
        }
    }

    /** Copies one jar to a temp file, then publishes it as {@code <sha256>.jar} or reuses that file. */
    private Stored store(Path source, boolean posix, Reader reader) throws IOException {
        Stored kept = storedAlready(source, reader);
        if (kept != null) return kept;
        Path temp;
        try {
            temp = newTemporary(dir, posix);
        } catch (IOException e) {
            throw failure(source, "cannot create a file in the store (" + condition(e) + ")", e);
        }
        Snapshot.Jar jar;
        boolean altered = false;
        boolean published = false;
        try {
            Stored copied = copy(source, temp, reader.buffer(), reader.digest());
            jar = copied.jar();
            Path target = jar.stored();
            if (copied.published() && publish(temp, target, posix)) {
                temp = null;
                published = true;
            } else {
                // Already stored (by an earlier snapshot or a concurrent writer): reuse it only if
                // intact, and only as a regular file (a link could point at a file that changes).
                altered = !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS);
                if (!altered) {
                    altered = !intact(target, jar.sha256(), reader);
                }
            }
        } catch (IOException e) {
            throw failure(source, reason(e, source), e);
        } finally {
            deleteQuietly(temp);
        }
        if (altered) {
            throw new IOException(oneLine("modulets: snapshot " + jar.stored()
                    + " in the store was altered (hash mismatch); delete it"));
        }
        return new Stored(jar, published);
    }

    /**
     * The jar as already stored and intact, found by hashing the source where it is; null if the store has no
     * such file or not an intact regular one (the copy then stores it, or says what is wrong). Every start
     * after the first snapshots jars the store holds: no temporary copy, no file lock, no write (and none of
     * the classes they load); and where the
     * {@link HashRecord} knows both files at their present identity, not a byte of either is read.
     */
    private Stored storedAlready(Path source, Reader reader) throws IOException {
        Hashed hashed;
        try {
            hashed = sha256(source, true, reader);
        } catch (IOException e) {
            throw failure(source, reason(e, source), e);
        }
        Path target = dir.resolve(hashed.sha256() + ".jar");
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) return null;
        try {
            if (!intact(target, hashed.sha256(), reader)) return null;
        } catch (IOException unreadable) {
            return null;
        }
        return new Stored(new Snapshot.Jar(source.getFileName().toString(), hashed.sha256(), target, hashed.size()),
                false);
    }

    /** A file's hash and its size in bytes. */
    private record Hashed(String sha256, long size) {
    }

    /**
     * The file's SHA-256: the {@link HashRecord}'s if the file's {@link FileIdentity} is exactly the one it was
     * hashed at, else read, and recorded if the identity did not change while it was read.
     */
    private Hashed sha256(Path file, boolean follow, Reader reader) throws IOException {
        FileIdentity before = FileIdentity.of(file, follow);
        String known = hashes.known(file, before);
        if (known != null) return new Hashed(known, before.size());
        long at = System.currentTimeMillis();
        filesHashed.incrementAndGet();
        String sha256 = Sha256.of(file, reader.digest(), reader.buffer());
        FileIdentity after = FileIdentity.of(file, follow);
        if (before != null && before.equals(after)) {
            hashes.hashed(file, after, sha256, at);
            return new Hashed(sha256, after.size());
        }
        return new Hashed(sha256, Files.size(file));
    }

    /**
     * One operation's digest and read buffer, made at the first file that must be read: a start whose every
     * hash the record knows creates no {@code MessageDigest} for the jars.
     */
    private static final class Reader {
        private MessageDigest digest;
        private byte[] buffer;

        MessageDigest digest() {
            if (digest == null) digest = Sha256.newDigest();
            return digest;
        }

        byte[] buffer() {
            if (buffer == null) buffer = new byte[Sha256.BUFFER_SIZE];
            return buffer;
        }
    }

    /**
     * One read of the source feeds both the digest and the copy. The copy is forced to disk only if
     * its content name is not in the store yet (the bytes are on disk before the rename makes the
     * name visible); {@code published} in the result says whether it is to be published.
     */
    private Stored copy(Path source, Path temp, byte[] buffer, MessageDigest digest) throws IOException {
        digest.reset();
        long size = 0;
        ByteBuffer bytes = ByteBuffer.wrap(buffer);
        try (InputStream in = Files.newInputStream(source);
             FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            // Held while written: the clean-up at a start (StoreHygiene) removes only temporary files no
            // process holds, so that one JVM's start never removes another's copy in progress.
            out.lock();
            if (!Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("its temporary copy was removed by another JVM's clean-up of the store; deploy"
                        + " again");
            }
            for (int n; (n = in.read(buffer)) != -1; size += n) {
                digest.update(buffer, 0, n);
                bytes.clear().limit(n);
                while (bytes.hasRemaining()) writes.write(out, bytes);
            }
            String sha256 = Sha256.hex(digest.digest());
            Path target = dir.resolve(sha256 + ".jar");
            boolean fresh = !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
            if (fresh) {
                out.force(true);
            }
            return new Stored(new Snapshot.Jar(source.getFileName().toString(), sha256, target, size), fresh);
        }
    }

    /**
     * Makes the temp file read-only and renames it to its content name. Returns false if
     * another writer published that name first (the caller then verifies theirs).
     */
    private static boolean publish(Path temp, Path target, boolean posix) throws IOException {
        if (posix) {
            Files.setPosixFilePermissions(temp, STORED);
        } else {
            DosFileAttributeView dos = Files.getFileAttributeView(temp, DosFileAttributeView.class);
            if (dos != null) dos.setReadOnly(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (FileAlreadyExistsException | AccessDeniedException e) {
            // Where a rename cannot replace a (read-only) file, a concurrent writer won the race.
            if (Files.exists(target)) return false;
            throw e;
        }
    }

    /**
     * Whether the stored copy {@code target} holds {@code sha256}, touched if it is old: used again now, and the
     * retention keeps a jar used within its grace period ({@link StoreHygiene}). The touch changes its ctime, so
     * a copy the record knew intact just before is recorded at its identity after the touch (our own touch is
     * the only change between the two looks, bar a write into the read-only file in those microseconds); one
     * the record did not know is hashed after the touch.
     */
    private boolean intact(Path target, String sha256, Reader reader) throws IOException {
        FileIdentity before = FileIdentity.of(target, false);
        boolean known = sha256.equals(hashes.known(target, before));
        long touched = touchIfOld(target);
        if (known && touched == 0) return true;
        if (known) {
            FileIdentity after = FileIdentity.of(target, false);
            if (after != null && after.touchedFrom(before, touched)) {
                hashes.touched(target, after, sha256);
                return true;
            }
        }
        return sha256(target, false, reader).sha256().equals(sha256);
    }

    /**
     * Sets the stored copy's modification time to now if it is older than half the grace period (not at every
     * use: the next start would have to re-verify the copy); returns the time set in nanoseconds, 0 if none.
     */
    private static long touchIfOld(Path stored) {
        try {
            Instant now = Instant.now();
            FileTime modified = Files.getLastModifiedTime(stored, LinkOption.NOFOLLOW_LINKS);
            if (modified.toMillis() > now.toEpochMilli() - TOUCH_AFTER_MS) return 0;
            FileTime set = FileTime.from(now);
            Files.setLastModifiedTime(stored, set);
            return set.to(TimeUnit.NANOSECONDS);
        } catch (IOException | RuntimeException e) {
            return 0; // only the retention's grace period reads it; the jar stays usable
        }
    }

    /**
     * The hash a snapshot of {@code jars} would have ({@link Snapshot#hash}), reading them without copying
     * anything into the store: what a start compares with the deployment state.
     */
    public String contentHash(List<Path> jars) throws IOException {
        Reader reader = new Reader();
        List<Snapshot.Jar> hashed = new ArrayList<>(jars.size());
        for (Path jar : jars) {
            try {
                Hashed h = sha256(jar, true, reader); // kept for the snapshot that follows (the record's memory)
                hashed.add(new Snapshot.Jar(jar.getFileName().toString(), h.sha256(), jar, h.size()));
            } catch (IOException e) {
                throw failure(jar, reason(e, jar), e);
            }
        }
        return Snapshot.hashOf(hashed);
    }

    /** Best effort: makes the new names durable where a directory can be synced (not on Windows). */
    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // the files themselves are synced; losing only the rename costs a re-copy
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) return;
        try {
            DosFileAttributeView dos = Files.getFileAttributeView(temp, DosFileAttributeView.class);
            if (dos != null && Files.exists(temp)) dos.setReadOnly(false); // Windows refuses to delete read-only files
            Files.deleteIfExists(temp);
        } catch (IOException | RuntimeException e) {
            // nothing more to do: the failure being reported matters more
        }
    }

    private IOException failure(Path jar, String reason, Throwable cause) {
        return new IOException(oneLine("modulets: cannot snapshot " + jar + " into " + dir + ": " + reason), cause);
    }

    /**
     * The reason part of a message. NIO exceptions often carry only the path as their
     * message ({@code NoSuchFileException: /srv/jobs/mail.jar}), so name the condition, and
     * the file too when it is not the one the message already names.
     */
    private static String reason(IOException e, Path named) {
        String file = e instanceof FileSystemException fs ? fs.getFile() : null;
        boolean sameFile = file == null || named != null && file.equals(named.toString());
        return sameFile ? condition(e) : condition(e) + ": " + file;
    }

    static String condition(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileAlreadyExistsException) return "a file is in the way";
        if (e instanceof NotDirectoryException) return "not a directory";
        if (e instanceof ClosedByInterruptException) return "interrupted";
        if (e instanceof FileSystemException fs) return fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\R+", " ");
    }
}
