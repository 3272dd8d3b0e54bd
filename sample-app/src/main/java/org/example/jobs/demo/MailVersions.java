package org.example.jobs.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles the two versions of the swappable mail module ({@code src/mail/v1}, {@code src/mail/v2},
 * packed into modulets-sample.jar as resources under {@code mail-versions/}) into
 * {@code mail-1.jar} and {@code mail-2.jar}, against the Jakarta Mail API the demo itself runs with.
 * Built at run time, like the magic-number module of {@code org.example.seed}, so that the demo needs nothing but the
 * sample jar and its {@code lib/} folder.
 */
public final class MailVersions {
    public static final int FIRST = 1;
    public static final int LAST = 2;
    static final String PACKAGE_DIR = "org/example/jobs/mail/";
    static final List<String> CLASSES = List.of("Mailer", "ReturnPath");
    /** A fixed time stamp, so that the same version is always the same bytes (and generation). */
    private static final long ENTRY_TIME = 946684800000L;

    private MailVersions() {
    }

    /** Writes {@code dir/mail-1.jar} and {@code dir/mail-2.jar}; returns {@code dir}. */
    public static Path writeAll(Path dir) throws IOException {
        for (int version = FIRST; version <= LAST; version++) {
            write(version, jar(dir, version));
        }
        return dir;
    }

    public static Path jar(Path dir, int version) {
        return dir.resolve("mail-" + version + ".jar");
    }

    static void write(int version, Path jar) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IOException("no Java compiler in " + System.getProperty("java.home") + ": run the demo on a JDK, not a JRE");
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        List<JavaFileObject> sources = new ArrayList<>();
        for (String name : CLASSES) {
            sources.add(source(version, name));
        }
        Path classes = Files.createTempDirectory("mail-" + version + "-classes");
        try {
            StringWriter errors = new StringWriter();
            boolean ok = javac.getTask(errors, null, null,
                    List.of("--release", "17", "-proc:none", "-classpath", mailApi().toString(), "-d", classes.toString()),
                    null, sources).call();
            if (!ok) {
                throw new IOException("compiling mail module version " + version + " failed:\n" + errors);
            }
            Manifest manifest = new Manifest();
            Attributes main = manifest.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            main.put(Attributes.Name.IMPLEMENTATION_TITLE, "mail");
            main.put(Attributes.Name.IMPLEMENTATION_VERSION, version + ".0");
            try (OutputStream out = Files.newOutputStream(jar);
                 JarOutputStream jos = new JarOutputStream(out)) {
                putEntry(jos, "META-INF/MANIFEST.MF");
                manifest.write(jos);
                jos.closeEntry();
                for (String name : CLASSES) {
                    putEntry(jos, PACKAGE_DIR + name + ".class");
                    jos.write(Files.readAllBytes(classes.resolve(PACKAGE_DIR + name + ".class")));
                    jos.closeEntry();
                }
            }
        } finally {
            deleteTree(classes);
        }
    }

    private static JavaFileObject source(int version, String name) throws IOException {
        String resource = "/mail-versions/v" + version + "/" + PACKAGE_DIR + name + ".java";
        String text;
        try (InputStream in = MailVersions.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is missing from " + codeSource(MailVersions.class));
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new SimpleJavaFileObject(URI.create("string:///" + PACKAGE_DIR + name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        };
    }

    /** The jar (or directory) this JVM loaded the Jakarta Mail API from. */
    private static Path mailApi() throws IOException {
        return codeSource(jakarta.mail.Session.class);
    }

    private static Path codeSource(Class<?> type) throws IOException {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("cannot tell where " + type.getName() + " was loaded from: " + e);
        }
    }

    private static void putEntry(JarOutputStream jos, String name) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setTime(ENTRY_TIME);
        jos.putNextEntry(entry);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
