package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.config.PackageFilter;

class NamedModulesTest {
    private static final String GIVEN = "packages=com.acme.pricing";

    @Test
    void theJdksOwnModulesAreNeverTheApplications() throws Exception {
        // java.xml holds org.w3c.dom and org.xml.sax, java.security.jgss org.ietf.jgss.
        PackageFilter org = PackageFilter.of(List.of("org"), List.of());
        for (boolean modulePath : new boolean[] {false, true}) {
            assertEquals(Optional.empty(),
                    NamedModules.refusal(ModuleLayer.boot().configuration(), modulePath, org, "packages=org", false));
            assertEquals(NamedModules.Layout.NONE, NamedModules.layout(ModuleLayer.boot().configuration(), modulePath,
                    org));
        }
    }

    @Test
    void aModuleOfSwappablePackagesIsSwappableAndTheOthersAreShell() throws Exception {
        Configuration graph = graph(module("com.acme.pricing", "/srv/pricing.jar",
                Map.of("com/acme/pricing/Pricing", classNaming("com/acme/pricing/Pricing", null),
                        "com/acme/pricing/rules/Rule", classNaming("com/acme/pricing/rules/Rule", null))),
                module("com.acme.app", "/srv/app.jar",
                        Map.of("com/acme/app/Main", classNaming("com/acme/app/Main", "com/acme/pricing/Pricing"))));
        assertEquals(new NamedModules.Layout(Set.of("com.acme.pricing"), Set.of("com.acme.app")),
                NamedModules.layout(graph, true, filter(List.of())));
        assertEquals(Optional.empty(), NamedModules.refusal(graph, true, filter(List.of()), GIVEN, true));
    }

    @Test
    void aSwappableModuleWithoutAModulesDirectoryIsRefused() throws Exception {
        Configuration graph = graph(module("com.acme.pricing", "/srv/pricing.jar",
                Map.of("com/acme/pricing/Pricing", classNaming("com/acme/pricing/Pricing", null))));
        assertEquals(Optional.of("modulets: the named module com.acme.pricing (/srv/pricing.jar) holds only swappable"
                + " packages (packages=com.acme.pricing) and there is no modules=DIR: put its jar in a modules"
                + " directory and give modules=DIR (the jar may stay on the module path, where its classes are never"
                + " loaded)"), NamedModules.refusal(graph, true, filter(List.of()), GIVEN, false));
    }

    @Test
    void aSwappablePackageInsideAShellModuleIsRefused() throws Exception {
        Configuration graph = graph(module("com.acme.shop", "/srv/shop.jar",
                Map.of("com/acme/shop/Main", classNaming("com/acme/shop/Main", null),
                        "com/acme/pricing/Pricing", classNaming("com/acme/pricing/Pricing", null))));
        String line = "modulets: the swappable package com.acme.pricing (packages=com.acme.pricing) is inside the"
                + " named module com.acme.shop (/srv/shop.jar), with the shell package com.acme.shop; move the"
                + " swappable packages to a module of their own, run from modules=DIR, or run the application from"
                + " the class path";
        assertEquals(Optional.of(line), NamedModules.refusal(graph, true, filter(List.of()), GIVEN, true));
        assertEquals(Optional.of(line), NamedModules.refusal(graph, true, filter(List.of()), GIVEN, false));
    }

    @Test
    void aSharedCarveOutMakesItsModuleAShellModule() throws Exception {
        Configuration graph = graph(module("com.acme.api", "/srv/api.jar",
                Map.of("com/acme/pricing/api/Quote", classNaming("com/acme/pricing/api/Quote", null))));
        assertEquals(new NamedModules.Layout(Set.of(), Set.of("com.acme.api")),
                NamedModules.layout(graph, true, filter(List.of("com.acme.pricing.api"))));
        assertEquals(Optional.empty(),
                NamedModules.refusal(graph, true, filter(List.of("com.acme.pricing.api")), GIVEN, false));
    }

    @Test
    void atRunTimeOnlyTheModulesSwappableAtStartMayBe() throws Exception {
        Configuration graph = graph(module("com.acme.pricing", "/srv/pricing.jar",
                Map.of("com/acme/pricing/Pricing", classNaming("com/acme/pricing/Pricing", null))));
        assertEquals(Optional.empty(), NamedModules.changeReason(graph, true, filter(List.of()), GIVEN,
                Set.of("com.acme.pricing")));
        assertEquals(Optional.of("the named module com.acme.pricing (/srv/pricing.jar) would become swappable"
                + " (packages=com.acme.pricing), but it was a shell module at start; restart the application with"
                + " these lists"), NamedModules.changeReason(graph, true, filter(List.of()), GIVEN, Set.of()));
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

    /**
     * An explicit module of these classes at a file location. Sorting modules reads no class file (a start
     * pays for none): opening it fails the test.
     */
    private static ModuleReference module(String name, String location, Map<String, byte[]> classes) {
        Set<String> packages = classes.keySet().stream()
                .map(c -> c.substring(0, c.lastIndexOf('/')).replace('/', '.')).collect(Collectors.toSet());
        return new ModuleReference(ModuleDescriptor.newModule(name).packages(packages).build(),
                URI.create("file://" + location)) {
            @Override
            public ModuleReader open() {
                throw new AssertionError(name + " was read");
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
