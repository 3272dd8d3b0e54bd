package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The agent jar's name (docs/REFERENCE.md, "The agent jar"): named {@code modulets-agent.jar} or as a Maven
 * repository names it, its manifest puts it on the boot class path and the agent's classes load there; renamed
 * otherwise, it still works, through the application class loader, and says so; renamed beside another {@code
 * modulets-agent.jar}, whose classes the JVM would run instead, it stops before main with one line. In each case the
 * application shows which loader defined the agent's entry class and runs its swappable code from the modules
 * directory (version 2; the class path holds version 1).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AgentJarIT {
    private static final String VERSION = System.getProperty("modulets.version");
    private static final String RENAMED = "modulets: the agent jar is named neither modulets-agent.jar nor"
            + " modulets-agent-" + VERSION + ".jar, so its classes load through the application class loader: about"
            + " 100 ms more CPU at each start (docs/REFERENCE.md, \"The agent jar\")";
    private static Path app;
    private static Path work;

    @BeforeAll
    static void buildJars() throws IOException {
        Path shared = WorkDirs.forClass(AgentJarIT.class);
        app = new JarBuilder()
                .source("app.Main", """
                        package app;
                        public class Main {
                            public static void main(String[] args) throws Exception {
                                Class<?> agent = ClassLoader.getSystemClassLoader().loadClass("io.modulets.Agent");
                                System.out.println("AGENT LOADER " + agent.getClassLoader());
                                System.out.println("VERSION " + new app.work.Work().value());
                            }
                        }
                        """)
                .source("app.work.Work", "package app.work; public class Work { public int value() { return 1; } }")
                .build(shared.resolve("app.jar"));
        work = new JarBuilder()
                .source("app.work.Work", "package app.work; public class Work { public int value() { return 2; } }")
                .build(shared.resolve("work.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void namedModuletsAgentJarItsClassesLoadInTheBootLoader(Jdk jdk, TestInfo info) throws IOException {
        Path dir = WorkDirs.forTest(info);
        assertRanFromTheBootLoader(start(jdk, dir, copy(dir, "modulets-agent.jar")));
    }

    /** The name a Maven repository gives the jar (the artifact and its version) is the manifest's second entry. */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void namedAsInAMavenRepositoryItsClassesLoadInTheBootLoaderToo(Jdk jdk, TestInfo info) throws IOException {
        Path dir = WorkDirs.forTest(info);
        assertRanFromTheBootLoader(start(jdk, dir, copy(dir, "modulets-agent-" + VERSION + ".jar")));
    }

    private static void assertRanFromTheBootLoader(ChildJvm.Result r) {
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode(), "exit code"),
                () -> assertTrue(r.stdoutLines().contains("AGENT LOADER null"), "the boot loader"),
                () -> assertTrue(r.stdoutLines().contains("VERSION 2"), "generation 1 from the modules directory"),
                () -> assertFalse(r.stderr().contains(RENAMED), "no line about the name"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void renamedItWorksThroughTheApplicationLoaderAndSaysSo(Jdk jdk, TestInfo info) throws IOException {
        Path dir = WorkDirs.forTest(info);
        ChildJvm.Result r = start(jdk, dir, copy(dir, "agent.jar"));
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode(), "exit code"),
                () -> assertTrue(r.stdout().contains("AGENT LOADER jdk.internal.loader.ClassLoaders$AppClassLoader"),
                        "the application class loader"),
                () -> assertTrue(r.stdoutLines().contains("VERSION 2"), "generation 1 from the modules directory"),
                () -> assertTrue(r.stderrLines().stream().anyMatch(l -> l.endsWith(RENAMED)),
                        "the line about the name"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void renamedBesideAnotherModuletsAgentJarItStopsBeforeMainWithOneLine(Jdk jdk, TestInfo info)
            throws IOException {
        Path dir = WorkDirs.forTest(info);
        Path other = copy(dir, "modulets-agent.jar");
        Path given = copy(dir, "modulets-agent-new.jar");
        ChildJvm.Result r = start(jdk, dir, given);
        String line = "modulets: the agent's classes come from " + other + " on the boot class path, not from the"
                + " jar given to -javaagent (" + given + "); put the jar you mean in a directory of its own, named"
                + " modulets-agent.jar";
        assertAll(r.describe(),
                () -> assertEquals(1, r.exitCode(), "exit code"),
                () -> assertFalse(r.stdout().contains("VERSION"), "main must not run"),
                () -> assertEquals(List.of(line), r.stderrLines().stream().filter(l -> !l.isBlank()).toList(),
                        "exactly this one line on stderr"));
    }

    private static ChildJvm.Result start(Jdk jdk, Path dir, Path agentJar) throws IOException {
        Path modules = Files.createDirectories(dir.resolve("modules"));
        Files.copy(work, modules.resolve("work.jar"));
        return ChildJvm.on(jdk).agentJar(agentJar)
                .agent("packages=app.work,modules=" + modules + ",store=" + dir.resolve("store") + ",log=info")
                .classpath(app).mainClass("app.Main").outputIn(dir).name("app").run();
    }

    /** The built agent jar, copied into a directory of the test's own under {@code name}. */
    private static Path copy(Path dir, String name) throws IOException {
        Path jars = Files.createDirectories(dir.resolve("agent"));
        return Files.copy(Artifacts.agentJar(), jars.resolve(name));
    }
}
