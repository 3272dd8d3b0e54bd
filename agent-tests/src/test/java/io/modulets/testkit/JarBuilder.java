package io.modulets.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources given as strings into a jar.
 *
 * <pre>{@code
 * new JarBuilder().source("hello.Hello", "package hello; public class Hello { ... }")
 *         .mainClass("hello.Hello").build(dir.resolve("hello.jar"));
 * }</pre>
 *
 * Classes are compiled for {@code --release 17} unless told otherwise, so that one jar runs on
 * every JDK under test. Entries get a fixed time: the same sources give the same bytes.
 */
public final class JarBuilder {
    private static final long ENTRY_TIME = 946684800000L;

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, String> manifest = new LinkedHashMap<>();
    private final Map<String, String> resources = new LinkedHashMap<>();
    private final List<Path> classpath = new ArrayList<>();
    private final List<Path> modulePath = new ArrayList<>();
    private int release = Jdks.BASELINE;
    private boolean directories;

    /** Adds the source of a top-level class, by its binary name ({@code a.b.C}), or {@code module-info}'s. */
    public JarBuilder source(String className, String source) {
        sources.put(className, source);
        return this;
    }

    /** Adds a text resource, by its path in the jar ({@code META-INF/services/a.b.Service}). */
    public JarBuilder resource(String path, String text) {
        resources.put(path, text);
        return this;
    }

    public JarBuilder manifest(String attribute, String value) {
        manifest.put(attribute, value);
        return this;
    }

    public JarBuilder mainClass(String className) {
        return manifest(Attributes.Name.MAIN_CLASS.toString(), className);
    }

    /** Compile against these jars or directories as well. */
    public JarBuilder classpath(Path... entries) {
        classpath.addAll(List.of(entries));
        return this;
    }

    /** Compile against these modules as well (a {@code module-info} source makes the jar a module). */
    public JarBuilder modulePath(Path... entries) {
        modulePath.addAll(List.of(entries));
        return this;
    }

    public JarBuilder release(int release) {
        this.release = release;
        return this;
    }

    /**
     * Writes an entry for each directory too, as {@code jar} and Maven do: class-path scanning by package
     * ({@code ClassLoader.getResources("com/acme/")}, Spring's component scan) finds a jar only so.
     */
    public JarBuilder directoryEntries() {
        this.directories = true;
        return this;
    }

    /** Compiles and writes {@code jar} (replacing it); throws with javac's diagnostics on errors. */
    public Path build(Path jar) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in " + System.getProperty("java.home") + ": run the tests on a JDK");
        }
        Path parent = Files.createDirectories(jar.toAbsolutePath().getParent());
        Path classes = Files.createTempDirectory(parent, ".classes-");
        try {
            List<JavaFileObject> units = new ArrayList<>();
            sources.forEach((name, text) -> units.add(new SimpleJavaFileObject(
                    URI.create("string:///" + name.replace('.', '/') + JavaFileObject.Kind.SOURCE.extension),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return text;
                }
            }));
            List<String> options = new ArrayList<>(List.of("--release", String.valueOf(release), "-d", classes.toString()));
            if (!classpath.isEmpty()) {
                options.add("-classpath");
                options.add(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            }
            if (!modulePath.isEmpty()) {
                options.add("--module-path");
                options.add(modulePath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            }
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            if (!javac.getTask(null, null, diagnostics, options, null, units).call()) {
                throw new IllegalStateException("compiling " + sources.keySet() + " failed:\n"
                        + diagnostics.getDiagnostics().stream().map(Object::toString).collect(Collectors.joining("\n")));
            }
            writeJar(classes, jar);
            return jar;
        } finally {
            deleteTree(classes);
        }
    }

    private void writeJar(Path classes, Path jar) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out)) {
            put(jos, "META-INF/MANIFEST.MF");
            mf.write(jos);
            jos.closeEntry();
            Set<String> written = new HashSet<>();
            for (Path file : files) {
                String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
                for (int slash = name.indexOf('/'); directories && slash > 0; slash = name.indexOf('/', slash + 1)) {
                    if (written.add(name.substring(0, slash + 1))) {
                        put(jos, name.substring(0, slash + 1));
                        jos.closeEntry();
                    }
                }
                put(jos, name);
                Files.copy(file, jos);
                jos.closeEntry();
            }
            for (Map.Entry<String, String> resource : resources.entrySet()) {
                put(jos, resource.getKey());
                jos.write(resource.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                jos.closeEntry();
            }
        }
    }

    private static void put(JarOutputStream jos, String name) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setTime(ENTRY_TIME);
        jos.putNextEntry(entry);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
