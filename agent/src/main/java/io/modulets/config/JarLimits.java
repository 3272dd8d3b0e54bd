package io.modulets.config;

/**
 * How much a deploy may make the agent inflate (agent arguments {@code maxEntrySize}, {@code maxJarSize},
 * {@code maxEntries}, {@code maxRatio}; DESIGN §4): a zip bomb is refused from its central directory,
 * before anything is inflated, and no entry is ever read past the size its header gives.
 * The defaults are far above what real jars hold (the largest entries in real jars, native libraries
 * and bundled models, are some hundred MB; the largest jars a few hundred MB inflated and about
 * 100,000 entries), so that they never refuse a real jar.
 *
 * @param maxEntrySize bytes one entry may inflate to
 * @param maxJarSize   bytes all entries of one jar may inflate to together
 * @param maxEntries   entries one jar may hold
 * @param maxRatio     how many times its compressed size an entry may inflate to, once it is over
 *                     {@link #RATIO_FLOOR} (a small entry may compress at any ratio)
 */
public record JarLimits(long maxEntrySize, long maxJarSize, long maxEntries, long maxRatio) {
    public static final long MIB = 1L << 20;
    /** Entries up to this size are never refused for their ratio: a small file of zeros is real. */
    public static final long RATIO_FLOOR = 16 * MIB;
    public static final JarLimits DEFAULT = new JarLimits(512 * MIB, 2048 * MIB, 1_000_000, 100);

    public JarLimits {
        if (maxEntrySize < 1 || maxJarSize < 1 || maxEntries < 1 || maxRatio < 1) {
            throw new IllegalArgumentException("every jar limit is at least 1: " + this);
        }
    }

    /** {@code 512m}, {@code 2g}, {@code 100k}, or a plain number of bytes, as the arguments take it. */
    public static String size(long bytes) {
        if (bytes % (1L << 30) == 0) return bytes / (1L << 30) + "g";
        if (bytes % MIB == 0) return bytes / MIB + "m";
        if (bytes % 1024 == 0) return bytes / 1024 + "k";
        return Long.toString(bytes);
    }
}
