package io.modulets.generations;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

import io.modulets.config.Log;

/**
 * The store's record of files already hashed, {@code hashes.record} in the store (REFERENCE "Restarts and the
 * store"): for each file, its {@link FileIdentity} when it was hashed and its SHA-256. A start trusts a hash
 * when the file's identity now is exactly the recorded one, so that every start after the first reads neither
 * the modules directory's jars nor the store's copies. Entries for the store's own {@code <sha256>.jar} say
 * that copy was verified intact at that identity.
 *
 * <p>A record that is missing, unreadable, malformed (its CRC line does not match), of another format, not
 * the store owner's or writable by others is not used: the files are hashed as without it. An entry whose
 * file changed within {@link #racy} of its hashing is kept in memory (for the rest of the start) but never
 * written: a change in the same clock tick as the hash would not show in the ctime.
 *
 * <p>Written whole after a change, as the deployment state is: a locked {@code rw-------} temporary file
 * renamed over the old one. Not forced to disk: a record lost or torn by a crash fails its CRC and costs one
 * re-hash. JVMs sharing the store each merge what the file holds when they write; an entry lost to a race is
 * hashed again, never trusted wrongly (every entry is checked against its file's identity).
 */
final class HashRecord {
    static final String NAME = "hashes.record";
    private static final String HEADER = "modulets hashes 1";
    /** Enough for every jar of many applications sharing a store; the oldest go first beyond it. */
    static final int MAX_ENTRIES = 2000;
    private static final long MAX_SIZE = 2 * 1024 * 1024;

    /** A file's hash, at its identity then; {@code hashedAt} in ms (0: read from the file), for the racy rule. */
    private record Entry(FileIdentity identity, String sha256, long hashedAt) {
    }

    private final Path file;
    private final long racy;
    /** By absolute path; guarded by this. */
    private Map<String, Entry> entries;
    private boolean changed;

    /** @param racy how close to its hashing a change makes an entry one not to write (the ctime's tick, and more) */
    HashRecord(Path storeDir, Duration racy) {
        this.file = storeDir.resolve(NAME);
        this.racy = racy.toNanos();
    }

    /** The SHA-256 recorded for {@code path} at exactly {@code identity}; null if none. */
    synchronized String known(Path path, FileIdentity identity) {
        if (identity == null) return null;
        Entry e = entries().get(key(path));
        if (e == null || !e.identity().equals(identity)) return null;
        // A racy entry is trusted only during the start that hashed it (within the margin of its hashing).
        if (e.hashedAt() != 0 && isRacy(e) && System.currentTimeMillis() - e.hashedAt() > racy / 1_000_000) {
            return null;
        }
        return e.sha256();
    }

    /** Records that {@code path} hashed to {@code sha256} when its identity was {@code identity} (null: nothing). */
    synchronized void hashed(Path path, FileIdentity identity, String sha256, long hashedAt) {
        if (identity == null) return;
        Entry e = new Entry(identity, sha256, hashedAt);
        Entry before = entries().put(key(path), e);
        if (!isRacy(e) && (before == null || !before.identity().equals(identity))) changed = true;
    }

    /**
     * Records that {@code path}, known to hold {@code sha256} just before this JVM set its modification time, has
     * {@code identity} after it: not racy, since the content was not read now but verified before.
     */
    synchronized void touched(Path path, FileIdentity identity, String sha256) {
        entries().put(key(path), new Entry(identity, sha256, 0));
        changed = true;
    }

    private boolean isRacy(Entry e) {
        return e.hashedAt() != 0 && e.identity().ctime() > e.hashedAt() * 1_000_000 - racy;
    }

    /** Writes the record if a start learned something worth keeping; a failure only costs re-hashing. */
    void save() {
        Map<String, Entry> mine;
        synchronized (this) {
            if (!changed) return;
            changed = false;
            mine = new LinkedHashMap<>(entries);
        }
        try {
            Map<String, Entry> written = merged(mine);
            write(written);
            synchronized (this) { // what is in memory stays bounded too; an entry added meanwhile costs a re-hash
                for (Map.Entry<String, Entry> e : mine.entrySet()) { // no lambda: each spins a class at start-up
                    if (isRacy(e.getValue())) written.putIfAbsent(e.getKey(), e.getValue());
                }
                entries = written;
            }
        } catch (IOException | RuntimeException e) {
            Log.debug("cannot write %s (%s): the next start hashes its jars again", file, e);
        }
    }

    /**
     * What the file holds now (another JVM may have written since it was read) and this JVM's entries, keeping
     * only entries whose file still has the recorded identity, at most {@link #MAX_ENTRIES}, newest last.
     */
    private Map<String, Entry> merged(Map<String, Entry> mine) {
        Map<String, Entry> all = new LinkedHashMap<>(read());
        for (Map.Entry<String, Entry> e : mine.entrySet()) {
            if (isRacy(e.getValue())) continue;
            all.remove(e.getKey()); // to the end: the newest
            all.put(e.getKey(), e.getValue());
        }
        for (var stale = all.entrySet().iterator(); stale.hasNext(); ) {
            Map.Entry<String, Entry> e = stale.next();
            if (!current(e.getKey(), e.getValue().identity())) stale.remove();
        }
        var oldest = all.keySet().iterator();
        while (all.size() > MAX_ENTRIES) {
            oldest.next();
            oldest.remove();
        }
        return all;
    }

    private static boolean current(String path, FileIdentity identity) {
        try {
            return identity.equals(FileIdentity.of(Path.of(path), !isStored(path)));
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private static boolean isStored(String path) {
        String name = Path.of(path).getFileName().toString();
        return name.length() == 68 && name.endsWith(".jar") && Sha256.isHash(name.substring(0, 64));
    }

    private Map<String, Entry> entries() {
        if (entries == null) entries = new LinkedHashMap<>(read());
        return entries;
    }

    /** The entries the file holds; none if it is missing or not to be used (one debug line says why). */
    private Map<String, Entry> read() {
        try {
            return parse(load());
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | RuntimeException e) {
            Log.debug("%s is not used (%s): the jars are hashed", file, e.getMessage());
            return Map.of();
        }
    }

    private String load() throws IOException {
        // Held to the store's rule: a regular file of the store's owner that no one else may write.
        Map<String, Object> a;
        try {
            a = Files.readAttributes(file, "unix:isRegularFile,size,uid,permissions", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            throw new IOException("the file system has no POSIX owners, ctime or inodes");
        }
        if (!Boolean.TRUE.equals(a.get("isRegularFile"))) throw new IOException("not a regular file");
        if (!a.get("uid").equals(Files.getAttribute(file.getParent(), "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
            throw new IOException("not owned by the store's owner");
        }
        @SuppressWarnings("unchecked")
        Set<PosixFilePermission> permissions = (Set<PosixFilePermission>) a.get("permissions");
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("writable by others");
        }
        if ((Long) a.get("size") > MAX_SIZE) throw new IOException("larger than " + MAX_SIZE + " bytes");
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** The lines, each {@code sha256 size mtime ctime device inode path}, between the header and the CRC. */
    static Map<String, Entry> parse(String text) throws IOException {
        int crcAt = text.lastIndexOf('\n', text.length() - 2) + 1; // the last line
        if (!text.startsWith(HEADER + "\n") || !text.endsWith("\n") || crcAt <= HEADER.length()
                || !text.startsWith("crc ", crcAt)) {
            throw new IOException("not a record of this version");
        }
        String crc = text.substring(crcAt + 4, text.length() - 1);
        if (!crc.equals(crc(text.substring(0, crcAt)))) throw new IOException("its CRC does not match");
        Map<String, Entry> entries = new LinkedHashMap<>();
        String body = text.substring(HEADER.length() + 1, crcAt);
        if (body.isEmpty()) return entries;
        for (String line : body.split("\n", -1)) {
            if (line.isEmpty()) continue;
            String[] fields = line.split(" ", 7);
            if (fields.length != 7 || !Sha256.isHash(fields[0])) throw new IOException("a malformed line");
            try {
                entries.put(unescape(fields[6]), new Entry(FileIdentity.parse(fields, 1), fields[0], 0));
            } catch (NumberFormatException e) {
                throw new IOException("a malformed line");
            }
        }
        return entries;
    }

    static String format(Map<String, Entry> entries) {
        StringBuilder s = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            s.append(e.getValue().sha256()).append(' ').append(e.getValue().identity().format()).append(' ')
                    .append(escape(e.getKey())).append('\n');
        }
        String crc = crc(s.toString());
        return s.append("crc ").append(crc).append('\n').toString();
    }

    private void write(Map<String, Entry> entries) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) return;
        byte[] bytes = format(entries).getBytes(StandardCharsets.UTF_8);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path temp = Store.newTemporary(dir, posix);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            // Held while written: the clean-up at another start removes only temporary files no one holds.
            out.lock();
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) out.write(buffer);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } finally {
            if (temp != null) Files.deleteIfExists(temp);
        }
    }

    private static String crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    private static String key(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    /** A path on one line: backslash, newline and carriage return escaped. */
    static String escape(String path) {
        return path.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    static String unescape(String s) throws IOException {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == s.length()) throw new IOException("a malformed path");
            char n = s.charAt(i);
            out.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n == '\\' ? '\\' : '\0');
            if (n != 'n' && n != 'r' && n != '\\') throw new IOException("a malformed path");
        }
        return out.toString();
    }
}
