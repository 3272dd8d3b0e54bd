package io.modulets.deploy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import io.modulets.config.JarLimits;
import io.modulets.generations.Snapshot;

/**
 * Bounded reading (DESIGN §4, Deploying): what a deploy may make the agent inflate. {@link #check} judges every
 * jar from its central directory alone, before anything is inflated: the entry count, each entry's
 * size and compression ratio, the jar's total, and entries whose compressed data overlap (the sum of
 * their compressed sizes is more than the file holds: several entries point at one stream, which no
 * zip tool writes). Every reader of a deploy then reads an entry through {@link #open}, which never
 * reads past the size the entry's header gives, so that a header that lies is caught at its first
 * extra byte rather than after a gigabyte.
 */
final class ZipBounds {
    private final JarLimits limits;
    private final Budget budget;

    ZipBounds(JarLimits limits, Budget budget) {
        this.limits = limits;
        this.budget = budget;
    }

    JarLimits limits() {
        return limits;
    }

    /** Refuses the first jar of the snapshot whose central directory is over a limit. */
    void check(Snapshot snapshot) throws DeployRefused {
        for (Snapshot.Jar jar : snapshot.jars()) {
            check(jar.fileName(), jar.stored());
        }
    }

    void check(String jarName, Path stored) throws DeployRefused {
        try (ZipFile zip = new ZipFile(stored.toFile())) {
            check(jarName, zip, Files.size(stored));
        } catch (ZipException e) {
            throw new DeployRefused(jarName + " is not a complete zip file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DeployRefused("cannot read " + jarName + " (" + e + ")", e);
        }
    }

    private void check(String jarName, ZipFile zip, long fileSize) throws DeployRefused {
        if (zip.size() > limits.maxEntries()) {
            throw new DeployRefused(jarName + " holds " + zip.size() + " entries, more than maxEntries="
                    + limits.maxEntries() + " (give a higher maxEntries= if the jar is what you meant)");
        }
        long inflated = 0;
        long compressed = 0;
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            long size = entry.getSize();
            long packed = entry.getCompressedSize();
            String name = jarName + ": entry " + entry.getName();
            if (size > limits.maxEntrySize()) {
                throw new DeployRefused(name + " inflates to " + size + " bytes, more than maxEntrySize="
                        + JarLimits.size(limits.maxEntrySize()) + " (a zip bomb, or give a higher maxEntrySize=)");
            }
            if (overRatio(size, packed)) {
                throw new DeployRefused(name + " inflates " + size / Math.max(packed, 1) + " times its compressed size"
                        + " ("
                        + packed + " to " + size + " bytes), more than maxRatio=" + limits.maxRatio()
                        + " (a zip bomb, or give a higher maxRatio=)");
            }
            inflated += Math.max(size, 0);
            compressed += Math.max(packed, 0);
            if (inflated > limits.maxJarSize()) {
                throw new DeployRefused(jarName + "'s entries inflate to more than maxJarSize="
                        + JarLimits.size(limits.maxJarSize()) + " (a zip bomb, or give a higher maxJarSize=)");
            }
        }
        if (compressed > fileSize) {
            throw new DeployRefused(jarName + "'s entries overlap: their compressed data add up to " + compressed
                    + " bytes, and the file holds " + fileSize + " (a zip bomb: several entries read one stream)");
        }
    }

    private boolean overRatio(long size, long packed) {
        return size > JarLimits.RATIO_FLOOR && packed >= 0 && size / limits.maxRatio() > packed;
    }

    /**
     * The entry's inflated bytes, never more than its header gives (nor, for an entry whose header has
     * no size, more than the limits allow): one byte more fails the read with a one-line reason, and
     * so does the deploy's {@link Budget} running out.
     */
    InputStream open(ZipFile zip, ZipEntry entry) throws IOException {
        long declared = entry.getSize();
        long allowed = declared >= 0 ? declared : limits.maxEntrySize();
        return new Bounded(zip.getInputStream(entry), entry.getName(), allowed, declared >= 0, budget);
    }

    /** An entry that inflates to more than it may, or a budget spent; its message is the reason. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private static final class Bounded extends FilterInputStream {
        private final String name;
        private final long allowed;
        private final boolean declared;
        private final Budget budget;
        private long read;

        Bounded(InputStream in, String name, long allowed, boolean declared, Budget budget) {
            super(in);
            this.name = name;
            this.allowed = allowed;
            this.declared = declared;
            this.budget = budget;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            String stop = budget.exceeded();
            if (stop != null) {
                throw new TooLarge("entry " + name + " not read: " + stop);
            }
            // Ask for one byte past the allowance at most: that byte is the proof of a lie.
            int n = in.read(b, off, (int) Math.min(len, allowed - read + 1));
            if (n > 0 && (read += n) > allowed) {
                throw new TooLarge("entry " + name + " inflates to more than the " + allowed + " bytes "
                        + (declared ? "its zip header gives" : "the limits allow") + " (a zip bomb?)");
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // The inflater's own skip would not be counted: skip by reading.
            byte[] buffer = new byte[(int) Math.max(1, Math.min(n, 8192))];
            long left = n;
            for (int r; left > 0 && (r = read(buffer, 0, (int) Math.min(left, buffer.length))) >= 0; ) {
                left -= r;
            }
            return n - left;
        }
    }
}
