package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.config.PackageFilter;

class NamedModulesTest {
    private static final String FIX = "; swappable code, and shell code that names it, must be on the class path: run"
            + " the application from the class path (-cp and the main class instead of --module-path and -m)";

    @Test
    void theJdksOwnModulesAreNeverTheApplications() throws Exception {
        // java.xml holds org.w3c.dom and org.xml.sax, java.security.jgss org.ietf.jgss.
        PackageFilter org = PackageFilter.of(List.of("org"), List.of());
        for (boolean modulePath : new boolean[] {false, true}) {
            assertEquals(Optional.empty(),
                    NamedModules.refusal(ModuleLayer.boot().configuration(), modulePath, org, "packages=org"));
        }
    }

    @Test
    void aSwappablePackageInANamedModuleIsRefused() throws Exception {
        Configuration graph = graph(module("com.acme.pricing", "/srv/pricing.jar",
                Map.of("com/acme/pricing/Pricing", classNaming("com/acme/pricing/Pricing", null))));
        assertEquals(Optional.of("modulets: the swappable package com.acme.pricing (packages=com.acme.pricing)"
                + " is in the named module com.acme.pricing (/srv/pricing.jar)" + FIX),
                NamedModules.refusal(graph, true, filter(List.of()), "packages=com.acme.pricing"));
    }

    @Test
    void aClassThatNamesASwappableClassIsRefusedInAnAutomaticModule() throws Exception {
        ModuleDescriptor automatic = ModuleDescriptor.newAutomaticModule("app")
                .packages(Set.of("com.acme.app")).build();
        Configuration graph = graph(module(automatic, "/srv/app.jar",
                Map.of("com/acme/app/Main", classNaming("com/acme/app/Main", "com/acme/pricing/Pricing"),
                        "com/acme/app/Config", classNaming("com/acme/app/Config", null))));
        assertEquals(Optional.of("modulets: com.acme.app.Main of the named module app (/srv/app.jar) names"
                + " the swappable class com.acme.pricing.Pricing (packages=com.acme.pricing)" + FIX),
                NamedModules.refusal(graph, true, filter(List.of()), "packages=com.acme.pricing"));
    }

    @Test
    void aClassThatNamesASwappableClassIsRefusedInAModuleRequiringAnAbsentOneStatic() throws Exception {
        ModuleDescriptor explicit = ModuleDescriptor.newModule("com.acme.app").packages(Set.of("com.acme.app"))
                .requires(Set.of(ModuleDescriptor.Requires.Modifier.STATIC), "com.acme.pricing").build();
        Configuration graph = graph(module(explicit, "/srv/app.jar",
                Map.of("com/acme/app/Main", classNaming("com/acme/app/Main", "com/acme/pricing/Pricing"))));
        assertEquals(Optional.of("modulets: com.acme.app.Main of the named module com.acme.app (/srv/app.jar) names"
                + " the swappable class com.acme.pricing.Pricing (packages=com.acme.pricing)" + FIX),
                NamedModules.refusal(graph, true, filter(List.of()), "packages=com.acme.pricing"));
    }

    @Test
    void anExplicitModuleWhoseRequiresAreAllThereIsNotRead() throws Exception {
        // It can name only classes of modules it reads, whose packages the first look saw.
        Configuration graph = graph(module(explicit("com.acme.app"), "/srv/app.jar", Map.of(), true));
        assertEquals(Optional.empty(),
                NamedModules.refusal(graph, true, filter(List.of()), "packages=com.acme.pricing"));
    }

    @Test
    void namingASharedCarveOutIsNotRefused() throws Exception {
        Configuration graph = graph(module("com.acme.app", "/srv/app.jar",
                Map.of("com/acme/app/Main", classNaming("com/acme/app/Main", "com/acme/pricing/api/Quote"))),
                module("com.acme.api", "/srv/api.jar",
                        Map.of("com/acme/pricing/api/Quote", classNaming("com/acme/pricing/api/Quote", null))));
        assertEquals(Optional.empty(),
                NamedModules.refusal(graph, true, filter(List.of("com.acme.pricing.api")),
                        "packages=com.acme.pricing"));
    }

    private static PackageFilter filter(List<String> shared) {
        return PackageFilter.of(List.of("com.acme.pricing"), shared);
    }

    /** A class whose only method calls {@code named.price()}, or an empty class when {@code named} is null. */
    private static byte[] classNaming(String name, String named) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
        if (named != null) {
            MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run", "()I",
                    null, null);
            method.visitCode();
            method.visitMethodInsn(Opcodes.INVOKESTATIC, named, "price", "()I", false);
            method.visitInsn(Opcodes.IRETURN);
            method.visitMaxs(0, 0);
            method.visitEnd();
        }
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** An explicit module of these classes, read from memory at a file location. */
    private static ModuleReference module(String name, String location, Map<String, byte[]> classes) {
        Set<String> packages = classes.keySet().stream()
                .map(c -> c.substring(0, c.lastIndexOf('/')).replace('/', '.')).collect(Collectors.toSet());
        return module(ModuleDescriptor.newModule(name).packages(packages).build(), location, classes);
    }

    private static ModuleDescriptor explicit(String name) {
        return ModuleDescriptor.newModule(name).packages(Set.of(name)).build();
    }

    private static ModuleReference module(ModuleDescriptor descriptor, String location, Map<String, byte[]> classes) {
        return module(descriptor, location, classes, false);
    }

    /** A module read from memory: its classes by internal name; one that must not be read fails when opened. */
    private static ModuleReference module(ModuleDescriptor descriptor, String location, Map<String, byte[]> classes,
            boolean unreadable) {
        return new ModuleReference(descriptor, URI.create("file://" + location)) {
            @Override
            public ModuleReader open() {
                if (unreadable) {
                    throw new AssertionError(descriptor.name() + " was read");
                }
                return new ModuleReader() {
                    @Override
                    public Optional<URI> find(String entry) {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<InputStream> open(String entry) {
                        byte[] bytes = classes.get(entry.replaceAll("\\.class$", ""));
                        return Optional.ofNullable(bytes).map(ByteArrayInputStream::new);
                    }

                    @Override
                    public Stream<String> list() {
                        return classes.keySet().stream().map(c -> c + ".class");
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    /** The boot layer's graph and these modules, all resolved as roots. */
    private static Configuration graph(ModuleReference... modules) {
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return all().stream().filter(m -> m.descriptor().name().equals(name)).findFirst();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return all();
            }

            private Set<ModuleReference> all() {
                return Set.copyOf(Arrays.asList(modules));
            }
        };
        Set<String> roots = Arrays.stream(modules).map(m -> m.descriptor().name()).collect(Collectors.toSet());
        return ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), roots);
    }
}
