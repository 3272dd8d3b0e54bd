package org.example.seed;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** Compiles the versions of the swappable {@code org.example.magic.MagicModule} into jars. */
public final class MagicVersions {
    public static final int FIRST = 1000;
    public static final int LAST = 1003;
    static final String CLASS_FILE = "org/example/magic/MagicModule.class";
    /** A fixed time stamp, so that the same version is always the same bytes (and generation). */
    private static final long ENTRY_TIME = 946684800000L;

    private MagicVersions() {
    }

    static String source(int magic) {
        return "package org.example.magic;\n"
                + "public final class MagicModule {\n"
                + "    private MagicModule() {}\n"
                + "    public static int getMagic() { return " + magic + "; }\n"
                + "}\n";
    }

    /** Writes {@code dir/magic-N.jar} for every N from {@link #FIRST} to {@link #LAST}. */
    public static void writeAll(Path dir) throws IOException {
        for (int magic = FIRST; magic <= LAST; magic++) {
            write(magic, dir.resolve("magic-" + magic + ".jar"));
        }
    }

    /** Compiles the version {@code magic} (for Java 17, so it runs on every supported JDK) into {@code jar}. */
    public static void write(int magic, Path jar) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IOException("no Java compiler in " + System.getProperty("java.home") + ": run the demo on a JDK, not a JRE");
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        Path classes = Files.createTempDirectory("magic-" + magic + "-classes");
        try {
            JavaFileObject src = new SimpleJavaFileObject(
                    URI.create("string:///org/example/magic/MagicModule.java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source(magic);
                }
            };
            StringWriter errors = new StringWriter();
            boolean ok = javac.getTask(errors, null, null,
                    List.of("--release", "17", "-d", classes.toString()), null, List.of(src)).call();
            if (!ok) {
                throw new IOException("compiling MagicModule " + magic + " failed:\n" + errors);
            }
            Manifest manifest = new Manifest();
            Attributes main = manifest.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            main.put(Attributes.Name.IMPLEMENTATION_TITLE, "magic");
            main.put(Attributes.Name.IMPLEMENTATION_VERSION, "1.0." + (magic - FIRST));
            try (OutputStream out = Files.newOutputStream(jar);
                 JarOutputStream jos = new JarOutputStream(out)) {
                putEntry(jos, "META-INF/MANIFEST.MF");
                manifest.write(jos);
                jos.closeEntry();
                putEntry(jos, CLASS_FILE);
                jos.write(Files.readAllBytes(classes.resolve(CLASS_FILE)));
                jos.closeEntry();
            }
        } finally {
            deleteTree(classes);
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
