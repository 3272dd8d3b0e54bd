package io.modulets.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackageFilterTest {

    final PackageFilter jobs = PackageFilter.of(List.of("com.acme.jobs"), List.of());

    /** Asserts the same answer for the binary and the internal form of {@code binaryName}. */
    static void assertSwappable(boolean expected, PackageFilter filter, String binaryName) {
        assertEquals(expected, filter.isSwappable(binaryName), binaryName);
        assertEquals(expected, filter.isSwappableInternal(binaryName.replace('.', '/')), binaryName);
    }

    @ParameterizedTest
    @ValueSource(strings = {"com.acme.jobs.Mail", "com.acme.jobs.Mail$1", "com.acme.jobs.sub.X",
            "com.acme.jobs.a.b.c.X", "com.acme.jobs.package-info"})
    void classUnderAPrefixIsSwappable(String name) {
        assertSwappable(true, jobs, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"com.acme.jobsx.X", "com.acme.job.X", "com.acme.jobs", "com.acme.X", "com.acme.Jobs.X",
            "org.acme.jobs.X", "jobs.X", "X", "Mail$1", "java.lang.String", "com.acme.jobs_.X"})
    void classOutsideThePrefixIsNot(String name) {
        assertSwappable(false, jobs, name);
    }

    @Test
    void classInTheUnnamedPackageIsNeverSwappable() {
        PackageFilter filter = PackageFilter.of(List.of("Main", "a"), List.of());
        assertSwappable(false, filter, "Main");
        assertSwappable(false, filter, "a");
        assertSwappable(true, filter, "a.Main");
    }

    @Test
    void hiddenClassNamesAreMatchedByTheirPackage() {
        assertTrue(jobs.isSwappable("com.acme.jobs.Mail$$Lambda/0x0000000800c0b000"));
        assertTrue(jobs.isSwappableInternal("com/acme/jobs/Mail$$Lambda.0x0000000800c0b000"));
    }

    @Test
    void formsAreNotMixed() {
        assertFalse(jobs.isSwappable("com/acme/jobs/Mail"));
        assertFalse(jobs.isSwappableInternal("com.acme.jobs.Mail"));
    }

    @Test
    void nullIsNotSwappable() {
        assertFalse(jobs.isSwappable(null));
        assertFalse(jobs.isSwappableInternal(null));
    }

    @Test
    void sharedSubpackageIsCarvedOut() {
        PackageFilter filter = PackageFilter.of(List.of("com.acme"), List.of("com.acme.api", "com.acme.jobs.dto"));
        assertSwappable(true, filter, "com.acme.jobs.Mail");
        assertSwappable(true, filter, "com.acme.apix.X");
        assertSwappable(true, filter, "com.acme.jobs.dtox.X");
        assertSwappable(false, filter, "com.acme.api.Job");
        assertSwappable(false, filter, "com.acme.api.v2.Job");
        assertSwappable(false, filter, "com.acme.jobs.dto.Order");
    }

    @Test
    void severalPrefixes() {
        PackageFilter filter = PackageFilter.of(List.of("com.acme.jobs", "org.example.tasks"), List.of());
        assertSwappable(true, filter, "com.acme.jobs.A");
        assertSwappable(true, filter, "org.example.tasks.B");
        assertSwappable(false, filter, "org.example.C");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.lang.String", "javax.naming.Context", "jdk.internal.misc.Unsafe", "sun.misc.Unsafe",
            "com.sun.net.httpserver.HttpServer", "io.modulets.config.PackageFilter", "io.modulets.shaded.asm.Type"})
    void jdkAndAgentClassesAreNeverSwappableEvenUnderABroadPrefix(String name) {
        PackageFilter everything = PackageFilter.of(List.of("java", "javax", "jdk", "sun", "com", "io"), List.of());
        assertSwappable(false, everything, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"javafx.scene.Node", "com.sunny.X", "io.modulet.X", "io.modulets2.X", "jdkx.X"})
    void builtInSharedPrefixesDoNotCoverSiblings(String name) {
        PackageFilter filter = PackageFilter.of(List.of("javafx", "com", "io", "jdkx"), List.of());
        assertSwappable(true, filter, name);
    }

    @Test
    void listsAreAsGivenAndImmutable() {
        List<String> packages = new ArrayList<>(List.of("com.acme.jobs"));
        PackageFilter filter = PackageFilter.of(packages, List.of("com.acme.jobs.api"));
        packages.add("org.other");
        assertEquals(List.of("com.acme.jobs"), filter.packages());
        assertEquals(List.of("com.acme.jobs.api"), filter.shared());
        assertThrows(UnsupportedOperationException.class, () -> filter.packages().add("x"));
        assertFalse(filter.isSwappable("org.other.X"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "com.", "com..acme", "com/acme", "com.acme.*"})
    void invalidPrefixIsRefused(String prefix) {
        assertThrows(IllegalArgumentException.class, () -> PackageFilter.of(List.of(prefix), List.of()));
        assertThrows(IllegalArgumentException.class, () -> PackageFilter.of(List.of("a"), List.of(prefix)));
    }

    @Test
    void equalityAndToString() {
        assertEquals(PackageFilter.of(List.of("a", "b"), List.of("a.c")), PackageFilter.of(List.of("a", "b"), List.of("a.c")));
        assertEquals("PackageFilter[packages=a:b, shared=a.c]", PackageFilter.of(List.of("a", "b"), List.of("a.c")).toString());
    }

    @Test
    void checksAllocateNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        PackageFilter filter = PackageFilter.of(List.of("com.acme", "org.example"), List.of("com.acme.api"));
        String[] names = {"com.acme.jobs.Mail", "com.acme.api.Job", "java.lang.String", "com/acme/jobs/Mail"};
        long id = Thread.currentThread().getId();
        int hits = 0;
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 200_000; i++) {
            String name = names[i & 3];
            hits += (filter.isSwappable(name) ? 1 : 0) + (filter.isSwappableInternal(name) ? 1 : 0);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(100_000, hits);
        // A substring per check would be several megabytes here; allow for the measurement itself.
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes");
    }
}
