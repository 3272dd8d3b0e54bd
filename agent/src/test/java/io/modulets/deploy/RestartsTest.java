package io.modulets.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.TestSeams;
import io.modulets.boundary.BoundaryReferences;
import io.modulets.boundary.BoundaryReferences.Need;
import io.modulets.boundary.BoundaryReferences.Reference;
import io.modulets.boundary.Erasure;
import io.modulets.config.PackageFilter;
import io.modulets.generations.DeployState;
import io.modulets.generations.Generation;
import io.modulets.generations.Registry;
import io.modulets.generations.StateFile;
import io.modulets.generations.Store;

/** What the deployer records for a restart, and what a start chooses from it (DESIGN §2.9). */
class RestartsTest {
    private static final PackageFilter FILTER = PackageFilter.of(List.of("sw"), List.of());

    @TempDir
    Path tmp;
    private ClassLoader savedCurrent;
    private Store store;
    private Path modules;

    @BeforeEach
    void save() throws Exception {
        savedCurrent = Bindings.current();
        store = new Store(tmp.resolve("store"));
        modules = Files.createDirectories(tmp.resolve("modules"));
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
        TestSeams.setCanary(null);
    }

    /** One JVM's agent: a registry, a deployer and its journal over the same store and modules directory. */
    private record Agent(Registry registry, Deployer deployer, Restarts restarts) {
        Generation start(Path modules) throws Exception {
            return restarts.start(deployer, List.of(modules.resolve("sw.jar")));
        }
    }

    private Agent agent() {
        return agent(DeployRules.OPEN);
    }

    /** A fresh agent over this test's store and modules directory, its deploys held to {@code rules}. */
    private Agent agent(DeployRules rules) {
        Registry registry = new Registry(store, FILTER, RestartsTest.class.getClassLoader());
        Erasure erasure = new Erasure(FILTER, Bindings::current);
        Restarts restarts = Restarts.open(store, modules, registry, 5);
        Deployer deployer = new Deployer(registry, store, FILTER, false, RestartsTest.class.getClassLoader(), modules,
                () -> BoundaryReferences.byMember(
                        List.of(new Reference(Need.STATIC_METHOD, "sw/V", "v", "()I", "app.Main.run"))),
                erasure::changesIn, rules, restarts);
        return new Agent(registry, deployer, restarts);
    }

    private void put(Path jar) throws Exception {
        Files.copy(jar, modules.resolve("sw.jar"), StandardCopyOption.REPLACE_EXISTING);
    }

    private DeployState state() {
        return new StateFile(store, modules).read();
    }

    @Test
    void aRefusalByTheChecksIsKeptAndItsJarsAreNotAndTheNextStartKeepsTheLastGood() throws Exception {
        Path v1 = version("v1", 1);
        put(v1);
        Agent first = agent();
        Generation one = first.start(modules);
        put(broken());
        DeployRefused refused = assertThrows(DeployRefused.class, first.deployer()::rescan);
        assertTrue(refused.getMessage().contains("link check: sw.V is missing"), refused.getMessage());

        DeployState state = state();
        String brokenHash = store.contentHash(List.of(modules.resolve("sw.jar")));
        assertEquals(one.hash(), state.current().hash());
        assertEquals(DeployState.Kind.REFUSED, state.decision(brokenHash).kind());
        assertEquals("link check: sw.V is missing from sw.jar, used by shell app.Main.run",
                state.decision(brokenHash).reason(), "the reason, without what stayed current");
        try (var files = Files.list(store.dir())) {
            assertEquals(1, files.filter(p -> p.toString().endsWith(".jar")).count(), "the refused jar is not kept");
        }

        Generation restarted = agent().start(modules);
        assertEquals(one.hash(), restarted.hash());
        assertEquals(1, restarted.sequence());
    }

    @Test
    void aRollbackIsKeptAndADeployOfTheSameContentUndoesIt() throws Exception {
        put(version("v1", 1));
        Agent first = agent();
        Generation one = first.start(modules);
        put(version("v2", 2));
        Generation two = first.deployer().rescan();
        first.deployer().rollback();
        assertEquals(DeployState.Kind.ROLLED_BACK, state().decision(two.hash()).kind());

        Agent second = agent();
        assertEquals(one.hash(), second.start(modules).hash(), "the rolled-back-to generation");
        assertEquals(one.hash(), state().current().hash());

        Generation forced = second.deployer().rescan(); // the operator takes it back in
        assertEquals(two.hash(), forced.hash());
        assertNull(state().decision(two.hash()));
        assertEquals(two.hash(), agent().start(modules).hash());
    }

    @Test
    void aRollbackRightAfterARestartReturnsToTheGenerationCurrentBefore() throws Exception {
        put(version("v1", 1));
        Agent first = agent();
        Generation one = first.start(modules);
        put(version("v2", 2));
        Generation two = first.deployer().rescan();

        Agent second = agent();
        assertEquals(two.hash(), second.start(modules).hash());
        Generation back = second.deployer().rollback();
        assertEquals(one.hash(), back.hash(), "the generation current before the restart");
        assertEquals(2, back.sequence());
        assertEquals(DeployState.Kind.ROLLED_BACK, state().decision(two.hash()).kind(), "kept like any rollback");
        assertEquals(two.hash(), second.deployer().rollback().hash(), "and rolling back again returns");

        // A first start has nothing to return to.
        Files.delete(second.restarts().stateFile());
        Agent fresh = agent();
        fresh.start(modules);
        DeployRefused none = assertThrows(DeployRefused.class, fresh.deployer()::rollback);
        assertTrue(none.getMessage().contains("nothing to roll back to"), none.getMessage());
    }

    @Test
    void theWatcherLeavesOutDecidedContentAndAnExplicitRescanTakesIt() throws Exception {
        put(version("v1", 1));
        Agent agent = agent();
        Generation one = agent.start(modules);
        put(broken());
        assertThrows(DeployRefused.class, agent.deployer()::watched);
        assertEquals(one, agent.deployer().watched(), "refused content: left out, nothing changes");

        put(version("v2", 2));
        Generation two = agent.deployer().watched();
        assertEquals(2, two.sequence(), "new content is deployed");
        agent.deployer().rollback();
        assertEquals(one.hash(), agent.deployer().watched().hash(), "rolled back from: left out");
        assertEquals(one.hash(), agent.registry().current().hash());

        assertEquals(two.hash(), agent.deployer().rescan().hash(), "the operator's explicit rescan takes it");
        assertNull(state().decision(two.hash()));
    }

    @Test
    void aKeptGenerationWhoseStoredJarsAreGoneIsNotUsedAndTheDirectoryIsTaken() throws Exception {
        put(version("v1", 1));
        Agent first = agent();
        Generation one = first.start(modules);
        put(version("v2", 2));
        Generation two = first.deployer().rescan();
        first.deployer().rollback();
        Path stored = one.snapshot().jars().get(0).stored();
        stored.toFile().setWritable(true);
        Files.delete(stored);

        assertEquals(two.hash(), agent().start(modules).hash(), "the directory's content, checked as ever");
    }

    @Test
    void aRefusalThatIsNotTheContentsIsNotKept() throws Exception {
        put(version("v1", 1));
        Agent first = agent(DeployRules.OPEN.withCanaries(0.5, null));
        first.start(modules);
        Generation canary = first.deployer().activate(List.of(version("v2", 2)));
        assertEquals(DeployState.Kind.CANARY, state().decision(canary.hash()).kind(), "a canary is a decision");

        Path v3 = version("v3", 3);
        assertThrows(DeployRefused.class, () -> first.deployer().activate(List.of(v3)), "a canary is in progress");
        assertNull(state().decision(store.contentHash(List.of(v3))), "the content was not judged");
        assertFalse(state().history().isEmpty());
    }

    @Test
    void contentPutThereWhileTheJvmWasDownIsTakenOrIfRefusedTheLastGoodStarts() throws Exception {
        put(version("v1", 1));
        Generation one = agent().start(modules);
        put(version("v2", 2));
        Generation two = agent().start(modules);
        assertEquals(store.contentHash(List.of(modules.resolve("sw.jar"))), two.hash(), "new content is taken");

        put(broken());
        Generation kept = agent().start(modules);
        assertEquals(two.hash(), kept.hash(), "refused at the start: the last good one");
        assertEquals(DeployState.Kind.REFUSED,
                state().decision(store.contentHash(List.of(modules.resolve("sw.jar")))).kind());
        assertEquals(List.of(two.hash(), one.hash()), state().history().stream().map(DeployState.Recorded::hash)
                .toList());
    }

    private Path broken() throws Exception {
        return DeployTesting.jar(tmp.resolve("broken").resolve("sw.jar"),
                Map.of("sw.W", "package sw; public class W { }"));
    }

    private Path version(String dir, int value) throws Exception {
        return DeployTesting.jar(tmp.resolve(dir).resolve("sw.jar"),
                Map.of("sw.V", "package sw; public class V { public static int v() { return " + value + "; } }"));
    }
}
