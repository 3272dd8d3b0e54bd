package io.modulets.manage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

import org.junit.jupiter.api.Test;

import io.modulets.config.PackageFilter;

/** The rule of the run-time package lists: a change only while no class whose side it changes is loaded. */
class PackageListsTest {
    /** Loaded classes as the test says; {@code afterFirstLook} are loaded once the first look is over (a race). */
    static final class Loaded implements LoadedClasses {
        record Loaded1(String name, boolean byGeneration) {
        }

        final List<Loaded1> classes = new ArrayList<>();
        final List<Loaded1> afterFirstLook = new ArrayList<>();
        final List<String> shellNaming = new ArrayList<>();
        int looks;

        Loaded shell(String name) {
            classes.add(new Loaded1(name, false));
            return this;
        }

        Loaded generation(String name) {
            classes.add(new Loaded1(name, true));
            return this;
        }

        @Override
        public String firstLoaded(BiPredicate<String, Boolean> matches) {
            if (looks++ == 1) {
                classes.addAll(afterFirstLook);
            }
            for (Loaded1 c : classes) {
                if (matches.test(c.name(), c.byGeneration())) {
                    return c.name() + " (loaded by " + (c.byGeneration() ? "modulets-gen-1" : "modulets-shell") + ")";
                }
            }
            return null;
        }

        @Override
        public String firstShellClassNaming(String internalPackage) {
            for (String entry : shellNaming) {
                String[] parts = entry.split(" names ");
                if (parts[1].equals(internalPackage)) {
                    return parts[0];
                }
            }
            return null;
        }
    }

    private final PackageFilter filter = PackageFilter.of(List.of("com.acme.jobs"), List.of("com.acme.jobs.api"));
    private final Loaded loaded = new Loaded().shell("com.acme.Main").shell("com.acme.jobs.api.Job")
            .generation("com.acme.jobs.Mail");
    private final PackageLists lists = new PackageLists(filter, loaded, null, null, null);

    @Test
    void aPackageNoClassOfWhichIsLoadedBecomesSwappable() {
        lists.addSwappable("com.acme.extra");
        assertEquals(List.of("com.acme.jobs", "com.acme.extra"), filter.packages());
        assertTrue(filter.isSwappable("com.acme.extra.Plugin"));
        assertTrue(filter.isSwappableInternal("com/acme/extra/Plugin"));
    }

    @Test
    void aPackageOfANamedModuleCannotBecomeSwappable() {
        // As at a start: the JDK's application loader defines it, and never defines a swappable class.
        ModuleDescriptor extra = ModuleDescriptor.newModule("com.acme.extra")
                .packages(Set.of("com.acme.extra")).build();
        ModuleReference reference = new ModuleReference(extra, URI.create("file:///srv/extra.jar")) {
            @Override
            public ModuleReader open() throws IOException {
                throw new IOException("its packages are in its descriptor: nothing to read");
            }
        };
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return name.equals("com.acme.extra") ? Optional.of(reference) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(reference);
            }
        };
        Configuration graph = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(),
                Set.of("com.acme.extra"));
        PackageLists modular = new PackageLists(filter, loaded, null, null, null, graph, true);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> modular.addSwappable("com.acme.extra"));
        assertEquals("modulets: addSwappablePackage com.acme.extra refused: the named module com.acme.extra"
                + " (/srv/extra.jar) would become swappable (packages=com.acme.jobs:com.acme.extra), but it was a shell"
                + " module at start; restart the application with these lists", e.getMessage());
        assertEquals(List.of("com.acme.jobs"), filter.packages(), "the lists are as they were");
        assertFalse(filter.isSwappable("com.acme.extra.Plugin"));
    }

    @Test
    void aPackageWhoseClassTheShellLoadedCannotBecomeSwappable() {
        loaded.shell("com.acme.extra.Plugin");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lists.addSwappable("com.acme.extra"));
        assertEquals("modulets: addSwappablePackage com.acme.extra refused: class com.acme.extra.Plugin (loaded by"
                + " modulets-shell) is loaded already, and a loaded class keeps its loader; restart the JVM with"
                + " packages=com.acme.jobs:com.acme.extra", e.getMessage());
        assertUnchanged();
    }

    @Test
    void aPackageThatALoadedShellClassNamesCannotBecomeSwappable() {
        loaded.shellNaming.add("com.acme.Main names com/acme/extra");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lists.addSwappable("com.acme.extra"));
        assertTrue(e.getMessage().startsWith("modulets: addSwappablePackage com.acme.extra refused: shell class"
                + " com.acme.Main is loaded and names classes of com.acme.extra;"), e.getMessage());
        assertUnchanged();
    }

    @Test
    void aSwappablePackageAGenerationLoadedCannotBeRemoved() {
        PackageLists two = twoPackages();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> two.removeSwappable("com.acme.jobs"));
        assertTrue(e.getMessage().contains("class com.acme.jobs.Mail (loaded by modulets-gen-1) is loaded already"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("restart the JVM with packages=org.example.tasks"), e.getMessage());
    }

    @Test
    void aSwappablePackageNothingLoadedIsRemoved() {
        PackageLists two = twoPackages();
        two.removeSwappable("org.example.tasks");
        assertEquals(List.of("com.acme.jobs"), two.filter().packages());
        assertFalse(two.filter().isSwappable("org.example.tasks.T"));
    }

    @Test
    void theLastSwappablePackageStays() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lists.removeSwappable("com.acme.jobs"));
        assertEquals("modulets: removeSwappablePackage com.acme.jobs refused: it is the only swappable package;"
                + " nothing would be swappable", e.getMessage());
        assertUnchanged();
    }

    @Test
    void aSwappablePackageCannotAlsoBeShared() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lists.addShared("com.acme.jobs"));
        assertTrue(e.getMessage().contains("would be both swappable and shared"), e.getMessage());
        assertUnchanged();
    }

    @Test
    void addingASharedPackageThatContainsASwappableOneIsABadArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lists.addShared("com.acme"));
        assertEquals("modulets: addSharedPackage com.acme: swappable package com.acme.jobs would be both swappable"
                + " and shared; only a subpackage of a swappable package can be shared (removeSwappablePackage"
                + " com.acme.jobs instead)", e.getMessage());
        assertUnchanged();
    }

    @Test
    void aCarveOutOfLoadedSwappableClassesIsRefused() {
        loaded.generation("com.acme.jobs.mail.Smtp");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lists.addShared("com.acme.jobs.mail"));
        assertTrue(e.getMessage().startsWith("modulets: addSharedPackage com.acme.jobs.mail refused: class"
                + " com.acme.jobs.mail.Smtp (loaded by modulets-gen-1)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("restart the JVM with shared=com.acme.jobs.api:com.acme.jobs.mail"));
        assertUnchanged();
    }

    @Test
    void aSharedPackageOutsideTheSwappableOnesChangesNothingAndIsAlwaysAccepted() {
        lists.addShared("com.acme.util");
        assertEquals(List.of("com.acme.jobs.api", "com.acme.util"), filter.shared());
        assertFalse(filter.isSwappable("com.acme.Main"));
    }

    @Test
    void removingACarveOutWhoseClassesTheShellLoadedIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lists.removeShared("com.acme.jobs.api"));
        assertTrue(e.getMessage().contains("class com.acme.jobs.api.Job (loaded by modulets-shell)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("restart the JVM with shared="), e.getMessage());
        assertUnchanged();
    }

    @Test
    void removingAnUnusedCarveOutMakesItSwappable() {
        PackageLists lists2 = new PackageLists(PackageFilter.of(List.of("com.acme.jobs"), List.of("com.acme.jobs.dto")),
                loaded, null, null, null);
        lists2.removeShared("com.acme.jobs.dto");
        assertTrue(lists2.filter().isSwappable("com.acme.jobs.dto.Row"));
    }

    @Test
    void aClassTheShellLoadedWhileTheListsChangedUndoesTheChange() {
        loaded.afterFirstLook.add(new Loaded.Loaded1("com.acme.extra.Plugin", false));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lists.addSwappable("com.acme.extra"));
        assertTrue(e.getMessage().contains("class com.acme.extra.Plugin (loaded by modulets-shell) was loaded while"
                + " the lists changed"), e.getMessage());
        assertUnchanged();
    }

    @Test
    void aClassAGenerationLoadsRightAfterTheChangeIsWhatTheChangeIsFor() {
        loaded.afterFirstLook.add(new Loaded.Loaded1("com.acme.extra.Plugin", true));
        lists.addSwappable("com.acme.extra");
        assertTrue(filter.isSwappable("com.acme.extra.Plugin"));
    }

    @Test
    void badArgumentsAreOneLineAndChangeNothing() {
        assertEquals("modulets: addSwappablePackage com..x: not a Java package name (give dot-separated Java"
                        + " identifiers such as com.acme.jobs)",
                assertThrows(IllegalArgumentException.class, () -> lists.addSwappable("com..x")).getMessage());
        assertEquals("modulets: addSwappablePackage com.acme.jobs: it is swappable already",
                assertThrows(IllegalArgumentException.class, () -> lists.addSwappable("com.acme.jobs")).getMessage());
        assertEquals("modulets: addSwappablePackage com.acme.jobs.sub: it is swappable already (under com.acme.jobs)",
                assertThrows(IllegalArgumentException.class, () -> lists.addSwappable("com.acme.jobs.sub")).getMessage());
        assertEquals("modulets: addSwappablePackage java.util: java, javax, jdk, sun, com.sun, io.modulets are never"
                + " swapped", assertThrows(IllegalArgumentException.class, () -> lists.addSwappable("java.util")).getMessage());
        assertEquals("modulets: addSwappablePackage com.acme.jobs.api.v2: it is shared (shared package"
                        + " com.acme.jobs.api); removeSharedPackage com.acme.jobs.api instead",
                assertThrows(IllegalArgumentException.class, () -> lists.addSwappable("com.acme.jobs.api.v2")).getMessage());
        assertEquals("modulets: removeSwappablePackage com.acme: not a swappable prefix (they are com.acme.jobs)",
                assertThrows(IllegalArgumentException.class, () -> lists.removeSwappable("com.acme")).getMessage());
        assertEquals("modulets: removeSharedPackage java: not one of the shared prefixes given (com.acme.jobs.api;"
                        + " the built-in java, javax, jdk, sun, com.sun, io.modulets cannot be removed)",
                assertThrows(IllegalArgumentException.class, () -> lists.removeShared("java")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> lists.addShared(null));
        assertUnchanged();
    }

    private PackageLists twoPackages() {
        return new PackageLists(PackageFilter.of(List.of("com.acme.jobs", "org.example.tasks"), List.of()),
                new Loaded().shell("com.acme.Main").generation("com.acme.jobs.Mail"), null, null, null);
    }

    private void assertUnchanged() {
        assertEquals(List.of("com.acme.jobs"), filter.packages());
        assertEquals(List.of("com.acme.jobs.api"), filter.shared());
    }
}
