package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The agent adds nothing that holds a JVM's exit back (docs/PERFORMANCE.md, shutdown): after a deploy
 * through the watched modules directory, a JVM with the agent ends when main returns (every thread the
 * agent starts is a daemon), and when a task calls System.exit on a thread of its own or in a pool (no
 * shutdown hook waits for a lock such a task holds); and by the time the shutdown hooks have run, the
 * JDK's watch-service thread has ended, so that HotSpot's exit does not wait up to 300 ms for it to leave
 * its native poll. Each child is bounded by ChildJvm's time-out; nothing here is timed.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ExitIT {
    private static Path app;
    private static Path first;
    private static Path second;

    static Stream<Arguments> endings() {
        List<Object[]> endings = List.of(new Object[] {"return", 0}, new Object[] {"exit-in-thread", 3},
                new Object[] {"exit-in-pool", 4});
        return Jdks.all().stream().flatMap(jdk -> endings.stream().map(e -> arguments(jdk, e[0], e[1])));
    }

    @BeforeAll
    static void buildJars() throws IOException {
        Path dir = WorkDirs.forClass(ExitIT.class);
        first = MagicJars.write(MagicJars.FIRST, dir.resolve("magic-" + MagicJars.FIRST + ".jar"));
        second = MagicJars.write(MagicJars.FIRST + 1, dir.resolve("magic-" + (MagicJars.FIRST + 1) + ".jar"));
        app = new JarBuilder().classpath(first).source("ex.App", AppSources.read("apps/exit/shell/ex/App.java"))
                .build(dir.resolve("app.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("endings")
    void theJvmEndsAndNothingOfTheAgentsWaitsInNativeCode(Jdk jdk, String ending, int exitCode, TestInfo info)
            throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(first, modules.resolve("magic.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=" + MagicJars.PACKAGE + ",modules=" + modules + ",store=" + work.resolve("store")
                        + ",quiet=50ms")
                .classpath(app).mainClass("ex.App").args(ending, second, modules.resolve("magic.jar"))
                .timeout(Duration.ofSeconds(90)).outputIn(work).name(ending).run();
        List<String> out = r.stdoutLines();
        assertAll(r.describe(),
                () -> assertEquals(exitCode, r.exitCode(), "exit code"),
                () -> assertTrue(out.contains("generation 1001"), "generation 2 was deployed and ran"),
                () -> assertTrue(out.contains("non-daemon threads: []"), "no thread but main may hold the exit"),
                () -> assertTrue(out.contains("watch-service threads: 1"), "the modules directory is watched"),
                () -> assertTrue(out.contains("watch-service threads left at exit: 0"),
                        "the agent's shutdown hook ends the watch service's thread"));
    }
}
