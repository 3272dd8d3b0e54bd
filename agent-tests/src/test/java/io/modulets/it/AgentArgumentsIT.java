package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * A bad agent argument stops the JVM before main, with a non-zero exit and exactly one line on
 * stderr, starting with "modulets: " and naming the key. A good one lets main run.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AgentArgumentsIT {
    private static final String MAIN_RAN = "MAIN RAN";
    /** Replaced by a directory that does not exist. */
    private static final String MISSING = "<missing dir>";

    private static Path hello;
    private static Path magic;

    /** A bad argument string, and the key its error line must name. */
    record Bad(String args, String key) {
        @Override
        public String toString() {
            return args;
        }
    }

    static Stream<Arguments> badArguments() {
        List<Bad> bad = List.of(
                new Bad("log=verbose", "log"),
                new Bad("foo=1", "foo"),
                new Bad("packages=" + MagicJars.PACKAGE + ",modules=" + MISSING, "modules"),
                new Bad("packages=", "packages"));
        return Jdks.all().stream().flatMap(jdk -> bad.stream().map(b -> arguments(jdk, b)));
    }

    @BeforeAll
    static void buildJars() throws IOException {
        Path shared = WorkDirs.forClass(AgentArgumentsIT.class);
        hello = new JarBuilder()
                .source("hello.Hello", "package hello;\n"
                        + "public class Hello {\n"
                        + "    public static void main(String[] args) { System.out.println(\"" + MAIN_RAN + "\"); }\n"
                        + "}\n")
                .mainClass("hello.Hello")
                .build(shared.resolve("hello.jar"));
        magic = MagicJars.write(MagicJars.FIRST, shared.resolve("magic-" + MagicJars.FIRST + ".jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("badArguments")
    void badArgumentStopsTheJvmBeforeMain(Jdk jdk, Bad bad, TestInfo info) {
        Path work = WorkDirs.forTest(info);
        String args = bad.args().replace(MISSING, work.resolve("no-such-dir").toString());
        ChildJvm.Result r = ChildJvm.on(jdk).agent(args).classpath(hello).mainClass("hello.Hello")
                .outputIn(work).name("bad-argument").run();
        List<String> errorLines = r.stderrLines().stream().filter(l -> !l.isBlank()).toList();
        assertAll(r.describe(),
                () -> assertNotEquals(0, r.exitCode(), () -> "a bad agent argument must stop the JVM"),
                () -> assertFalse(r.stdout().contains(MAIN_RAN),
                        () -> "the application must not run without the isolation it asked for"),
                () -> assertEquals(1, errorLines.size(), () -> "exactly one line on stderr"),
                () -> assertTrue(!errorLines.isEmpty() && errorLines.get(0).startsWith("modulets: "),
                        () -> "the line starts with 'modulets: '"),
                () -> assertTrue(!errorLines.isEmpty()
                                && Pattern.compile("\\b" + Pattern.quote(bad.key()) + "\\b").matcher(errorLines.get(0)).find(),
                        () -> "the line names the key '" + bad.key() + "'"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void validArgumentsLetMainRun(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(magic, modules.resolve("magic.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=" + MagicJars.PACKAGE + ",modules=" + modules + ",store=" + work.resolve("store") + ",log=warn")
                .classpath(hello).mainClass("hello.Hello")
                .outputIn(work).name("valid-arguments").run();
        assertAll(r.describe(),
                () -> assertTrue(r.stdoutLines().contains(MAIN_RAN), () -> "main must run"),
                () -> assertEquals(0, r.exitCode(), "exit code"));
    }
}
