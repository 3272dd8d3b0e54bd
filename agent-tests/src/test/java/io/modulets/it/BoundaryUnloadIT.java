package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * Generations stay collectable (DESIGN §2.7, docs/BOUNDARY.md): a program uses generation 1 through every
 * boundary construct, swaps, uses generation 2 through the same sites, and retires generation 1.
 * The sites that reached it are reset, calls on an object of it that the program still holds work
 * without any site keeping it, and once that object goes its loader becomes unreachable and the
 * JVM unloads its classes (seen in -Xlog:class+unload), while the sites go on working on
 * generation 2.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BoundaryUnloadIT {
    private static final String APP = "apps/boundary/";
    private static Path shellJar;
    private static Path versions;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(BoundaryUnloadIT.class);
        versions = Files.createDirectories(dir.resolve("versions"));
        JarBuilder shell = new JarBuilder();
        for (String name : new String[] {"App", "Unload", "Names", "Board", "Plugin", "Named", "Visitor", "BadExt",
                "Adapt", "BadLambda"}) {
            shell.source("bnd." + name, read("shell/bnd/" + name + ".java"));
        }
        module(shell, 1);
        shellJar = shell.build(dir.resolve("shell.jar"));
        for (int version : new int[] {1, 2}) {
            module(new JarBuilder().classpath(shellJar), version)
                    .resource("META-INF/services/bnd.mod.Svc", "bnd.mod.SvcImpl\n")
                    .build(versions.resolve("bnd-" + version + ".jar"));
        }
    }

    private static JarBuilder module(JarBuilder jar, int version) throws IOException {
        for (String name : new String[] {"Api", "Base", "Shape", "Widget", "Oops", "Other", "Thrower", "Color",
                "Svc", "SvcImpl", "WidgetVisitor", "Sub", "Res", "Fn", "StrFn", "Failable", "Marked", "Parts"}) {
            jar.source("bnd.mod." + name, read("module/bnd/mod/" + name + ".java")
                    .replace("VERSION", "" + version)
                    .replace("COLORS", version == 1 ? "RED, GREEN, BLUE" : "BLUE, GREEN, RED, PURPLE"));
        }
        return jar;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aRetiredGenerationIsUnloadedAfterUseThroughEveryConstruct(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(versions.resolve("bnd-1.jar"), modules.resolve("bnd.jar"), StandardCopyOption.REPLACE_EXISTING);
        ChildJvm.Result r = ChildJvm.on(jdk).fullJit()
                .agent("packages=bnd.mod,modules=" + modules + ",store=" + work.resolve("store"))
                .jvmOptions("-Xlog:class+unload=info:stdout")
                .classpath(shellJar)
                .mainClass("bnd.Unload")
                .args(versions, modules)
                .timeout(Duration.ofSeconds(90))
                .outputIn(work)
                .run();
        Map<String, String> seen = new HashMap<>();
        for (String line : r.stdoutLines()) {
            int space = line.indexOf(' ');
            if (!line.startsWith("[") && space > 0) {
                seen.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertEquals("", seen.get("done:")),
                () -> assertEquals("1 int-1 str-1 base-1 110 gen-1! 3 1007", seen.get("gen1:static")),
                () -> assertEquals("rgb", seen.get("gen1:enum")),
                () -> assertEquals("bgr?", seen.get("gen2:enum")),
                () -> assertTrue(Integer.parseInt(seen.get("linked:before")) > 10,
                        "sites reached generation 1 before it retired: " + seen.get("linked:before")),
                () -> assertEquals("true", seen.get("retired:")),
                () -> assertTrue(r.stderrLines().stream().anyMatch(l -> l.matches(".*generation 1 \\(.*\\) retired.*")),
                        "the registry retired generation 1 once its last task ended"),
                () -> assertEquals("0", seen.get("linked:after"), "no site reaches a retired generation"),
                () -> assertEquals("widget-1/5/true widget-1/5/true", seen.get("pinned:"),
                        "an object of the retired generation still runs its own code"),
                () -> assertEquals("0", seen.get("linked:pinned"), "calls on a pinned generation's object cache it in no site"),
                () -> assertEquals("true", seen.get("unloaded:"), "generation 1's loader became unreachable"),
                () -> assertTrue(r.stdoutLines().stream().anyMatch(l -> l.contains("class,unload")
                        && l.contains("bnd.mod.Widget")), "the JVM unloaded generation 1's classes"),
                () -> assertEquals("2 int-2 str-2 base-2 220 gen-2!! 3 2007", seen.get("after:static"),
                        "the sites still work on generation 2"),
                () -> assertEquals("2 2 2 2 modulets-gen-2 svc-2 2 21 2 2", seen.get("after:byname")));
    }

    private static String read(String resource) throws IOException {
        return AppSources.read(APP + resource);
    }
}
