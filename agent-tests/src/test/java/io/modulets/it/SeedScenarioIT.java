package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WithoutTheAgent;
import io.modulets.testkit.WorkDirs;

/**
 * The Python modulets experiment's test_modulet.py ({@code org.example.seed.SeedApp}) in a child JVM, with and
 * without the agent: the same program, the same class path. With the agent every task gets
 * the magic number current when it was submitted; without it the tasks see the old code.
 * The second half proves that the first can fail.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SeedScenarioIT {
    private static final String PASSED = "Passed. I have the right magic number ";
    private static final String WRONG = "Wrong magic number";
    private static final String QUEUED = " (queued across a swap)";

    private static Path versions;

    @BeforeAll
    static void compileVersions() throws IOException {
        versions = MagicJars.writeAll(WorkDirs.forClass(SeedScenarioIT.class).resolve("versions"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void withAgent_eachTaskKeepsTheGenerationItWasSubmittedIn(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = modulesWithFirstVersion(work);
        ChildJvm.Result r = seedApp(jdk, work, modules, 10_000)
                .agent("packages=" + MagicJars.PACKAGE + ",modules=" + modules + ",store=" + work.resolve("store"))
                .name("with-agent")
                .run();
        List<String> lines = r.lines();
        assertAll(r.describe(),
                () -> assertEquals(List.of(PASSED + "1000", PASSED + "1001", PASSED + "1002"),
                        lines.stream().filter(l -> l.matches("Passed\\. I have the right magic number \\d+")).sorted().toList(),
                        () -> "each of the three root tasks must get the magic number current when it was started, once"),
                () -> assertEquals(List.of(), lines.stream().filter(l -> l.startsWith(WRONG)).toList(),
                        () -> "no task may see another generation's code"),
                // (c) the queued scenario
                () -> assertTrue(lines.contains(PASSED + "1002" + QUEUED),
                        () -> "a task submitted while 1002 was current but started only after the swap to 1003 "
                                + "must still run 1002: the binding is taken at submission, not when a worker "
                                + "picks the task up"),
                () -> assertTrue(lines.contains("Scenario seed done") && lines.contains("Scenario queued done"),
                        () -> "both scenarios must run to their end"),
                () -> assertEquals(0, r.exitCode(), () -> "SeedApp exits 0 only when every task passed"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    @WithoutTheAgent
    void withoutAgent_theSameProgramSeesTheOldCode(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = modulesWithFirstVersion(work);
        ChildJvm.Result r = seedApp(jdk, work, modules, 300).name("without-agent").run();
        List<String> lines = r.lines();
        assertAll(r.describe(),
                () -> assertTrue(lines.contains(PASSED + "1000"),
                        () -> "the first task runs the code that was there from the start"),
                () -> assertTrue(lines.contains(WRONG + ": expected 1001 but got 1000"),
                        () -> "without the agent the second task must see the old code: the scenario can fail"),
                () -> assertTrue(lines.contains(WRONG + ": expected 1002 but got 1000"),
                        () -> "without the agent the third task must see the old code: the scenario can fail"),
                () -> assertTrue(lines.contains(WRONG + QUEUED + ": expected 1002 but got 1000"),
                        () -> "without the agent the queued task must see the old code"),
                () -> assertTrue(lines.stream().anyMatch(l -> l.startsWith("Swap to 1001 not observed within 300 ms")),
                        () -> "without the agent the main thread never sees a swap"),
                () -> assertEquals(1, r.exitCode(), () -> "SeedApp exits 1 when a task failed"));
    }

    private static Path modulesWithFirstVersion(Path work) throws IOException {
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(versions.resolve("magic-" + MagicJars.FIRST + ".jar"), modules.resolve("magic.jar"));
        return modules;
    }

    /** The same command line with and without the agent: the modules jar is on the class path too. */
    private static ChildJvm seedApp(Jdk jdk, Path work, Path modules, long waitMillis) {
        return ChildJvm.on(jdk).fullJit()
                .classpath(Artifacts.sampleJar(), modules.resolve("magic.jar"))
                .mainClass("org.example.seed.SeedApp")
                .args(versions, modules, waitMillis)
                .timeout(Duration.ofSeconds(120))
                .outputIn(work);
    }
}
