package io.modulets.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * A Spring Boot executable jar, laid out as Spring Boot's build plugins lay one out: Spring Boot's
 * launcher classes (from the real {@code spring-boot-loader} jar) at the root, the application's classes
 * under {@code BOOT-INF/classes/}, each library a stored (uncompressed) jar under {@code BOOT-INF/lib/},
 * and a manifest whose {@code Main-Class} is the launcher and {@code Start-Class} the application's main.
 */
public final class BootJar {
    private static final long ENTRY_TIME = 946684800000L;

    private Path loader;
    private Path classes;
    private String startClass;
    private final List<Path> libraries = new ArrayList<>();

    /** The {@code spring-boot-loader} jar whose classes go at the root. */
    public BootJar loader(Path springBootLoaderJar) {
        this.loader = springBootLoaderJar;
        return this;
    }

    /** A jar whose entries become {@code BOOT-INF/classes/} (its manifest is left out). */
    public BootJar classes(Path jar, String startClass) {
        this.classes = jar;
        this.startClass = startClass;
        return this;
    }

    public BootJar library(Path jar) {
        libraries.add(jar);
        return this;
    }

    public Path build(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
        main.putValue("Start-Class", startClass);
        main.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
        main.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            put(zip, new JarEntry("META-INF/MANIFEST.MF"));
            manifest.write(zip);
            zip.closeEntry();
            copyEntries(loader, "", zip);
            put(zip, new JarEntry("BOOT-INF/"));
            put(zip, new JarEntry("BOOT-INF/classes/"));
            copyEntries(classes, "BOOT-INF/classes/", zip);
            put(zip, new JarEntry("BOOT-INF/lib/"));
            for (Path library : libraries) {
                stored(zip, "BOOT-INF/lib/" + library.getFileName(), Files.readAllBytes(library));
            }
        }
        return jar;
    }

    private static void copyEntries(Path from, String prefix, JarOutputStream zip) throws IOException {
        try (JarFile in = new JarFile(from.toFile())) {
            for (Enumeration<JarEntry> all = in.entries(); all.hasMoreElements(); ) {
                JarEntry entry = all.nextElement();
                if (entry.getName().startsWith("META-INF/")) {
                    continue;
                }
                put(zip, new JarEntry(prefix + entry.getName()));
                if (entry.isDirectory()) {
                    continue;
                }
                try (InputStream bytes = in.getInputStream(entry)) {
                    bytes.transferTo(zip);
                }
                zip.closeEntry();
            }
        }
    }

    /** Spring Boot reads a nested jar in place, so it must be stored, not deflated. */
    private static void stored(JarOutputStream zip, String name, byte[] bytes) throws IOException {
        JarEntry entry = new JarEntry(name);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        entry.setCrc(crc.getValue());
        put(zip, entry);
        zip.write(bytes);
        zip.closeEntry();
    }

    private static void put(JarOutputStream zip, JarEntry entry) throws IOException {
        entry.setTime(ENTRY_TIME);
        zip.putNextEntry(entry);
        if (entry.isDirectory()) {
            zip.closeEntry();
        }
    }
}
