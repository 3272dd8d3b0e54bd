package io.modulets.generations;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One immutable, content-addressed set of swappable jars: what a generation loads from.
 *
 * @param hash  lowercase hex SHA-256 over the jars' sorted {@code sha256} values joined
 *              with {@code "\n"}: the same content is the same hash, whatever the file
 *              names or their order
 * @param jars  the stored copies, in the order they were given (the class path order)
 * @param label for people: versions or file names, see {@link Labels}
 */
public record Snapshot(String hash, List<Snapshot.Jar> jars, String label) {

    /**
     * One jar of a snapshot.
     *
     * @param fileName the file name the jar was deployed under (for labels and messages)
     * @param sha256   lowercase hex SHA-256 of its content
     * @param stored   the read-only copy in the store, {@code <sha256>.jar}
     * @param size     its size in bytes
     */
    public record Jar(String fileName, String sha256, Path stored, long size) {
        public Jar {
            Objects.requireNonNull(fileName, "fileName");
            Objects.requireNonNull(stored, "stored");
            if (!Sha256.isHash(sha256)) {
                throw new IllegalArgumentException("not a lowercase hex SHA-256: " + sha256);
            }
            if (size < 0) throw new IllegalArgumentException("negative size: " + size);
        }
    }

    public Snapshot {
        Objects.requireNonNull(label, "label");
        jars = List.copyOf(jars);
        if (jars.isEmpty()) throw new IllegalArgumentException("a snapshot has at least one jar");
        // The hash is derived data; refusing a mismatch keeps every Snapshot self-consistent.
        if (!hashOf(jars).equals(hash)) {
            throw new IllegalArgumentException("hash " + hash + " does not match the jars");
        }
    }

    /** A snapshot of these jars, with its hash computed. */
    static Snapshot of(List<Jar> jars, String label) {
        return new Snapshot(hashOf(jars), jars, label);
    }

    static String hashOf(List<Jar> jars) {
        List<String> hashes = new ArrayList<>(jars.size());
        for (Jar jar : jars) {
            hashes.add(jar.sha256());
        }
        Collections.sort(hashes);
        String joined = String.join("\n", hashes);
        return Sha256.of(joined.getBytes(StandardCharsets.US_ASCII));
    }

    /** The first 12 hex digits of {@link #hash()}, enough for people and log lines. */
    public String shortHash() {
        return hash.substring(0, 12);
    }

    /** The jars' file names, in class path order. */
    public List<String> fileNames() {
        List<String> names = new ArrayList<>(jars.size());
        for (Jar jar : jars) {
            names.add(jar.fileName());
        }
        return List.copyOf(names);
    }

    /** The stored copies, in class path order. */
    public List<Path> paths() {
        List<Path> paths = new ArrayList<>(jars.size());
        for (Jar jar : jars) {
            paths.add(jar.stored());
        }
        return List.copyOf(paths);
    }
}
