package io.modulets.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import io.modulets.config.Log;
import io.modulets.config.PackageFilter;
import io.modulets.generations.Snapshot;

/**
 * The first half of verification (DESIGN §4, Deploying): every jar of a snapshot reads completely as a zip
 * with correct CRCs, within the {@link ZipBounds}, its manifest parses as the JDK parses it, its class
 * files parse and target a class-file version this JVM runs, no class appears in two jars, and (unless
 * allowed) no class lies outside the swappable packages. Reads the stored copies, so that what is
 * checked is what the generation will load. In a multi-release jar the class this JVM would load
 * ({@code META-INF/versions/N}, the highest N it runs) is the one whose shape the link check reads.
 */
final class JarCheck {
    /** The newest class-file major version this JVM runs (61 on 17, 69 on 25). */
    static final int MAX_MAJOR = 44 + Runtime.version().feature();
    private static final int MIN_MAJOR = 45;

    private final PackageFilter filter;
    private final boolean allowOutside;
    private final ZipBounds bounds;
    private long classBytes;

    JarCheck(PackageFilter filter, boolean allowOutside, ZipBounds bounds) {
        this.filter = filter;
        this.allowOutside = allowOutside;
        this.bounds = bounds;
    }

    /**
     * The classes of a snapshot as this JVM would load them.
     *
     * @param shapes by internal name, the versioned class of a multi-release jar where this JVM takes it
     * @param jars   where each class comes from, by internal name, for messages: its jar's file name, and
     *               for a multi-release jar's versioned class the version ({@code a.jar (META-INF/versions/17)})
     * @param bytes  the size of all class files read, versioned ones included
     */
    record Classes(Map<String, ClassShape> shapes, Map<String, String> jars, long bytes) {
    }

    /** The classes of the snapshot, or a refusal naming the jar and the entry. */
    Classes read(Snapshot snapshot) throws DeployRefused {
        Map<String, ClassShape> classes = new HashMap<>();
        Map<String, String> jarOf = new HashMap<>();
        Map<String, Integer> versions = new HashMap<>(); // the version whose shape is kept (0: the base class)
        for (Snapshot.Jar jar : snapshot.jars()) {
            readJar(jar.fileName(), jar.stored(), classes, jarOf, versions);
        }
        Map<String, String> sources = new HashMap<>();
        for (Map.Entry<String, String> entry : jarOf.entrySet()) {
            String name = entry.getKey();
            int version = versions.get(name);
            sources.put(name, version == 0 ? entry.getValue()
                    : entry.getValue() + " (META-INF/versions/" + version + ")");
        }
        return new Classes(classes, sources, classBytes);
    }

    private void readJar(String jarName, Path stored, Map<String, ClassShape> classes, Map<String, String> jarOf,
                         Map<String, Integer> versions) throws DeployRefused {
        boolean multiRelease = readManifest(jarName, stored);
        byte[] buffer = new byte[8192];
        try (ZipFile zip = new ZipFile(stored.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                String versioned = versionedClass(name);
                // Resources, and versioned classes for a newer JVM, are only read through.
                boolean isClass = name.endsWith(".class") && !entry.isDirectory() && !name.startsWith("META-INF/")
                        && !name.equals("module-info.class");
                byte[] bytes = readEntry(jarName, zip, entry, buffer, isClass || versioned != null);
                classBytes += bytes == null ? 0 : bytes.length;
                if (versioned != null) {
                    // A multi-release jar's class for this JVM is loaded instead of the base one:
                    // it must parse and fit too, and it is what the link check reads.
                    ClassShape shape = parse(jarName, name, versioned, bytes);
                    checkPackage(jarName, shape.name());
                    int version = version(name);
                    if (multiRelease && version >= 9) keep(jarName, shape, version, classes, jarOf, versions);
                }
                if (isClass) {
                    ClassShape shape = parse(jarName, name, name, bytes);
                    checkPackage(jarName, shape.name());
                    keep(jarName, shape, 0, classes, jarOf, versions);
                }
            }
        } catch (ZipException e) {
            throw new DeployRefused(jarName + " is not a complete zip file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DeployRefused("cannot read " + jarName + " (" + e + ")", e);
        }
    }

    /** Keeps {@code shape} unless a class of its name from a higher version of this jar is kept already. */
    private static void keep(String jarName, ClassShape shape, int version, Map<String, ClassShape> classes,
                             Map<String, String> jarOf, Map<String, Integer> versions) throws DeployRefused {
        String other = jarOf.putIfAbsent(shape.name(), jarName);
        if (other != null && !other.equals(jarName)) {
            throw new DeployRefused("class " + dotted(shape.name()) + " is in both " + other + " and "
                    + jarName + "; each class must be in one jar");
        }
        Integer kept = versions.get(shape.name());
        if (kept != null && kept >= version) {
            return;
        }
        versions.put(shape.name(), version);
        classes.put(shape.name(), shape);
    }

    /**
     * Parses the manifest as the class loader will ({@link JarFile} with verification, at this JVM's
     * version: lines of at most 512 bytes, well-formed headers, at most the JDK's size for it); returns
     * whether the jar is a multi-release jar for this JVM.
     */
    private static boolean readManifest(String jarName, Path stored) throws DeployRefused {
        try (JarFile jar = new JarFile(stored.toFile(), true, ZipFile.OPEN_READ, JarFile.runtimeVersion())) {
            jar.getManifest();
            return jar.isMultiRelease();
        } catch (ZipException e) {
            throw new DeployRefused(jarName + " is not a complete zip file (" + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            throw new DeployRefused(jarName + ": " + JarFile.MANIFEST_NAME + " does not read as the JDK reads it ("
                    + e.getMessage() + ")", e);
        }
    }

    private void checkPackage(String jarName, String className) throws DeployRefused {
        if (!allowOutside && !filter.isSwappableInternal(className)) {
            throw new DeployRefused(jarName + " holds " + dotted(className)
                    + ", outside the swappable packages (" + String.join(", ", filter.packages())
                    + "); move it to the class path, add its package to packages=, or give outside=ignore");
        }
    }

    /**
     * For {@code META-INF/versions/N/a/B.class} with N at most this JVM's version, {@code a/B.class};
     * otherwise null.
     */
    static String versionedClass(String entryName) {
        String prefix = "META-INF/versions/";
        if (!entryName.startsWith(prefix) || !entryName.endsWith(".class")) return null;
        int slash = entryName.indexOf('/', prefix.length());
        if (slash < 0) return null;
        try {
            int version = Integer.parseInt(entryName.substring(prefix.length(), slash));
            String path = entryName.substring(slash + 1);
            return version <= Runtime.version().feature() && !path.equals("module-info.class") ? path : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** N of {@code META-INF/versions/N/…}, for a name {@link #versionedClass} accepted. */
    private static int version(String entryName) {
        int from = "META-INF/versions/".length();
        return Integer.parseInt(entryName.substring(from, entryName.indexOf('/', from)));
    }

    /** Reads the entry to its end, within the bounds, which makes the zip code inflate it, and checks size and CRC. */
    private byte[] readEntry(String jarName, ZipFile zip, ZipEntry entry, byte[] buffer, boolean keep)
            throws DeployRefused {
        CRC32 crc = new CRC32();
        ByteArrayOutputStream out = keep ? new ByteArrayOutputStream(
                entry.getSize() > 0 && entry.getSize() < (1 << 24) ? (int) entry.getSize() : 256) : null;
        long size = 0;
        try (InputStream in = bounds.open(zip, entry)) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                crc.update(buffer, 0, n);
                size += n;
                if (out != null) out.write(buffer, 0, n);
            }
        } catch (ZipBounds.TooLarge e) {
            throw new DeployRefused(jarName + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DeployRefused(jarName + ": entry " + entry.getName() + " does not read (" + e.getMessage() + ")",
                    e);
        } catch (OutOfMemoryError e) {
            out = null; // garbage now: what the refusal needs is little
            throw new DeployRefused(jarName + ": entry " + entry.getName() + " (" + entry.getSize() + " bytes) does"
                    + " not fit in the heap (" + Log.oneLine(e) + "); give the JVM more heap, or lower maxEntrySize=",
                    e);
        }
        if (entry.getSize() >= 0 && size != entry.getSize()) {
            throw new DeployRefused(jarName + ": entry " + entry.getName() + " holds " + size
                    + " bytes, its zip header says " + entry.getSize());
        }
        if (entry.getCrc() >= 0 && crc.getValue() != entry.getCrc()) {
            throw new DeployRefused(jarName + ": entry " + entry.getName() + " has a wrong CRC (the jar is damaged)");
        }
        return out == null ? null : out.toByteArray();
    }

    /** @param path the class file's path as a class name would give it ({@code a/B.class}) */
    private static ClassShape parse(String jarName, String entryName, String path, byte[] bytes)
            throws DeployRefused {
        if (bytes.length < 8 || (bytes[0] & 0xff) != 0xCA || (bytes[1] & 0xff) != 0xFE || (bytes[2] & 0xff) != 0xBA
                || (bytes[3] & 0xff) != 0xBE) {
            throw new DeployRefused(jarName + ": " + entryName + " is not a class file (no CAFEBABE header)");
        }
        int minor = (bytes[4] & 0xff) << 8 | bytes[5] & 0xff;
        int major = (bytes[6] & 0xff) << 8 | bytes[7] & 0xff;
        if (major > MAX_MAJOR || major < MIN_MAJOR) {
            throw new DeployRefused(jarName + ": " + entryName + " has class-file version " + major
                    + " (Java " + (major - 44) + "); this JVM runs " + MIN_MAJOR + " to " + MAX_MAJOR
                    + " (Java " + Runtime.version().feature() + "); compile with --release "
                    + Runtime.version().feature() + " or lower");
        }
        if (major >= 56 && minor == 0xFFFF) {
            throw new DeployRefused(jarName + ": " + entryName + " was compiled with --enable-preview; preview"
                    + " classes are not deployed");
        }
        ClassShape shape;
        try {
            shape = ClassShapes.read(bytes);
        } catch (RuntimeException e) {
            throw new DeployRefused(jarName + ": " + entryName + " does not parse as a class file (" + e + ")", e);
        }
        String expected = path.substring(0, path.length() - ".class".length());
        if (!expected.equals(shape.name())) {
            throw new DeployRefused(jarName + ": " + entryName + " holds class " + dotted(shape.name())
                    + "; a class file's path must match its name");
        }
        return shape;
    }

    static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }
}
