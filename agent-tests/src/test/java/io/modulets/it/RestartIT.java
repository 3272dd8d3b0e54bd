package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Deploys;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * A restart keeps what the operator decided (DESIGN §2.9): the same child JVM
 * ({@code apps/cli/shell/cli/App.java}: a root task per {@code task} line, printing what the swappable
 * {@code cli.mod.Magic.get()} returns) is started, a deploy is made through the watched modules directory,
 * and the JVM is stopped and started again on the same modules directory and store. What the second JVM
 * runs is observed from outside: its tasks' answers and its log.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RestartIT {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static final int TASKS = 10;
    private static Path shellJar;
    private static Path v1000;
    private static Path v1001;
    private static Path orphan;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(RestartIT.class);
        v1000 = magic(1000).build(dir.resolve("v1000/magic.jar"));
        v1001 = magic(1001).build(dir.resolve("v1001/magic.jar"));
        // Passes every check but loading: its class's superclass is in no jar. Generation 1 is not load-checked
        // (the boundary is installed after it), so a start that took it would fail every task.
        Path whole = magic(1002).source("cli.mod.Gone", "package cli.mod; public class Gone {}")
                .build(dir.resolve("orphan/whole.jar"));
        orphan = without(whole, "cli/mod/Gone.class", dir.resolve("orphan/magic.jar"));
        shellJar = new JarBuilder().source("cli.App", AppSources.read("apps/cli/shell/cli/App.java"))
                .classpath(v1000).build(dir.resolve("shell.jar"));
    }

    private static JarBuilder magic(int magic) {
        String superclass = magic == 1002 ? " extends Gone" : "";
        return new JarBuilder().source("cli.mod.Magic", "package cli.mod;\npublic class Magic" + superclass + " {\n"
                        + "    public static int get() { return " + magic + "; }\n}\n")
                .manifest("Implementation-Version", Integer.toString(magic));
    }

    private static InteractiveJvm start(Jdk jdk, Path work, String name) throws Exception {
        InteractiveJvm child = InteractiveJvm.start(ChildJvm.on(jdk)
                .agent("packages=cli.mod,modules=" + work.resolve("modules") + ",quiet=300ms,store="
                        + work.resolve("store"))
                .classpath(shellJar).mainClass("cli.App"), work, name);
        child.expect("READY ", LINE);
        return child;
    }

    private static Path modules(Path work) throws IOException {
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(v1000, modules.resolve("magic.jar"), StandardCopyOption.REPLACE_EXISTING);
        return modules;
    }

    /** Runs {@link #TASKS} root tasks; each must end and answer {@code magic} (a failed task prints nothing). */
    private static void tasksRun(InteractiveJvm child, String magic) throws Exception {
        for (int i = 0; i < TASKS; i++) {
            child.send("task");
            String line = child.expect("TASK ", LINE);
            assertTrue(line.endsWith(" magic=" + magic), () -> "a task runs " + magic + ": " + line + "\n"
                    + child.describe());
        }
    }

    private static List<String> agentLines(InteractiveJvm child) throws IOException {
        return child.stderrLines().stream().filter(l -> l.contains("modulets: ")).toList();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aRestartAfterARefusalKeepsTheLastGoodGeneration(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work);
        try (InteractiveJvm first = start(jdk, work, "first")) {
            tasksRun(first, "1000");
            Deploys.renameInto(orphan, modules, "magic.jar");
            first.awaitLog("refused, generation 1 \\(1000, .*cli.mod.Magic does not load", "task", "TASK ", LINE);
            tasksRun(first, "1000");
        }

        try (InteractiveJvm second = start(jdk, work, "second")) {
            tasksRun(second, "1000");
            List<String> lines = agentLines(second);
            List<String> why = lines.stream().filter(l -> l.contains(" holds [magic.jar] (content ")).toList();
            assertAll(second.describe(),
                    () -> assertEquals(1, why.size(), "one line says why the directory's content is not taken"),
                    () -> assertTrue(why.get(0).contains("which was refused at "), why.get(0)),
                    () -> assertTrue(why.get(0).contains("cli.mod.Magic does not load"), "with the reason"),
                    () -> assertTrue(why.get(0).contains("generation 1 is the last chosen one, 1000 (content "),
                            "names what runs"),
                    () -> assertTrue(lines.stream().anyMatch(l -> l.contains("generation 1 (1000, ")),
                            "generation 1 is 1000"),
                    // 1002 as a word, not digits of a timestamp (22:23:52.805361002Z) or of a content hash
                    () -> assertTrue(lines.stream().noneMatch(l -> l.matches(".*(?<!\\w)1002(?!\\w).*")),
                            "1002 is never loaded"));
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aJarPutThereWhileTheJvmWasDownAndRefusedAtTheStartLeavesTheLastGoodGeneration(Jdk jdk, TestInfo info)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work);
        try (InteractiveJvm first = start(jdk, work, "first")) {
            tasksRun(first, "1000");
        }
        Files.writeString(modules.resolve("magic.jar"), "not a zip");

        try (InteractiveJvm second = start(jdk, work, "second")) {
            tasksRun(second, "1000");
            List<String> refused = agentLines(second).stream().filter(l -> l.contains("refused")).toList();
            assertAll(second.describe(),
                    () -> assertEquals(1, refused.size(), "one line"),
                    () -> assertTrue(refused.get(0).contains("generation 1 refused: magic.jar is not a complete zip"
                            + " file"), refused.get(0)),
                    () -> assertTrue(refused.get(0).matches(".*; generation 1 is the last good one instead, 1000"
                            + " \\(content [0-9a-f]{12}\\)"), refused.get(0)));
        }
        try (InteractiveJvm third = start(jdk, work, "third")) {
            tasksRun(third, "1000");
            assertTrue(agentLines(third).stream().anyMatch(l -> l.contains(" holds [magic.jar] (content ")
                    && l.contains("which was refused at ")), third::describe);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aRestartAfterARollbackKeepsTheRolledBackToGeneration(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work);
        try (InteractiveJvm first = start(jdk, work, "first")) {
            Deploys.renameInto(v1001, modules, "magic.jar");
            first.awaitLog("generation 2 \\(1001, [0-9a-f]{12}\\) is current \\(was 1\\)", "task", "TASK ", LINE);
            tasksRun(first, "1001");
            ChildJvm.Result rollback = ChildJvm.on(jdk).jar(Artifacts.agentJar())
                    .args("rollback", Long.toString(first.pid())).outputIn(work).name("cli-rollback").run();
            assertEquals(0, rollback.exitCode(), rollback::describe);
            tasksRun(first, "1000");
        }

        try (InteractiveJvm second = start(jdk, work, "second")) {
            tasksRun(second, "1000");
            List<String> why = agentLines(second).stream().filter(l -> l.contains(" holds [magic.jar] (content "))
                    .toList();
            assertAll(second.describe(),
                    () -> assertEquals(1, why.size(), "one line says why the directory's content is not taken"),
                    () -> assertTrue(why.get(0).contains("which was rolled back by the operator at "), why.get(0)),
                    () -> assertTrue(why.get(0).contains("generation 1 is the last chosen one, 1000 (content "),
                            why.get(0)));
        }

        // The operator's way back in: deploy the content again, here by putting it in the directory anew.
        try (InteractiveJvm third = start(jdk, work, "third")) {
            ChildJvm.Result rescan = ChildJvm.on(jdk).jar(Artifacts.agentJar())
                    .args("rescan", Long.toString(third.pid())).outputIn(work).name("cli-rescan").run();
            assertEquals(0, rescan.exitCode(), rescan::describe);
            tasksRun(third, "1001");
        }
        try (InteractiveJvm fourth = start(jdk, work, "fourth")) {
            tasksRun(fourth, "1001");
            assertTrue(agentLines(fourth).stream().noneMatch(l -> l.contains(" holds [magic.jar] (content ")),
                    fourth::describe);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aRollbackRightAfterARestartReturnsToTheGenerationCurrentBeforeIt(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work);
        try (InteractiveJvm first = start(jdk, work, "first")) {
            Deploys.renameInto(v1001, modules, "magic.jar");
            first.awaitLog("generation 2 \\(1001, [0-9a-f]{12}\\) is current \\(was 1\\)", "task", "TASK ", LINE);
        }

        try (InteractiveJvm second = start(jdk, work, "second")) {
            tasksRun(second, "1001");
            ChildJvm.Result rollback = cli(jdk, work, "rollback", second);
            assertEquals(0, rollback.exitCode(), rollback::describe);
            tasksRun(second, "1000");
            assertTrue(rollback.stdout().contains("generation 2 (1000, "), rollback::describe);
            assertTrue(agentLines(second).stream().anyMatch(l -> l.contains("generation 2 (1000, ")
                    && l.contains("is current (was 1, rollback)")), second::describe);
        }
        // ...and that rollback is kept like any other.
        try (InteractiveJvm third = start(jdk, work, "third")) {
            tasksRun(third, "1000");
            ChildJvm.Result back = cli(jdk, work, "rollback", third);
            assertEquals(0, back.exitCode(), back::describe);
            tasksRun(third, "1001");
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void theWatcherLeavesOutContentThatWasRefusedOrRolledBackFromUntilTheOperatorDeploysIt(Jdk jdk, TestInfo info)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work);
        String leftOut = "the watcher leaves it out and generation ";
        try (InteractiveJvm child = start(jdk, work, "first")) {
            Deploys.renameInto(orphan, modules, "magic.jar");
            child.awaitLog("refused, generation 1 \\(1000, .*cli.mod.Magic does not load", "task", "TASK ", LINE);
            Deploys.renameInto(v1001, modules, "magic.jar");
            child.awaitLog("generation 2 \\(1001, [0-9a-f]{12}\\) is current \\(was 1\\)", "task", "TASK ", LINE);

            // The refused content again, under another name: left out, by its content.
            Files.delete(modules.resolve("magic.jar"));
            Deploys.renameInto(orphan, modules, "other.jar");
            awaitLines(child, leftOut, 1);
            tasksRun(child, "1001");

            // Rolled back from 1001, then the same 1001 renamed in again: left out.
            Files.delete(modules.resolve("other.jar"));
            assertEquals(0, cli(jdk, work, "rollback", child).exitCode());
            Deploys.renameInto(v1001, modules, "magic.jar");
            awaitLines(child, leftOut, 2);
            tasksRun(child, "1000");
            List<String> lines = agentLines(child).stream().filter(l -> l.contains(leftOut)).toList();
            assertAll(child.describe(),
                    () -> assertTrue(lines.get(0).contains(" holds [other.jar] (content ")
                            && lines.get(0).contains("which was refused at ")
                            && lines.get(0).contains("cli.mod.Magic does not load"), lines.get(0)),
                    () -> assertTrue(lines.get(1).contains(" holds [magic.jar] (content ")
                            && lines.get(1).contains("which was rolled back by the operator at ")
                            && lines.get(1).contains("generation 1 (1000, "), lines.get(1)),
                    () -> assertTrue(lines.stream().allMatch(l -> l.endsWith("to take it, deploy it explicitly (the"
                            + " CLI's rescan or activate, or JMX)")), "and how to force it"),
                    () -> assertEquals(1, agentLines(child).stream().filter(l -> l.contains("refused, generation")
                            && l.contains("does not load")).count(), "the refused content was not checked again"));

            // The operator's way back in: an explicit deploy.
            assertEquals(0, cli(jdk, work, "rescan", child).exitCode());
            tasksRun(child, "1001");
        }
    }

    private static ChildJvm.Result cli(Jdk jdk, Path work, String command, InteractiveJvm target) throws Exception {
        return ChildJvm.on(jdk).jar(Artifacts.agentJar()).args(command, Long.toString(target.pid())).outputIn(work)
                .name("cli-" + command + "-" + System.nanoTime()).run();
    }

    /** Waits (bounded, paced by tasks as {@link InteractiveJvm#awaitLog}) for {@code count} agent lines with {@code text}. */
    private static void awaitLines(InteractiveJvm child, String text, int count) throws Exception {
        long deadline = System.nanoTime() + LINE.toNanos();
        while (agentLines(child).stream().filter(l -> l.contains(text)).count() < count) {
            if (System.nanoTime() > deadline) fail(count + " lines with [" + text + "] expected\n" + child.describe());
            child.send("task");
            child.expect("TASK ", LINE);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aKillDuringTheDeployOfALargeJarLeavesNoTemporaryFileAfterTheNextStart(Jdk jdk, TestInfo info)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work);
        Path store = work.resolve("store");
        Path large = withLargeEntry(v1001, 100 << 20, work.resolve("large/magic.jar"));
        try (InteractiveJvm first = start(jdk, work, "first")) {
            tasksRun(first, "1000");
            Deploys.renameInto(large, modules, "magic.jar");
            // The agent copies the jar into the store under a temporary name: kill it once a part is copied.
            long deadline = System.nanoTime() + LINE.toNanos();
            while (temporaries(store).stream().noneMatch(t -> sizeOf(t) > (1 << 20))) {
                if (System.nanoTime() > deadline) {
                    fail("no temporary file in the store within 60 s\n" + first.describe());
                }
                // a millisecond between looks: spinning here took a core from the child that copies the jar
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            ProcessHandle.of(first.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
            ProcessHandle.of(first.pid()).ifPresent(p -> p.onExit().join());
        }
        assertEquals(1, temporaries(store).size(), "the kill left the copy in progress");

        try (InteractiveJvm second = start(jdk, work, "second")) {
            // The modules directory holds content no decision was made about: the start takes it.
            tasksRun(second, "1001");
            assertAll(second.describe(),
                    () -> assertEquals(List.of(), temporaries(store), "no temporary file is left"),
                    () -> assertTrue(agentLines(second).stream().anyMatch(l -> l.matches(
                            ".*modulets: removed 1 temporary file \\([1-9]\\d{6,} bytes\\) left in the store .* by an"
                                    + " interrupted deploy")), "one line says so"));
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    private static List<Path> temporaries(Path store) throws IOException {
        if (!Files.isDirectory(store)) return List.of();
        try (Stream<Path> files = Files.list(store)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        }
    }

    /**
     * {@code jar}'s entries and one STORED entry of {@code size} bytes, made at test time: one random MiB repeated,
     * which deflate cannot shrink either (its window is 32 KB).
     */
    private static Path withLargeEntry(Path jar, int size, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        // not 200 MB drawn from Random: that was a few seconds of the tests' CPU
        byte[] chunk = new byte[1 << 20];
        new Random(19).nextBytes(chunk);
        CRC32 crc = new CRC32();
        for (int n = 0; n < size; n += chunk.length) {
            crc.update(chunk);
        }
        try (ZipFile in = new ZipFile(jar.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (ZipEntry e : in.stream().toList()) {
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
            ZipEntry big = new ZipEntry("cli/mod/large.bin");
            big.setMethod(ZipEntry.STORED);
            big.setSize(size);
            big.setCompressedSize(size);
            big.setCrc(crc.getValue());
            out.putNextEntry(big);
            for (int n = 0; n < size; n += chunk.length) {
                out.write(chunk);
            }
            out.closeEntry();
        }
        return target;
    }

    /** {@code jar} without the entry {@code name}. */
    private static Path without(Path jar, String name, Path target) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile());
             OutputStream file = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry e : in.stream().filter(e -> !e.getName().equals(name)).toList()) {
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return target;
    }
}
