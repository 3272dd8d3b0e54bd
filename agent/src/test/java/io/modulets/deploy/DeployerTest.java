package io.modulets.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.TestSeams;
import io.modulets.boundary.Erasure;
import io.modulets.boundary.BoundaryReferences;
import io.modulets.boundary.BoundaryReferences.Need;
import io.modulets.boundary.BoundaryReferences.Reference;
import io.modulets.config.PackageFilter;
import io.modulets.generations.AbortPolicy;
import io.modulets.generations.Generation;
import io.modulets.generations.Registry;
import io.modulets.generations.Store;

/** The deployer refuses before the registry sees anything, and a refusal changes nothing. */
class DeployerTest {
    private static final PackageFilter FILTER = PackageFilter.of(List.of("sw"), List.of());

    @TempDir
    Path tmp;
    private ClassLoader savedCurrent;
    private Store store;
    private Registry registry;
    private Deployer deployer;
    private Erasure erasure;
    private Path modules;

    @BeforeEach
    void deployer() throws Exception {
        savedCurrent = Bindings.current();
        store = new Store(tmp.resolve("store"));
        registry = new Registry(store, FILTER, DeployerTest.class.getClassLoader());
        modules = Files.createDirectories(tmp.resolve("modules"));
        // The shell reaches sw.V.v(); references recorded by other tests in this JVM are not ours.
        erasure = new Erasure(FILTER, Bindings::current);
        deployer = new Deployer(registry, store, FILTER, false, DeployerTest.class.getClassLoader(), modules,
                () -> BoundaryReferences.byMember(
                        List.of(new Reference(Need.STATIC_METHOD, "sw/V", "v", "()I", "app.Main.run"))),
                erasure::changesIn, DeployRules.OPEN, null);
    }

    /** A deployer of this test's registry and store whose deploys are held to {@code rules}. */
    private Deployer deployer(DeployRules rules) {
        return new Deployer(registry, store, FILTER, false, DeployerTest.class.getClassLoader(), modules,
                () -> BoundaryReferences.byMember(
                        List.of(new Reference(Need.STATIC_METHOD, "sw/V", "v", "()I", "app.Main.run"))),
                erasure::changesIn, rules, null);
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
        TestSeams.setCanary(null);
    }

    @Test
    void withCanaryByDefaultADeployStartsACanaryAfterTheSameChecksAndRefusesTheNextInOneLine() throws Exception {
        Deployer deployer = deployer(DeployRules.OPEN.withCanaries(0.05, new AbortPolicy(0.05, 10)));
        Generation first = deployer.start(List.of(version("v1", 1)));
        assertSame(first, registry.current(), "generation 1 is never a canary");
        java.util.List<String> refusals = new java.util.ArrayList<>();
        deployer.onRefusal(refusals::add);

        Generation second = deployer.activate(List.of(version("v2", 2)));
        assertEquals(Generation.State.CANARY, second.state());
        assertSame(first, registry.current());
        assertSame(second, registry.canary().generation());
        assertEquals(0.05, registry.canary().fraction());
        assertEquals(new AbortPolicy(0.05, 10), registry.canary().policy(), "the policy of the agent arguments");

        DeployRefused refused = assertThrows(DeployRefused.class, () -> deployer.activateClassPath(List.of(version("v3", 3))));
        assertEquals("deploy of [sw.jar] refused, " + first + " stays current: " + second
                + " is a canary: promote or abort it first", refused.getMessage());
        assertEquals(List.of(refused.getMessage()), refusals, "told like any refusal");
        assertThrows(DeployRefused.class, deployer::rollback);
        assertThrows(DeployRefused.class, deployer::rescan);
        assertEquals(2, registry.all().size(), "nothing was made");

        assertSame(second, deployer.promote());
        assertSame(second, registry.current());
        Generation third = deployer.activateClassPath(List.of(version("v3", 3)));
        assertSame(third, registry.current(), "activateClassPath is never a canary");
        assertEquals("promote refused: no canary is in progress (current: " + third + ")",
                assertThrows(DeployRefused.class, deployer::promote).getMessage());
    }

    @Test
    void aCanaryGoesThroughEveryCheck() throws Exception {
        Generation first = deployer.start(List.of(version("v1", 1)));
        Path missing = DeployTesting.jar(tmp.resolve("bad").resolve("sw.jar"),
                Map.of("sw.W", "package sw; public class W { }"));
        DeployRefused refused = assertThrows(DeployRefused.class, () -> deployer.canary(List.of(missing), 0.5));
        assertEquals("deploy of [sw.jar] refused, " + first + " stays current: link check: sw.V is missing from sw.jar,"
                + " used by shell app.Main.run", refused.getMessage());
        assertNull(registry.canary());
        assertSame(first.loader(), Bindings.current());
    }

    @Test
    void aCheckRunsEveryCheckOfAnActivationAndActivatesNothing() throws Exception {
        Generation first = deployer.start(List.of(version("v1", 1)));
        java.util.List<String> refusals = new java.util.ArrayList<>();
        deployer.onRefusal(refusals::add);

        assertNull(deployer.check(List.of(version("v2", 2))), "it would pass");
        Path missing = DeployTesting.jar(tmp.resolve("bad").resolve("sw.jar"),
                Map.of("sw.W", "package sw; public class W { }"));
        assertEquals("check of [sw.jar] refused, " + first + " stays current: link check: sw.V is missing from sw.jar,"
                + " used by shell app.Main.run", deployer.check(List.of(missing)));
        assertSame(first, registry.current());
        assertSame(first.loader(), Bindings.current());
        assertEquals(1, registry.all().size(), "no generation was made");
        assertEquals(List.of(), refusals, "a check's refusal is no deploy's: not told as one");

        Generation second = deployer.canary(List.of(version("v2", 2)), 0.5);
        assertEquals("check of [sw.jar] refused, " + first + " stays current: " + second
                + " is a canary: promote or abort it first", deployer.check(List.of(version("v3", 3))),
                "refused while a canary is in progress, as an activation is");
    }

    @Test
    void aGoodVersionIsActivatedAndTheSameContentAgainChangesNothing() throws Exception {
        Generation first = deployer.start(List.of(version("v1", 1)));
        // Retired once the second is current: held here, so that it stays loaded and can be reused.
        ClassLoader firstLoader = first.loader();
        Generation second = deployer.activate(List.of(version("v2", 2)));
        assertEquals(2, second.sequence());
        assertSame(second.loader(), Bindings.current());
        assertSame(second, deployer.activate(List.of(version("again", 2))));
        assertSame(first, deployer.activate(List.of(version("back", 1))), "a loaded generation is reused");
        assertSame(firstLoader, Bindings.current());
    }

    @Test
    void aRefusedVersionLeavesTheCurrentGenerationInPlace() throws Exception {
        Generation first = deployer.start(List.of(version("v1", 1)));
        Path broken = version("v2", 2);
        byte[] bytes = Files.readAllBytes(broken);
        Files.write(broken, Arrays.copyOf(bytes, bytes.length / 2));

        DeployRefused refused = assertThrows(DeployRefused.class, () -> deployer.activate(List.of(broken)));

        assertEquals("deploy of [sw.jar] refused, " + first + " stays current: sw.jar is not a complete zip file"
                + " (zip END header not found)", refused.getMessage());
        assertSame(first, registry.current());
        assertSame(first.loader(), Bindings.current());
        assertEquals(List.of(first), registry.all());
    }

    @Test
    void aVersionThatLacksWhatTheShellCallsIsRefused() throws Exception {
        Generation first = deployer.start(List.of(version("v1", 1)));
        Path renamed = DeployTesting.jar(tmp.resolve("v2/sw.jar"),
                Map.of("sw.V", "package sw; public class V { public static int value() { return 2; } }"));

        DeployRefused refused = assertThrows(DeployRefused.class, () -> deployer.activate(List.of(renamed)));

        assertEquals("deploy of [sw.jar] refused, " + first + " stays current: link check: sw.jar: static method"
                + " sw.V.v()I is missing, used by shell app.Main.run", refused.getMessage());
        assertSame(first, registry.current());
    }

    @Test
    void aVersionThatWouldChangeAnErasureIsRefused() throws Exception {
        Generation first = deployer.start(List.of(DeployTesting.jar(tmp.resolve("e1/sw.jar"), Map.of(
                "sw.V", "package sw; public class V { public static int v() { return 1; } }",
                "sw.Fail", "package sw; public class Fail extends RuntimeException {}"))));
        // Shell code met sw.Fail: it is erased to RuntimeException in every shell class from now on.
        erasure.map("sw/Fail");
        Path moved = DeployTesting.jar(tmp.resolve("e2/sw.jar"), Map.of(
                "sw.V", "package sw; public class V { public static int v() { return 2; } }",
                "sw.Fail", "package sw; public class Fail extends Exception {}"));

        DeployRefused refused = assertThrows(DeployRefused.class, () -> deployer.activate(List.of(moved)));

        assertEquals("deploy of [sw.jar] refused, " + first + " stays current: erasure: sw.Fail is erased to"
                + " java.lang.RuntimeException in shell code, and would be java.lang.Exception (keep its nearest"
                + " shared superclass)", refused.getMessage());
        assertSame(first, registry.current());
    }

    @Test
    void rescanReadsTheModulesDirectory() throws Exception {
        Generation first = deployer.start(List.of(version("v1", 1)));
        DeployRefused empty = assertThrows(DeployRefused.class, () -> deployer.rescan());
        assertEquals("deploy from " + modules + " refused, " + first + " stays current: " + modules
                + " holds no *.jar", empty.getMessage());
        Files.copy(version("v2", 2), modules.resolve("sw.jar"));
        assertEquals(2, deployer.rescan().sequence());
        Files.delete(modules.resolve("sw.jar"));
        Files.delete(modules);
        assertEquals("deploy from " + modules + " refused, " + registry.current() + " stays current: " + modules
                + " is not there (it may be being replaced)",
                assertThrows(DeployRefused.class, () -> deployer.rescan()).getMessage());
    }

    @Test
    void aRefusedFirstGenerationLeavesNoneCurrent() throws Exception {
        Path outside = DeployTesting.jar(tmp.resolve("o/sw.jar"), Map.of("other.X", "package other; public class X {}"));
        DeployRefused refused = assertThrows(DeployRefused.class, () -> deployer.start(List.of(outside)));
        assertEquals("generation 1 refused: sw.jar holds other.X, outside the swappable packages (sw); move it to the"
                + " class path, add its package to packages=, or give outside=ignore", refused.getMessage());
        assertNull(registry.current());
    }

    @Test
    void anErrorOfOneDeployIsARefusalInOneLineAndTheNextDeployWorks() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        boolean[] fail = {false};
        Deployer failing = new Deployer(registry, store, FILTER, false, DeployerTest.class.getClassLoader(), modules,
                () -> {
                    if (fail[0]) throw new OutOfMemoryError("Java heap space");
                    return Map.of();
                }, erasure::changesIn, DeployRules.OPEN, null);
        Generation first = failing.start(List.of(version("v1", 1)));
        fail[0] = true;
        DeployRefused refused = assertThrows(DeployRefused.class, () -> failing.activate(List.of(version("v2", 2))));
        assertEquals("deploy of [sw.jar] refused, " + first + " stays current: java.lang.OutOfMemoryError: Java heap"
                + " space while checking [sw.jar]", refused.getMessage());
        assertSame(first, registry.current());
        fail[0] = false;
        assertEquals(2, failing.activate(List.of(version("v2", 2))).sequence());
    }

    @Test
    void aRollbackDoesNotWaitBehindADeploysChecks() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        CountDownLatch checking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        boolean[] block = {false};
        Deployer slow = new Deployer(registry, store, FILTER, false, DeployerTest.class.getClassLoader(), modules,
                () -> {
                    if (block[0]) {
                        checking.countDown();
                        await(release);
                    }
                    return Map.of();
                }, erasure::changesIn, DeployRules.OPEN, null);
        Generation first = slow.start(List.of(version("v1", 1)));
        Generation second = slow.activate(List.of(version("v2", 2)));
        block[0] = true;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<DeployRefused> deploy = threads.submit(() -> assertThrows(DeployRefused.class,
                    () -> slow.activate(List.of(version("v3", 3)))));
            assertTrue(checking.await(30, TimeUnit.SECONDS), "the deploy is in its checks");
            Thread[] rollbackThread = new Thread[1];
            Future<Generation> rollback = threads.submit(() -> {
                rollbackThread[0] = Thread.currentThread();
                return slow.rollback();
            });
            // The rollback has asked once it waits for the deployer's lock: then let the checks go on.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!waitsForTheDeployer(rollbackThread[0]) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            release.countDown();
            assertEquals("deploy of [sw.jar] refused, " + second + " stays current: stopped for the rollback the"
                    + " operator asked for", deploy.get(30, TimeUnit.SECONDS).getMessage());
            Generation back = rollback.get(30, TimeUnit.SECONDS);
            assertEquals(first.hash(), back.hash(), "the rollback went through: generation 1's content");
            assertSame(back, registry.current());
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    /** Blocked on the deployer's lock in rollback (not on a class being loaded on the way there). */
    private static boolean waitsForTheDeployer(Thread thread) {
        if (thread == null || thread.getState() != Thread.State.BLOCKED) return false;
        StackTraceElement[] stack = thread.getStackTrace();
        return stack.length > 0 && stack[0].getClassName().equals(Deployer.class.getName())
                && stack[0].getMethodName().equals("rollback");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path version(String dir, int value) throws Exception {
        return DeployTesting.jar(tmp.resolve(dir).resolve("sw.jar"),
                Map.of("sw.V", "package sw; public class V { public static int v() { return " + value + "; } }"));
    }
}
