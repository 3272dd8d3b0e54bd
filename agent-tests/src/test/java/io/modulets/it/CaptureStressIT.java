package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.Artifacts;
import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The capture stress test, on JDKs with virtual threads: 10,000 virtual-thread tasks, each with a child
 * thread, while the current generation changes every 2 ms. Zero tasks see two generations, every root
 * task runs the generation current at its submission, every child its parent's, none is lost, and the
 * live counts return to zero; bounded in time.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CaptureStressIT {
    private static final String APP = "apps/capture/";
    private static Path shellJar;
    private static Path versions;

    static Stream<Jdk> withVirtualThreads() {
        return Jdks.all().stream().filter(jdk -> jdk.major() >= 21);
    }

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(CaptureStressIT.class);
        versions = Files.createDirectories(dir.resolve("versions"));
        JarBuilder shell = new JarBuilder().classpath(Artifacts.agentJar())
                .source("stress.Stress", read("stress/stress/Stress.java"));
        magic(shell, 1000);
        shellJar = shell.build(dir.resolve("shell.jar"));
        for (int magic = 1000; magic <= 1003; magic++) {
            magic(new JarBuilder(), magic).build(versions.resolve("magic-" + magic + ".jar"));
        }
    }

    private static JarBuilder magic(JarBuilder jar, int magic) throws IOException {
        return jar.source("capture.mod.Magic", read("module/capture/mod/Magic.java").replace("MAGIC", "" + magic));
    }

    // none when the JDKs under test are all older than 21 (CI's JDK 17 run tests JDK 17 only)
    @ParameterizedTest(name = "[{index}] {0}", allowZeroInvocations = true)
    @MethodSource("withVirtualThreads")
    void tenThousandVirtualThreadsUnderFastSwapsNeverMixGenerations(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(versions.resolve("magic-1000.jar"), modules.resolve("magic.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk).fullJit()
                .agent("packages=capture.mod,modules=" + modules + ",store=" + work.resolve("store"))
                .classpath(shellJar)
                .mainClass("stress.Stress")
                .args(versions, modules)
                .timeout(Duration.ofSeconds(150))
                .outputIn(work)
                .run();
        Map<String, String> seen = new HashMap<>();
        for (String line : r.stdoutLines()) {
            String[] kv = line.split(" ", 2);
            seen.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(seen.containsKey("done")),
                () -> assertEquals("10000", seen.get("finished"), "no task lost"),
                () -> assertEquals("0", seen.get("mixed"), "tasks that saw two generations"),
                () -> assertEquals("0", seen.get("wrong-root"), "root tasks not on the generation current at submission"),
                () -> assertEquals("0", seen.get("wrong-child"), "children not on their parent's generation"),
                () -> assertTrue(Integer.parseInt(seen.getOrDefault("checked-root", "0")) > 5_000,
                        "most root tasks were checked: " + seen.get("checked-root")),
                () -> assertTrue(Integer.parseInt(seen.getOrDefault("swaps", "0")) > 20,
                        "the generation changed many times during the run: " + seen.get("swaps")),
                () -> assertEquals("0", seen.get("live"), "live tasks left"));
    }

    private static String read(String resource) throws IOException {
        return AppSources.read(APP + resource);
    }
}
