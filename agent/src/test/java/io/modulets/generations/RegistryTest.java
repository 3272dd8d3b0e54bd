package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.TestSeams;
import io.modulets.config.PackageFilter;

class RegistryTest {
    @TempDir
    Path temp;
    private Registry registry;
    private ClassLoader savedCurrent;

    @BeforeEach
    void registry() {
        savedCurrent = Bindings.current();
        registry = new Registry(new Store(temp.resolve("store")), PackageFilter.of(List.of("sw"), List.of()),
                RegistryTest.class.getClassLoader());
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
    }

    @Test
    void activationPublishesTheNewGenerationToNewTasks() throws IOException {
        Generation first = registry.activate(List.of(TestJars.jar(temp.resolve("a/mail.jar"), "v1")));
        assertEquals(1, first.sequence());
        assertSame(first, registry.current());
        assertSame(first.loader(), Bindings.current());
        assertSame(first, first.loader().generation());

        Generation second = registry.activate(List.of(TestJars.jar(temp.resolve("b/mail.jar"), "v2")));
        assertEquals(2, second.sequence());
        assertSame(second.loader(), Bindings.current());
        assertEquals(List.of(first, second), registry.all());
    }

    @Test
    void theSameContentIsTheSameGeneration() throws IOException {
        Generation first = registry.activate(List.of(TestJars.jar(temp.resolve("a/mail.jar"), "v1")));
        assertSame(first, registry.activate(List.of(TestJars.jar(temp.resolve("b/renamed.jar"), "v1"))),
                "same bytes under another name");
        ClassLoader held = first.loader(); // keeps the first loaded once it retires, so that it can be reused
        registry.activate(List.of(TestJars.jar(temp.resolve("c/mail.jar"), "v2")));
        Generation back = registry.activate(List.of(TestJars.jar(temp.resolve("d/mail.jar"), "v1")));
        assertSame(first, back, "content still loaded is reused, not loaded twice");
        assertSame(first, registry.current());
        assertSame(held, Bindings.current());
        assertEquals(2, registry.all().size());
    }

    @Test
    void theRecordsOfUnloadedGenerationsAreBounded() throws IOException {
        int made = Registry.UNLOADED_RECORDS + 5;
        for (int i = 1; i <= made; i++) {
            registry.activate(List.of(TestJars.jar(temp.resolve(i + "/mail.jar"), "v" + i)));
        }
        for (Generation g : registry.all()) {
            if (g != registry.current()) registry.unloaded(g); // as the collector would tell it
        }

        List<Generation> all = registry.all();
        assertEquals(Registry.UNLOADED_RECORDS + 1, all.size(), "the newest unloaded ones and the current one");
        assertEquals(made - Registry.UNLOADED_RECORDS, all.get(0).sequence(), "the oldest are forgotten");
        assertSame(registry.current(), all.get(all.size() - 1));
        assertEquals(made - 1, registry.rollbackTarget().sequence(), "the rollback target is kept");
    }

    @Test
    void aFailedActivationChangesNothing() throws IOException {
        Generation first = registry.activate(List.of(TestJars.jar(temp.resolve("a/mail.jar"), "v1")));
        IOException refused = assertThrows(IOException.class,
                () -> registry.activate(List.of(temp.resolve("missing.jar"))));
        assertTrue(refused.getMessage().startsWith("modulets: "), refused.getMessage());
        assertSame(first, registry.current());
        assertSame(first.loader(), Bindings.current());
        assertEquals(1, registry.all().size());
    }
}
