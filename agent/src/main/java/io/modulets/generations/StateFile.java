package io.modulets.generations;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import io.modulets.config.Log;

/**
 * The file in the store that holds one modules directory's {@link DeployState}: {@code deploy-<key>.state},
 * the key the first 16 hex digits of the SHA-256 of the directory's absolute path, so that applications
 * sharing a store keep their own. Written whole, atomically: a temporary file, forced to disk, renamed over
 * the old one, and the directory forced, so that a crash leaves the old state or the new one, never a mix.
 */
public final class StateFile {
    static final String PREFIX = "deploy-";
    static final String SUFFIX = ".state";
    /** Far more than a state can hold (64 decisions, {@code retain} generations); a bigger file is not one. */
    private static final long MAX_SIZE = 4 * 1024 * 1024;

    private final Path file;
    private final Path modules;

    public StateFile(Store store, Path modules) {
        this.modules = modules.toAbsolutePath().normalize();
        String key = Sha256.of(this.modules.toString().getBytes(StandardCharsets.UTF_8));
        this.file = store.dir().resolve(PREFIX + key.substring(0, 16) + SUFFIX);
    }

    public Path path() {
        return file;
    }

    /**
     * The state, or an empty one if there is no file (a first start). A file that cannot be read or parsed
     * is logged in one line, set aside as {@code <file>.corrupt}, and an empty state returned: the start
     * then takes what the modules directory holds, as a first start would (DESIGN §2.9).
     */
    public DeployState read() {
        try {
            return parse(file);
        } catch (NoSuchFileException e) {
            return DeployState.empty(modules);
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
            String kept;
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                kept = "set aside as " + aside;
            } catch (IOException | RuntimeException moving) {
                kept = "left in place (" + Store.condition(moving instanceof IOException io ? io
                        : new IOException(moving)) + "); the next decision replaces it";
            }
            Log.error("the deployment state %s cannot be used (%s); it is %s, and this start takes what modules=%s"
                    + " holds, as a first start would", file, reason(e), kept, modules);
            return DeployState.empty(modules);
        }
    }

    /** Reads {@code file}, or throws with the reason: missing ({@link NoSuchFileException}), unreadable, malformed. */
    static DeployState parse(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(file.toString());
        // A link could point anywhere: the store holds regular files only.
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new IOException("not a regular file");
        byte[] bytes;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size > MAX_SIZE) throw new IOException("larger than " + MAX_SIZE + " bytes");
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && in.read(buffer) != -1) {
                // read it all
            }
            bytes = buffer.array();
        }
        return DeployState.parse(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    /** Replaces the file with {@code state}, atomically; throws with the one-line reason. */
    public void write(DeployState state) throws IOException {
        byte[] bytes = state.format().getBytes(StandardCharsets.ISO_8859_1);
        if (holds(bytes)) {
            return; // a start that decided nothing new: no temporary file, no two forces to disk
        }
        Path dir = file.getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path temp = Store.newTemporary(dir, posix);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                // Held while written: the clean-up at another start removes only temporary files no one holds.
                out.lock();
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) out.write(buffer);
                out.force(true);
                if (posix) { // renamed while still held; Windows renames no open file
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    temp = null;
                }
            }
            if (temp != null) {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                temp = null;
            }
            if (posix) {
                try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                    channel.force(true);
                }
            }
        } finally {
            if (temp != null) Files.deleteIfExists(temp);
        }
    }

    /** Whether the file holds {@code bytes} already (read only when its size matches). */
    private boolean holds(byte[] bytes) {
        try {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == bytes.length
                    && Arrays.equals(Files.readAllBytes(file), bytes);
        } catch (IOException e) {
            return false; // written as ever, which says why if it cannot be
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException) return Store.condition(e);
        return e.getMessage() == null ? e.toString() : Log.escape(e.getMessage());
    }
}
