package io.modulets.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.config.PackageFilter;
import io.modulets.generations.Snapshot;
import io.modulets.generations.Store;

/** The JVM itself defines and links every class of a candidate, in a loader that is then dropped. */
class LoadCheckTest {
    private static final PackageFilter FILTER = PackageFilter.of(List.of("sw"), List.of());

    @TempDir
    Path tmp;

    @Test
    void aGoodGenerationLoadsAndNoneOfItsCodeRuns() throws Exception {
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), Map.of(
                "sw.A", "package sw; public class A extends B implements Runnable { public void run() {} }",
                "sw.B", "package sw; public class B { static { System.setProperty(\"sw.B.ran\", \"yes\"); } }"));
        assertDoesNotThrow(() -> check(jar));
        assertNull(System.getProperty("sw.B.ran"), "a class is linked, never initialized");
    }

    @Test
    void aMethodBodyTheVerifierRefusesIsNamedWithItsJar() throws Exception {
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), Map.of("sw.A", "package sw; public class A {}"),
                Map.of("sw/Bad.class", badMethodBody("sw/Bad")));
        String line = assertThrows(DeployRefused.class, () -> check(jar)).getMessage();
        assertTrue(line.startsWith("a.jar: class sw.Bad does not load: java.lang.VerifyError: "), line);
        assertTrue(line.contains("sw/Bad.f()I"), line);
        assertEquals(-1, line.indexOf('\n'), "the verifier's bytecode dump is left out: " + line);
    }

    @Test
    void aSuperclassInNoJarIsRefused() throws Exception {
        Path both = DeployTesting.jar(tmp.resolve("full/a.jar"), Map.of(
                "sw.A", "package sw; public class A extends Gone {}", "sw.Gone", "package sw; public class Gone {}"));
        byte[] a = DeployTesting.entry(both, "sw/A.class");
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), Map.of(), Map.of("sw/A.class", a));
        assertEquals("a.jar: class sw.A does not load: java.lang.NoClassDefFoundError: sw/Gone",
                assertThrows(DeployRefused.class, () -> check(jar)).getMessage());
    }

    @Test
    void aSharedSuperclassThatIsNowhereIsRefused() throws Exception {
        Path both = DeployTesting.jar(tmp.resolve("full/a.jar"), Map.of(
                "sw.A", "package sw; public class A extends other.Gone {}",
                "other.Gone", "package other; public class Gone {}"));
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), Map.of(), Map.of("sw/A.class",
                DeployTesting.entry(both, "sw/A.class")));
        assertEquals("a.jar: class sw.A does not load: java.lang.NoClassDefFoundError: other/Gone",
                assertThrows(DeployRefused.class, () -> check(jar)).getMessage());
    }

    @Test
    void theThrowawayLoaderIsDroppedAndItsClassesUnload() throws Exception {
        Map<String, String> sources = new java.util.HashMap<>();
        for (int i = 0; i < 50; i++) sources.put("sw.C" + i, "package sw; public class C" + i + " {}");
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), sources);
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        long loaded = classes.getTotalLoadedClassCount();
        long unloaded = classes.getUnloadedClassCount();
        check(jar);
        assertTrue(classes.getTotalLoadedClassCount() - loaded >= 50, "the JVM defined every class");
        for (int i = 0; i < 20 && classes.getUnloadedClassCount() - unloaded < 50; i++) {
            System.gc(); // a full collection unloads the classes of an unreachable loader
        }
        assertTrue(classes.getUnloadedClassCount() - unloaded >= 50,
                "nothing holds the throwaway loader: " + (classes.getUnloadedClassCount() - unloaded) + " unloaded");
    }

    @Test
    void theBudgetStopsTheCheckBetweenClasses() throws Exception {
        Path jar = DeployTesting.jar(tmp.resolve("a.jar"), Map.of("sw.A", "package sw; public class A {}"));
        Snapshot snapshot = new Store(tmp.resolve("store")).snapshot(List.of(jar));
        JarCheck.Classes classes = new JarCheck(FILTER, false, JarCheckTest.BOUNDS).read(snapshot);
        Budget rollbackWaits = new Budget(Budget.CHECKS, () -> true);
        assertEquals("stopped for the rollback the operator asked for", assertThrows(DeployRefused.class,
                () -> new LoadCheck(getClass().getClassLoader(), FILTER, rollbackWaits).check(snapshot, classes))
                .getMessage());
    }

    @Test
    void classesThatWouldNotFitInTheMetaspaceLeftAreRefusedBeforeLoading() {
        long mb = 1 << 20;
        assertNull(LoadCheck.metaspaceShortage(10 * mb, 500 * mb, -1), "no MaxMetaspaceSize: nothing to judge");
        assertNull(LoadCheck.metaspaceShortage(10 * mb, 40 * mb, 64 * mb));
        assertEquals("its classes (10 MB of class files) would need about 20 MB of metaspace and 14 MB are left under"
                + " MaxMetaspaceSize=64 MB (raise -XX:MaxMetaspaceSize, or let retired generations unload first)",
                LoadCheck.metaspaceShortage(10 * mb, 50 * mb, 64 * mb));
    }

    private void check(Path jar) throws Exception {
        Snapshot snapshot = new Store(tmp.resolve("store")).snapshot(List.of(jar));
        JarCheck.Classes classes = new JarCheck(FILTER, false, JarCheckTest.BOUNDS).read(snapshot);
        new LoadCheck(getClass().getClassLoader(), FILTER, Budget.NONE).check(snapshot, classes);
    }

    /** A class whose {@code int f()} returns a String: it parses, and the verifier refuses it. */
    static byte[] badMethodBody(String internalName) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, internalName, null, "java/lang/Object", null);
        MethodVisitor f = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "()I", null, null);
        f.visitCode();
        f.visitLdcInsn("not an int");
        f.visitInsn(Opcodes.IRETURN);
        f.visitMaxs(0, 0);
        f.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }
}
