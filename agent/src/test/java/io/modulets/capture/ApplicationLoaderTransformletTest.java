package io.modulets.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.SimpleRemapper;

import io.modulets.config.PackageFilter;
import io.modulets.loader.ApplicationLoader;

/**
 * Loaders of Spring Boot's shape and of a servlet container's webapp loader, rewritten by their rules: once
 * adopted they are what generations see, and they never define a swappable class, even one their own jars hold.
 */
class ApplicationLoaderTransformletTest {
    private static final PackageFilter SWAPPABLE = PackageFilter.of(List.of("com.acme.jobs"), List.of());

    @TempDir
    Path dir;

    /** Of the shape of Spring Boot's loaders: a URLClassLoader that declares {@code loadClass(String, boolean)}. */
    public static class Launched extends URLClassLoader {
        public Launched(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            return super.loadClass(name, resolve);
        }
    }

    /** Of the shape of a webapp's loader (Tomcat's, Jetty's): it looks in its own jars before its parent. */
    public static class Webapp extends URLClassLoader {
        public Webapp(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && !name.startsWith("java.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notHere) {
                        c = null;
                    }
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }

    @Test
    void aWebappLoaderAnswersASwappableNameFromTheGenerationNotFromItsOwnCopy() throws Exception {
        Files.write(Files.createDirectories(dir.resolve("com/acme/jobs")).resolve("Job.class"),
                renamed("com/acme/jobs/Job"));
        Files.write(Files.createDirectories(dir.resolve("web")).resolve("Page.class"), renamed("web/Page"));
        Path generationDir = Files.createDirectories(dir.resolve("generation"));
        Files.write(Files.createDirectories(generationDir.resolve("com/acme/jobs")).resolve("Job.class"),
                renamed("com/acme/jobs/Job"));
        ClassLoader generation = new URLClassLoader("generation", new URL[] {generationDir.toUri().toURL()}, null);
        ClassLoader shell = new ClassLoader("shell", getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                return SWAPPABLE.isSwappable(name) ? generation.loadClass(name) : super.loadClass(name, resolve);
            }
        };
        ApplicationLoader application = new ApplicationLoader(shell, SWAPPABLE).install();
        URL[] jars = {dir.toUri().toURL()};
        ClassLoader webapp = rewritten(Webapp.class, 2, jars, shell);

        assertSame(generation, webapp.loadClass("com.acme.jobs.Job").getClassLoader(), "not the webapp's copy");
        assertSame(webapp, webapp.loadClass("web.Page").getClassLoader(), "its own classes, as before");
        assertSame(shell, application.application(), "adopted only once it defines a class of its WEB-INF");

        ApplicationLoader.definingInWebapp(webapp, "Tomcat");
        assertSame(webapp, application.application());
        ClassLoader reloaded = rewritten(Webapp.class, 2, jars, shell);
        ApplicationLoader.definingInWebapp(reloaded, "Tomcat");
        assertSame(webapp, application.application(), "the first webapp stays");
        ClassNotFoundException refused = assertThrows(ClassNotFoundException.class,
                () -> reloaded.loadClass("com.acme.jobs.Job"));
        assertTrue(refused.getMessage().endsWith("one webapp per JVM, not reloaded (docs/SERVERS.md)"),
                refused::getMessage);
    }

    @Test
    void theRewrittenLoaderIsAdoptedAndNeverDefinesASwappableClass() throws Exception {
        // its jar holds a swappable class; the shell has no generation to answer it from
        String swappable = "com.acme.jobs.Job";
        Path copy = dir.resolve("com/acme/jobs/Job.class");
        Files.createDirectories(copy.getParent());
        Files.write(copy, renamed(swappable.replace('.', '/')));
        ClassLoader shell = new ClassLoader("shell", getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (SWAPPABLE.isSwappable(name)) {
                    throw new ClassNotFoundException("no generation has " + name);
                }
                return super.loadClass(name, resolve);
            }
        };
        ApplicationLoader application = new ApplicationLoader(shell, SWAPPABLE).install();

        ClassLoader launched = rewritten(Launched.class, 0, new URL[] {dir.toUri().toURL()}, shell);
        assertSame(String.class, launched.loadClass("java.lang.String"));
        assertSame(launched, application.application(), "adopted at its first loadClass");
        ClassNotFoundException refused = assertThrows(ClassNotFoundException.class,
                () -> launched.loadClass(swappable));
        assertEquals("no generation has " + swappable, refused.getMessage(), "answered as the shell answers it");
    }

    /** A loader of class {@code shape}, rewritten by rule {@code rule}, defined by a loader of its own. */
    private ClassLoader rewritten(Class<?> shape, int rule, URL[] urls, ClassLoader parent) throws Exception {
        Transformlet transformlet = ApplicationLoaderTransformlet.rules().get(rule);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        new ClassReader(RewrittenClass.bytes(shape)).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                return transformlet.visitMethod(name, descriptor, mv);
            }
        }, 0);
        byte[] rewritten = writer.toByteArray();
        try {
            return (ClassLoader) RewrittenClass.define(shape, rewritten)
                    .getConstructor(URL[].class, ClassLoader.class).newInstance(urls, parent);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    /** A real class file, renamed: what a jar's copy of a swappable class would be. */
    private static byte[] renamed(String internalName) throws IOException {
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(RewrittenClass.bytes(Empty.class)).accept(new ClassRemapper(writer,
                new SimpleRemapper(Empty.class.getName().replace('.', '/'), internalName)), 0);
        return writer.toByteArray();
    }

    public static class Empty {
    }
}
