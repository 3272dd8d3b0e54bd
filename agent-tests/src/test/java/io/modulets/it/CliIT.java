package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/** {@code java -jar modulets-agent.jar}: the CLI's version, help and usage errors. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CliIT {

    private static ChildJvm.Result cli(Jdk jdk, TestInfo info, String... args) {
        Path work = WorkDirs.forTest(info);
        return ChildJvm.on(jdk).jar(Artifacts.agentJar()).args((Object[]) args).outputIn(work).name("cli").run();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void versionPrintsTheVersion(Jdk jdk, TestInfo info) {
        ChildJvm.Result r = cli(jdk, info, "--version");
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode(), "exit code"),
                () -> assertEquals("modulets " + Artifacts.version(), r.stdout().strip(), "--version prints exactly this"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void helpExplainsTheJavaagentUse(Jdk jdk, TestInfo info) {
        ChildJvm.Result r = cli(jdk, info, "--help");
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode(), "exit code"),
                () -> assertTrue(r.stdout().contains("-javaagent"), () -> "--help mentions -javaagent"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void unknownOptionIsAUsageError(Jdk jdk, TestInfo info) {
        ChildJvm.Result r = cli(jdk, info, "--no-such-option");
        assertEquals(2, r.exitCode(), () -> "exit code 2 means a usage error\n" + r.describe());
    }
}
