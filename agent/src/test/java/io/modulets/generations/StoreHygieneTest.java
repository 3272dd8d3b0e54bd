package io.modulets.generations;

import static io.modulets.generations.TestJars.jar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreHygieneTest {
    private static final Instant LATER = Instant.now().plus(StoreHygiene.GRACE).plusSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void temporaryFilesNoOneHoldsAreRemovedAndHeldOnesStay() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        Snapshot kept = store.snapshot(List.of(jar(tmp.resolve("d/a.jar"), "a")));
        Path left = Files.write(store.dir().resolve(".snapshot-123.tmp"), new byte[1000]);
        Path writing = Files.write(store.dir().resolve(".snapshot-456.tmp"), new byte[10]);

        int removed;
        try (FileChannel channel = FileChannel.open(writing, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            removed = new StoreHygiene(store).removeTemporaries();
        }

        assertEquals(1, removed);
        assertFalse(Files.exists(left));
        assertTrue(Files.exists(writing), "a copy in progress (this JVM's here; another's is held the same way)");
        assertTrue(store.verify(kept));
    }

    @Test
    void theRetentionKeepsWhatIsLiveListedOrRecentAndRemovesTheRest() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        Snapshot live = store.snapshot(List.of(jar(tmp.resolve("d/live.jar"), "live")));
        Snapshot listed = store.snapshot(List.of(jar(tmp.resolve("d/listed.jar"), "listed")));
        Snapshot listedByAnother = store.snapshot(List.of(jar(tmp.resolve("d/other.jar"), "other")));
        Snapshot old = store.snapshot(List.of(jar(tmp.resolve("d/old.jar"), "old")));
        new StateFile(store, tmp.resolve("m1")).write(DeployState.empty(tmp.resolve("m1")).current(listed, 5));
        new StateFile(store, tmp.resolve("m2")).write(DeployState.empty(tmp.resolve("m2")).current(listedByAnother, 5));
        StoreHygiene hygiene = new StoreHygiene(store);

        assertEquals(0, hygiene.prune(Set.of(), Instant.now()), "everything was written within the grace period");
        assertEquals(1, hygiene.prune(Set.of(live.jars().get(0).sha256()), LATER));

        assertTrue(store.verify(live));
        assertTrue(store.verify(listed));
        assertTrue(store.verify(listedByAnother));
        assertFalse(Files.exists(old.jars().get(0).stored()));
    }

    @Test
    void contentUsedAgainStartsItsGracePeriodAgain() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        Path source = jar(tmp.resolve("d/a.jar"), "a");
        Snapshot a = store.snapshot(List.of(source));
        Path stored = a.jars().get(0).stored();
        Files.setLastModifiedTime(stored, FileTime.from(Instant.now().minus(StoreHygiene.GRACE).minusSeconds(60)));
        store.snapshot(List.of(source)); // another deploy of the same content, not yet in any state

        assertEquals(0, new StoreHygiene(store).prune(Set.of(), Instant.now()));
        assertTrue(store.verify(a));
    }

    @Test
    void anUnreadableStateStopsThePruning() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        Snapshot a = store.snapshot(List.of(jar(tmp.resolve("d/a.jar"), "a")));
        Files.writeString(store.dir().resolve("deploy-0123456789abcdef.state"), "not a state");

        assertEquals(0, new StoreHygiene(store).prune(Set.of(), LATER));
        assertTrue(store.verify(a));
    }

    @Test
    void refusedContentIsForgottenAtOnceUnlessSomethingElseHasItsJars() throws Exception {
        Store store = new Store(tmp.resolve("store"));
        Path shared = jar(tmp.resolve("d/shared.jar"), "shared");
        Snapshot current = store.snapshot(List.of(shared));
        Snapshot refused = store.snapshot(List.of(shared, jar(tmp.resolve("d/bad.jar"), "bad")));

        new StoreHygiene(store).forget(refused, Set.of(current.jars().get(0).sha256()));

        assertTrue(store.verify(current));
        assertFalse(Files.exists(refused.jars().get(1).stored()));
    }

    @Test
    void aStoredCopysNameIsSixtyFourLowercaseHexDigitsAndJar() {
        String hex = "0123456789abcdef".repeat(4);
        assertTrue(StoreHygiene.isStored(hex + ".jar"));
        assertFalse(StoreHygiene.isStored(hex.toUpperCase() + ".jar"), "upper case");
        assertFalse(StoreHygiene.isStored(hex.substring(1) + ".jar"), "63 digits");
        assertFalse(StoreHygiene.isStored(hex + "0.jar"), "65 digits");
        assertFalse(StoreHygiene.isStored(hex + ".jar.tmp"), "a temporary name");
        assertFalse(StoreHygiene.isStored(hex.substring(1) + "g.jar"), "not hex");
        assertFalse(StoreHygiene.isStored(hex + ".zip"));
    }
}
