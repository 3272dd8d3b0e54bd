package io.modulets.generations;

import static io.modulets.generations.TestJars.jar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.generations.DeployState.Kind;
import io.modulets.generations.DeployState.Take;

class DeployStateTest {
    private static final Instant AT = Instant.parse("2026-12-05T09:30:00Z");

    @TempDir
    Path tmp;

    private Snapshot snapshot(String name, String content) throws IOException {
        return new Store(tmp.resolve("store")).snapshot(List.of(jar(tmp.resolve("d/" + name), content)));
    }

    private DeployState empty() {
        return DeployState.empty(tmp.resolve("modules"));
    }

    @Test
    void theFormatKeepsEverythingWhateverTheNamesAndReasonsHold() throws Exception {
        Snapshot a = snapshot("a\nb \u001b[31m é.jar", "a");
        Snapshot b = snapshot("b.jar", "b");
        DeployState state = empty().directoryHeld(b.hash()).current(a, 5).current(b, 5)
                .decided(a.hash(), Kind.ROLLED_BACK, AT, "")
                .decided(b.hash(), Kind.REFUSED, AT, "jar a.jar: line\u001b one = two # three\\");

        DeployState read = DeployState.parse(state.format());

        assertEquals(state, read);
        assertEquals(b.hash(), read.current().hash());
        assertEquals(a, read.history().get(1).snapshot(new Store(tmp.resolve("store"))));
    }

    @Test
    void theStartTakesTheDirectoryUnlessItsContentWasDecidedAgainst() throws Exception {
        Snapshot good = snapshot("good.jar", "good");
        Snapshot bad = snapshot("bad.jar", "bad");
        Snapshot next = snapshot("next.jar", "next");
        Snapshot other = snapshot("other.jar", "other");
        assertEquals(Take.DIRECTORY, empty().take(bad.hash()), "a first start takes the directory");

        DeployState running = empty().directoryHeld(good.hash()).current(good, 5);
        assertEquals(Take.DIRECTORY, running.take(good.hash()), "the current content");
        assertEquals(Take.NEW, running.take(next.hash()), "content put there while the JVM was down");

        DeployState refused = running.directoryHeld(bad.hash()).decided(bad.hash(), Kind.REFUSED, AT, "why");
        assertEquals(Take.KEEP_CURRENT, refused.take(bad.hash()));
        assertEquals(Take.NEW, refused.take(next.hash()));

        DeployState rolledBack = running.directoryHeld(next.hash()).current(next, 5).current(good, 5)
                .decided(next.hash(), Kind.ROLLED_BACK, AT, "");
        assertEquals(Take.KEEP_CURRENT, rolledBack.take(next.hash()));

        DeployState canary = running.directoryHeld(next.hash()).decided(next.hash(), Kind.CANARY, AT, "");
        assertEquals(Take.KEEP_CURRENT, canary.take(next.hash()), "a canary never promoted");

        // The operator activated other jars through the CLI: the directory, unchanged, is not taken back.
        DeployState replaced = running.current(other, 5);
        assertEquals(Take.KEEP_CURRENT, replaced.take(good.hash()));
        assertNull(replaced.decision(good.hash()));
    }

    @Test
    void makingContentCurrentAgainUndoesWhatWasDecidedAboutIt() throws Exception {
        Snapshot good = snapshot("good.jar", "good");
        Snapshot bad = snapshot("bad.jar", "bad");
        DeployState state = empty().current(good, 5).decided(bad.hash(), Kind.REFUSED, AT, "why").current(bad, 5);
        assertNull(state.decision(bad.hash()));
        assertEquals(Take.DIRECTORY, state.take(bad.hash()));
    }

    @Test
    void historyAndDecisionsAreBounded() throws Exception {
        DeployState state = empty();
        Snapshot last = null;
        for (int i = 0; i < 8; i++) {
            last = snapshot("v" + i + ".jar", "v" + i);
            state = state.current(last, 3);
        }
        assertEquals(3, state.history().size());
        assertEquals(last.hash(), state.current().hash());
        assertEquals(3, state.jarHashes().size());
        assertEquals(2, state.retaining(2).history().size());

        for (int i = 0; i < DeployState.MAX_DECISIONS + 10; i++) {
            state = state.decided(snapshot("r" + i + ".jar", "r" + i).hash(), Kind.REFUSED, AT, "r" + i);
        }
        assertEquals(DeployState.MAX_DECISIONS, state.decisions().size());
        assertEquals("r" + (DeployState.MAX_DECISIONS + 9), state.decisions().get(0).reason(), "newest first");
    }

    @Test
    void anythingButTheFormatIsRefusedWithItsReason() throws Exception {
        Snapshot a = snapshot("a.jar", "a");
        String good = empty().current(a, 5).format();
        assertMalformed("no format line: not a deployment state", "");
        assertMalformed("format 2, and this agent reads format 1", good.replace("format=1", "format=2"));
        assertMalformed("no modules line", good.replaceAll("(?m)^modules=.*$", ""));
        assertMalformed("malformed: Malformed \\uxxxx encoding.", good + "x=\\u12\n");
        assertMalformed("generation.1's hash does not match its jars",
                good.replace(a.jars().get(0).sha256() + " ", "0".repeat(64) + " "));
        assertMalformed("malformed: For input string: \"x\"", good.replace(" " + a.jars().get(0).size() + " ", " x "));
        assertMalformed("decision.1 is not 'hash kind instant'", good + "decision.1=" + a.hash() + "\n");
        String decided = empty().decided(a.hash(), Kind.REFUSED, AT, "").format();
        assertTrue(assertThrows(IOException.class, () -> DeployState.parse(decided.replace("REFUSED", "LIKED")))
                .getMessage().startsWith("malformed: No enum constant"));
    }

    private static void assertMalformed(String reason, String text) {
        assertEquals(reason, assertThrows(IOException.class, () -> DeployState.parse(text)).getMessage());
    }
}
