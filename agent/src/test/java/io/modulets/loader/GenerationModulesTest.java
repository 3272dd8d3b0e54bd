package io.modulets.loader;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ModuleVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.config.PackageFilter;
import io.modulets.testing.Compiler;

/** A generation of a modular application defines its modules in a layer of its own (DESIGN §3, named modules). */
class GenerationModulesTest {
    private static final PackageFilter FILTER = PackageFilter.of(List.of("com.acme.gen"), List.of());
    /** No shell modules: no read edge is added, so no Instrumentation is needed. */
    private final GenerationModules modules = new GenerationModules(null, Set.of(), Set.of(), true);

    @TempDir
    Path dir;

    @Test
    void eachGenerationHasItsOwnModuleWithItsServicesResourcesAndOpens() throws Exception {
        GenerationClassLoader one = generation(1, moduleJar(1));
        GenerationClassLoader two = generation(2, moduleJar(2));
        Class<?> hello1 = Class.forName("com.acme.gen.Hello", false, one);
        Class<?> hello2 = Class.forName("com.acme.gen.Hello", false, two);
        assertAll(
                () -> assertEquals("com.acme.gen", hello1.getModule().getName()),
                () -> assertEquals("com.acme.gen", hello2.getModule().getName()),
                () -> assertNotSame(hello1.getModule(), hello2.getModule(), "a module per generation"),
                () -> assertNotSame(hello1.getModule().getLayer(), ModuleLayer.boot()),
                () -> assertEquals(List.of("hello 1"), services(one), "generation 1's provider, and only it"),
                () -> assertEquals(List.of("hello 2"), services(two), "generation 2's provider, and only it"),
                () -> assertEquals("rate 1", resource(hello1)),
                () -> assertEquals("rate 2", resource(hello2)),
                () -> assertTrue(hello2.getModule().isOpen("com.acme.gen"), "its opens are kept"),
                () -> assertSame(hello2, Class.forName(hello2.getModule(), "com.acme.gen.Hello")),
                () -> assertEquals(null, Class.forName(hello2.getModule(), "com.acme.gen.Absent")));
    }

    @Test
    void aJarWithoutModuleInfoStaysInTheUnnamedModule() throws Exception {
        Path plain = jar("plain.jar", Compiler.compile(dir.resolve("plain"), Map.of("com.acme.gen.Hello",
                "package com.acme.gen; public class Hello {}")));
        GenerationClassLoader loader = generation(1, plain);
        Class<?> hello = Class.forName("com.acme.gen.Hello", false, loader);
        assertFalse(hello.getModule().isNamed());
        assertSame(loader.getUnnamedModule(), hello.getModule());
    }

    /** Every superclass must register for a loader to be parallel capable; GenerationLoader is one of them. */
    @Test
    void aGenerationsLoaderLoadsClassesInParallel() {
        GenerationClassLoader loader = new GenerationClassLoader("modulets-gen-p", new java.net.URL[0],
                ClassLoader.getSystemClassLoader(), FILTER, "p");
        assertTrue(loader.isRegisteredAsParallelCapable());
    }

    @Test
    void aModuleThatDoesNotResolveIsOneLineAndDefinesNothing() throws Exception {
        Path classes = Compiler.compile(dir.resolve("absent"), Map.of("com.acme.gen.Hello",
                "package com.acme.gen; public class Hello {}"));
        Files.write(classes.resolve("module-info.class"), requiringAbsent());
        GenerationClassLoader loader = new GenerationClassLoader("modulets-gen-x", urls(jar("absent.jar", classes)),
                ClassLoader.getSystemClassLoader(), FILTER, "x");
        IOException e = assertThrows(IOException.class, () -> modules.define(loader, loader.getURLs(), false));
        assertTrue(e.getMessage().startsWith("the modules com.acme.gen do not resolve against the boot layer: "),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<String> services(ClassLoader loader) {
        return ServiceLoader.load(Supplier.class, loader).stream()
                .map(p -> String.valueOf(((Supplier) p.get()).get())).toList();
    }

    private static String resource(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("rate.txt")) {
            return in == null ? null : new String(in.readAllBytes());
        }
    }

    private GenerationClassLoader generation(int sequence, Path jar) throws IOException {
        GenerationClassLoader loader = new GenerationClassLoader("modulets-gen-" + sequence, urls(jar),
                ClassLoader.getSystemClassLoader(), FILTER, "generation " + sequence);
        modules.define(loader, loader.getURLs(), false);
        return loader;
    }

    /** The module com.acme.gen of one version: a class, a Supplier provider and a resource. */
    /** module com.acme.gen { requires com.acme.absent; }, which javac would not compile. */
    private static byte[] requiringAbsent() {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_MODULE, "module-info", null, null, null);
        ModuleVisitor module = writer.visitModule("com.acme.gen", 0, null);
        module.visitRequire("java.base", Opcodes.ACC_MANDATED, null);
        module.visitRequire("com.acme.absent", 0, null);
        module.visitPackage("com/acme/gen");
        module.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    private Path moduleJar(int version) throws IOException {
        Path classes = Compiler.compile(dir.resolve("classes-" + version), Map.of(
                "module-info", "module com.acme.gen { exports com.acme.gen; opens com.acme.gen;"
                        + " provides java.util.function.Supplier with com.acme.gen.Hello; }",
                "com.acme.gen.Hello", "package com.acme.gen; public class Hello implements java.util.function.Supplier"
                        + "<String> { public String get() { return \"hello " + version + "\"; } }"));
        Files.writeString(classes.resolve("com/acme/gen/rate.txt"), "rate " + version);
        return jar("gen-" + version + ".jar", classes);
    }

    private Path jar(String name, Path classes) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static URL[] urls(Path jar) throws IOException {
        return new URL[] {jar.toUri().toURL()};
    }
}
