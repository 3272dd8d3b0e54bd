package io.modulets.generations;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import io.modulets.config.Log;

/**
 * Jars received as bytes over JMX (the CLI's way to hand a jar to a JVM on another host, with no shared file
 * system), staged in the store's {@code received} directory: each upload is written in order, chunk by chunk,
 * into {@code received/<upload>.part}, then checked against the size and SHA-256 the sender declares and
 * published read-only as {@code received/<sha256>/<file name>}, a path that an activation then names as it
 * names any jar (and that goes through the same permission rule and deploy checks). Whatever goes wrong (a
 * chunk out of order, too many bytes, a truncated upload, a hash that does not match, a full disk) deletes the
 * partial file and says why in one line: a failed upload leaves nothing behind. Nothing here opens a port or a
 * connection: the bytes come in the JMX calls the JVM already serves. An activation copies a staged jar into
 * the store itself, so a staged copy is needed only until the deploys that name it, which for a rollout may come
 * hours after its upload (a canary, then waves, each up to its time-out): each new upload removes the partial
 * files abandoned for {@link StoreHygiene#GRACE} and the staged copies not written or used for {@link #KEPT}.
 */
public final class Uploads {
    /** The most bytes one call may carry: the CLI sends 1 MiB. */
    public static final int MAX_CHUNK = 4 << 20;
    /** How long a staged copy is kept after it was last staged: longer than a rollout's stages take. */
    public static final Duration KEPT = Duration.ofDays(1);
    static final String DIRECTORY = "received";
    static final String PART_SUFFIX = ".part";
    private static final Pattern UPLOAD = Pattern.compile("[A-Za-z0-9-]{8,64}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9._+-]{0,199}\\.jar");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PART = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> STAGED = PosixFilePermissions.fromString("r--------");

    private final Path dir;
    private final long maxBytes;
    private final Store.Writes writes;

    /**
     * @param store    the store directory; the uploads are staged in its {@code received} directory
     * @param maxBytes the most bytes one upload may have (the agent argument {@code maxJarSize})
     */
    public Uploads(Path store, long maxBytes) {
        this(store, maxBytes, FileChannel::write);
    }

    Uploads(Path store, long maxBytes, Store.Writes writes) {
        this.dir = Objects.requireNonNull(store, "store").toAbsolutePath().resolve(DIRECTORY);
        this.maxBytes = maxBytes;
        this.writes = writes;
    }

    /** The directory the uploads are staged in. */
    public Path dir() {
        return dir;
    }

    /**
     * Writes {@code chunk} at {@code offset} of upload {@code upload}: offset 0 starts it (anew, if it was
     * started before), any other offset must be the number of bytes it holds. Returns the bytes it holds now.
     *
     * @throws IllegalArgumentException a malformed upload name, a negative offset, a chunk over {@link #MAX_CHUNK}
     * @throws IOException              out of order, too large, or not written (the partial file is deleted)
     */
    public synchronized long write(String upload, long offset, byte[] chunk) throws IOException {
        checkUpload(upload);
        if (offset < 0) throw new IllegalArgumentException("offset " + offset + " is negative");
        if (chunk == null || chunk.length > MAX_CHUNK) {
            throw new IllegalArgumentException("a chunk has 0 to " + MAX_CHUNK + " bytes, not "
                    + (chunk == null ? "none" : chunk.length));
        }
        Path part = part(upload);
        if (offset + chunk.length > maxBytes) {
            delete(part);
            throw new IOException("upload " + upload + " is larger than maxJarSize (" + maxBytes
                    + " bytes); nothing was kept");
        }
        if (offset == 0) {
            createDirectory(dir);
            removeStale(Instant.now().minus(StoreHygiene.GRACE), Instant.now().minus(KEPT));
            delete(part);
            try {
                Files.createFile(part, PosixFilePermissions.asFileAttribute(PART));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(part);
            }
        } else {
            long held = Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS) ? Files.size(part) : -1;
            if (held != offset) {
                delete(part);
                throw new IOException("upload " + upload + " out of order: a chunk at byte " + offset + ", but "
                        + (held < 0 ? "no upload of that name was started (offset 0)" : held + " bytes were received")
                        + "; nothing was kept, send it again from the start");
            }
        }
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer bytes = ByteBuffer.wrap(chunk);
            while (bytes.hasRemaining()) writes.write(out, bytes);
            return out.size();
        } catch (IOException e) {
            delete(part);
            throw new IOException("cannot write upload " + upload + " into " + dir + " (" + Store.condition(e)
                    + "); nothing was kept", e);
        }
    }

    /**
     * Ends upload {@code upload}: it must hold {@code size} bytes whose SHA-256 is {@code sha256}; then it is
     * published, read-only, as {@code received/<sha256>/<fileName>} (or the copy already there with that content
     * is used) and that path returned. On any refusal the partial file is deleted.
     *
     * @throws IllegalArgumentException a malformed upload name, file name or hash
     * @throws IOException              truncated, too long, a hash mismatch, or not published
     */
    public synchronized Path finish(String upload, String fileName, long size, String sha256) throws IOException {
        checkUpload(upload);
        if (fileName == null || !FILE_NAME.matcher(fileName).matches()) {
            throw new IllegalArgumentException("'" + fileName + "' is not a jar's file name (letters, digits, . _ + -,"
                    + " ending .jar)");
        }
        if (sha256 == null || !Sha256.isHash(sha256)) {
            throw new IllegalArgumentException("'" + sha256 + "' is not a SHA-256 in lowercase hex");
        }
        Path part = part(upload);
        try {
            if (!Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("upload " + upload + " of " + fileName + " was not started (or was abandoned"
                        + " and removed); send it again");
            }
            long held = Files.size(part);
            if (held != size) {
                throw new IOException("upload " + upload + " of " + fileName + " is " + (held < size ? "truncated"
                        : "too long") + ": " + held + " of " + size + " bytes received; nothing was kept");
            }
            String received = Sha256.of(part, Sha256.newDigest(), new byte[Sha256.BUFFER_SIZE]);
            if (!received.equals(sha256)) {
                throw new IOException("upload " + upload + " of " + fileName + ": the bytes received have SHA-256 "
                        + received.substring(0, 12) + "…, not " + sha256.substring(0, 12) + "… as sent; nothing was"
                        + " kept");
            }
            Path target = publish(part, sha256, fileName);
            part = null;
            return target;
        } finally {
            if (part != null) delete(part);
        }
    }

    /** Moves the checked part to its place; an intact copy already there is used instead (and touched). */
    private Path publish(Path part, String sha256, String fileName) throws IOException {
        Path parent = dir.resolve(sha256);
        Path target = parent.resolve(fileName);
        try {
            createDirectory(parent);
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                    && Sha256.of(target, Sha256.newDigest(), new byte[Sha256.BUFFER_SIZE]).equals(sha256)) {
                Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
                delete(part);
                return target;
            }
            try {
                Files.setPosixFilePermissions(part, STAGED);
            } catch (UnsupportedOperationException notPosix) {
                // the store's directory, private to the user, is what keeps others out
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (FileAlreadyExistsException | AccessDeniedException e) {
            throw new IOException("cannot stage " + fileName + ": " + target + " is in the way and does not hold"
                    + " these bytes; nothing was kept", e);
        } catch (IOException e) {
            throw new IOException("cannot stage " + fileName + " in " + dir + " (" + Store.condition(e)
                    + "); nothing was kept", e);
        }
    }

    /** Removes the partial uploads last written before {@code parts}, the staged copies before {@code staged}. */
    private void removeStale(Instant parts, Instant staged) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    boolean empty = true;
                    try (DirectoryStream<Path> jars = Files.newDirectoryStream(entry)) {
                        for (Path jar : jars) {
                            if (!older(jar, staged) || !delete(jar)) empty = false;
                        }
                    }
                    if (empty) delete(entry);
                } else if (older(entry, parts)) {
                    delete(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.debug("cannot clean %s: %s", dir, e);
        }
    }

    private static boolean older(Path file, Instant before) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before);
        } catch (IOException e) {
            return false;
        }
    }

    private Path part(String upload) {
        return dir.resolve(upload + PART_SUFFIX);
    }

    private static void checkUpload(String upload) {
        if (upload == null || !UPLOAD.matcher(upload).matches()) {
            throw new IllegalArgumentException("'" + upload + "' is not an upload's name (8 to 64 letters, digits"
                    + " or -, as a UUID)");
        }
    }

    /** Creates {@code directory} private to the user if missing (the store's rule for its own directories). */
    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIR));
            if (!Files.getPosixFilePermissions(directory).equals(DIR)) Files.setPosixFilePermissions(directory, DIR);
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(directory);
        }
    }

    private static boolean delete(Path file) {
        try {
            Files.deleteIfExists(file);
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // nothing more to do: the refusal being reported matters more
        }
    }
}
