package io.modulets.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
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
 * A loader of Spring Boot's shape, rewritten by the rule: once asked for a class it is what generations see,
 * and it never defines a swappable class, even one its own jars hold.
 */
class SpringBootLoaderTransformletTest {
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

        ClassLoader launched = rewrittenLaunched(new URL[] {dir.toUri().toURL()}, shell);
        assertSame(String.class, launched.loadClass("java.lang.String"));
        assertSame(launched, application.application(), "adopted at its first loadClass");
        ClassNotFoundException refused = assertThrows(ClassNotFoundException.class,
                () -> launched.loadClass(swappable));
        assertEquals("no generation has " + swappable, refused.getMessage(), "answered as the shell answers it");
    }

    /** Launched, rewritten by the rule, defined by a loader of its own. */
    private ClassLoader rewrittenLaunched(URL[] urls, ClassLoader parent) throws Exception {
        Transformlet rule = SpringBootLoaderTransformlet.rules().get(0);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        new ClassReader(bytes(Launched.class)).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                return rule.visitMethod(name, descriptor, mv);
            }
        }, 0);
        byte[] rewritten = writer.toByteArray();
        ClassLoader definer = new ClassLoader("definer", getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(Launched.class.getName())) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : defineClass(name, rewritten, 0, rewritten.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        try {
            return (ClassLoader) definer.loadClass(Launched.class.getName())
                    .getConstructor(URL[].class, ClassLoader.class).newInstance(urls, parent);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    /** A real class file, renamed: what a jar's copy of a swappable class would be. */
    private static byte[] renamed(String internalName) throws IOException {
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(bytes(Empty.class)).accept(new ClassRemapper(writer,
                new SimpleRemapper(Empty.class.getName().replace('.', '/'), internalName)), 0);
        return writer.toByteArray();
    }

    public static class Empty {
    }

    private static byte[] bytes(Class<?> c) throws IOException {
        String file = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = c.getResourceAsStream(file)) {
            return in.readAllBytes();
        }
    }
}
