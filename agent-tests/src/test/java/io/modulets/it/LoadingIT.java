package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
 * DESIGN §3, loader, with only the -javaagent flag: the agent's loader is the system loader and
 * defines the shell, a generation loader defines the swappable class, and the JDK's built-in
 * loaders refuse the swappable name although its jar is on their class path. A class of another agent's
 * loader (parent: the boot loader, as the OpenTelemetry Java agent's) that loads by name runs unrewritten.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoadingIT {
    private static Path appJar;
    private static Path magicJar;
    private static Path otherAgentJar;
    private static Path pluginJar;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(LoadingIT.class);
        magicJar = MagicJars.write(MagicJars.FIRST, dir.resolve("magic.jar"));
        String source = AppSources.read("apps/loading/loading/App.java");
        appJar = new JarBuilder().source("loading.App", source).classpath(magicJar).build(dir.resolve("app.jar"));
        otherAgentJar = new JarBuilder().source("other.Probe", "package other; public class Probe {"
                + " public static Class<?> load(String name) throws Exception { return Class.forName(name); } }")
                .build(dir.resolve("other-agent.jar"));
        pluginJar = new JarBuilder().source("plugin.Finder", "package plugin; public class Finder {"
                        + " public static Class<?> find(String name) throws Exception { return Class.forName(name); }"
                        + " public static Class<?> viaLambda(String name) throws Exception {"
                        + "  java.util.concurrent.Callable<Class<?>> c = () -> Class.forName(name); return c.call(); } }")
                .source("plugin.Only", "package plugin; public class Only {}")
                .build(dir.resolve("plugin.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void theShellIsOursAndTheBuiltinLoadersNeverSeeASwappableClass(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(magicJar, modules.resolve("magic.jar"));
        assertLoading(run(jdk, work, "modules=" + modules, modules.resolve("magic.jar")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void withoutModulesTheSwappableClassesOnTheClassPathAreGenerationOne(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        assertLoading(run(jdk, work, "packages=" + MagicJars.PACKAGE, magicJar));
    }

    private static ChildJvm.Result run(Jdk jdk, Path work, String agentArgs, Path swappableJar) {
        return ChildJvm.on(jdk)
                .agent(agentArgs + ",store=" + work.resolve("store"))
                .classpath(appJar, swappableJar)
                .mainClass("loading.App")
                .args(otherAgentJar.toString(), pluginJar.toString())
                .timeout(Duration.ofSeconds(60))
                .outputIn(work)
                .run();
    }

    private static void assertLoading(ChildJvm.Result r) {
        Map<String, String> seen = r.stdoutLines().stream().filter(l -> l.contains(" "))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(' ')), l -> l.substring(l.indexOf(' ') + 1)));
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertEquals("io.modulets.loader.ShellClassLoader", seen.get("main-class-loader"),
                        "the main class is defined by the agent's system loader, with no flag but -javaagent"),
                () -> assertEquals("true", seen.get("system-loader-is-main-loader")),
                () -> assertEquals("true", seen.get("context-loader-is-main-loader")),
                () -> assertEquals("1000", seen.get("magic")),
                () -> assertEquals("io.modulets.loader.GenerationClassLoader", seen.get("magic-class-loader")),
                () -> assertEquals("refused", seen.get("builtin-app-loadClass"),
                        "the JDK's app loader must never define a swappable class, though its jar is on the class path"),
                () -> assertEquals("refused", seen.get("builtin-app-forName"), "nor initiate one"),
                () -> assertEquals("refused", seen.get("platform-loadClass")),
                () -> assertEquals("class java.util.ArrayList", seen.get("other-agent-loader"),
                        "a class of a loader that cannot see modulets (parent: the boot loader) is not rewritten"),
                // Class.forName(String) resolves in its caller's loader: a plugin's class that only loads by name
                // is patched to a route that must read its caller, as the JDK does
                () -> assertEquals("the plugin's loader", seen.get("plugin-forName")),
                () -> assertEquals("the same class", seen.get("plugin-forName-lambda")),
                () -> assertEquals("io.modulets.loader.GenerationClassLoader", seen.get("plugin-forName-swappable")),
                () -> assertEquals("refused", seen.get("plugin-forName-missing")));
    }
}
