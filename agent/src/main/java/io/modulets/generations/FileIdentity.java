package io.modulets.generations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What says a file is still the one that was hashed, without reading it: its size, modification time,
 * device and inode, and its change time (ctime). The ctime is what makes it trustworthy: every write, rename,
 * link, chmod or {@code utimes} sets it to the kernel's clock, and no user-space call can set it back, so a
 * file rewritten in place with its size and mtime put back still shows a new one. Known only where the file
 * system has POSIX ctime and inodes (Linux, macOS): elsewhere {@link #of} returns null and nothing is trusted.
 *
 * @param size   in bytes
 * @param mtime  the modification time, in nanoseconds since the epoch
 * @param ctime  the change time, in nanoseconds since the epoch
 * @param device the file system's device number
 * @param inode  the file's number on it
 */
record FileIdentity(long size, long mtime, long ctime, long device, long inode) {

    private static final String ATTRIBUTES = "unix:isRegularFile,size,lastModifiedTime,ctime,dev,ino";

    /**
     * The identity of the regular file at {@code file} (through a link if {@code follow}); null if it is not a
     * regular file, or the file system does not give a ctime and inode. Throws if it cannot be read.
     */
    static FileIdentity of(Path file, boolean follow) throws IOException {
        Map<String, Object> a;
        try {
            a = follow ? Files.readAttributes(file, ATTRIBUTES) : Files.readAttributes(file, ATTRIBUTES,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            return null;
        }
        if (!(a.get("isRegularFile") instanceof Boolean regular) || !regular) return null;
        if (!(a.get("size") instanceof Long size) || !(a.get("lastModifiedTime") instanceof FileTime mtime)
                || !(a.get("ctime") instanceof FileTime ctime) || !(a.get("dev") instanceof Long device)
                || !(a.get("ino") instanceof Long inode)) {
            return null;
        }
        return new FileIdentity(size, nanos(mtime), nanos(ctime), device, inode);
    }

    /**
     * Whether this is {@code before} after setting its modification time to {@code mtime}: the same file, the same
     * size, that mtime (to the file system's precision, at worst a second).
     */
    boolean touchedFrom(FileIdentity before, long mtime) {
        return before != null && size == before.size && device == before.device && inode == before.inode
                && Math.abs(this.mtime - mtime) < 1_000_000_000L;
    }

    // Written out: a record's generated equals and hashCode bootstrap through ObjectMethods, which loads some
    // forty java.lang.invoke classes at the start of a JVM that would not otherwise load them.
    @Override
    public boolean equals(Object o) {
        return o instanceof FileIdentity f && size == f.size && mtime == f.mtime && ctime == f.ctime
                && device == f.device && inode == f.inode;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(inode) * 31 + Long.hashCode(ctime);
    }

    @Override
    public String toString() {
        return format();
    }

    private static long nanos(FileTime time) {
        return time.to(TimeUnit.NANOSECONDS);
    }

    /** The fields as the record writes them: {@code size mtime ctime device inode}. */
    String format() {
        return size + " " + mtime + " " + ctime + " " + device + " " + inode;
    }

    /** As {@link #format} wrote them, from {@code fields[from]} on; throws NumberFormatException if malformed. */
    static FileIdentity parse(String[] fields, int from) {
        long size = Long.parseLong(fields[from]);
        if (size < 0) throw new NumberFormatException("negative size");
        return new FileIdentity(size, Long.parseLong(fields[from + 1]), Long.parseLong(fields[from + 2]),
                Long.parseLong(fields[from + 3]), Long.parseLong(fields[from + 4]));
    }
}
