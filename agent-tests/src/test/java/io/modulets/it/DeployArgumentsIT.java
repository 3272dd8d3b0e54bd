package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The deploy arguments ({@code quiet}, {@code outside}) and generation 1's own
 * verification at startup: a bad one stops the JVM before main, with exactly the one line given
 * here on stderr. No generation exists yet, so none can change and no task can run: the JVM
 * refuses to start instead. A good one lets main run.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeployArgumentsIT {
    private static final String MAIN_RAN = "MAIN RAN";
    private static final String DURATION = ": not a duration; give a number with ms, s or m (200ms, 2s, 1m; a plain"
            + " number is ms)";
    private static final String OUTSIDE = ": must be refuse (a modules jar holding a class outside the swappable"
            + " packages is not activated) or ignore (such classes are never loaded from a generation)";

    private static Path hello;
    private static Path magic;
    private static Path outsideJar;

    /** Agent arguments after {@code modules=...,store=...,}; CONFIG is a file holding {@code config}. */
    record Bad(String args, String config, String line) {
        @Override
        public String toString() {
            return args + (config == null ? "" : " [" + config.replace('\n', ' ') + "]");
        }
    }

    static Stream<Arguments> badArguments() {
        List<Bad> bad = List.of(
                new Bad("quiet=fast", null, "modulets: bad agent argument quiet=fast" + DURATION),
                new Bad("quiet=-200ms", null, "modulets: bad agent argument quiet=-200ms" + DURATION),
                new Bad("quiet=1.5s", null, "modulets: bad agent argument quiet=1.5s" + DURATION),
                new Bad("quiet=", null, "modulets: bad agent argument quiet=" + DURATION),
                new Bad("quiet=0", null, "modulets: bad agent argument quiet=0: must be between 1ms and 60m"),
                new Bad("quiet=61m", null, "modulets: bad agent argument quiet=61m: must be between 1ms and 60m"),
                new Bad("quiet=2h", null, "modulets: bad agent argument quiet=2h" + DURATION),
                new Bad("quiet=1s,quiet=2s", null, "modulets: agent argument 'quiet' is given twice; give each key once"),
                new Bad("quiet", null, "modulets: bad agent argument 'quiet': expected key=value (pairs separated by"
                        + " ',', list values by ':')"),
                new Bad("outside=allow", null, "modulets: bad agent argument outside=allow" + OUTSIDE),
                new Bad("outside=", null, "modulets: bad agent argument outside=" + OUTSIDE),
                new Bad("config=CONFIG", "quiet=soon\n",
                        "modulets: bad agent argument quiet=soon (from config file CONFIG)" + DURATION),
                new Bad("config=CONFIG", "outside = yes\n",
                        "modulets: bad agent argument outside=yes (from config file CONFIG)" + OUTSIDE),
                new Bad("canary=5", null, "modulets: bad agent argument canary=5: '5' is not a percentage; give one"
                        + " such as 5% or 0.5%"),
                new Bad("canaryMinTasks=10", null, "modulets: bad agent argument canaryMinTasks=10: has no effect without"
                        + " canaryMargin=N% or canaryLatency=Fx; give it with one of them"),
                new Bad("quite=1s", null, "modulets: unknown agent argument 'quite' (valid keys: packages, modules,"
                        + " shared, outside, store, retain, watch, quiet, jmx, log, executors, loops, requests,"
                        + " drainWarning, maxGenerations, onLimit, maxEntrySize, maxJarSize, maxEntries, maxRatio,"
                        + " permissions, trust, trustPassword, canary, canaryMargin, canaryMinTasks, canaryLatency,"
                        + " normalExceptions, config)"));
        return Jdks.all().stream().flatMap(jdk -> bad.stream().map(b -> arguments(jdk, b)));
    }

    @BeforeAll
    static void buildJars() throws IOException {
        Path shared = WorkDirs.forClass(DeployArgumentsIT.class);
        hello = new JarBuilder()
                .source("hello.Hello", "package hello;\n"
                        + "public class Hello {\n"
                        + "    public static void main(String[] args) { System.out.println(\"" + MAIN_RAN + "\"); }\n"
                        + "}\n")
                .mainClass("hello.Hello")
                .build(shared.resolve("hello.jar"));
        magic = MagicJars.write(MagicJars.FIRST, shared.resolve("magic.jar"));
        outsideJar = new JarBuilder()
                .source(MagicJars.PACKAGE + ".MagicModule", "package " + MagicJars.PACKAGE + ";\n"
                        + "public final class MagicModule { public static int getMagic() { return 1; } }\n")
                .source("org.example.other.Helper", "package org.example.other; public class Helper {}")
                .build(shared.resolve("outside.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("badArguments")
    void badDeployArgumentStopsTheJvmWithOneLine(Jdk jdk, Bad bad, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = modulesWith(work, magic);
        Path config = work.resolve("modulets.properties");
        if (bad.config() != null) {
            Files.writeString(config, bad.config());
        }
        ChildJvm.Result r = run(jdk, work, "packages=" + MagicJars.PACKAGE + ",modules=" + modules + ",store="
                + work.resolve("store") + "," + bad.args().replace("CONFIG", config.toString()));
        assertRefused(r, bad.line().replace("CONFIG", config.toString()));
        assertFalse(Files.exists(work.resolve("store")), "nothing was written to the store");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aBrokenFirstJarStopsTheJvmWithOneLine(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        byte[] jar = Files.readAllBytes(magic);
        Files.write(modules.resolve("magic.jar"), Arrays.copyOf(jar, jar.length / 2));
        ChildJvm.Result r = run(jdk, work, "packages=" + MagicJars.PACKAGE + ",modules=" + modules + ",store="
                + work.resolve("store"));
        assertRefused(r, "modulets: generation 1 refused: magic.jar is not a complete zip file (zip END header not"
                + " found)");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aClassOutsideThePackagesStopsTheJvmUnlessIgnored(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = modulesWith(work, outsideJar);
        String args = "packages=" + MagicJars.PACKAGE + ",modules=" + modules + ",store=" + work.resolve("store");
        assertRefused(run(jdk, work, args), "modulets: generation 1 refused: magic.jar holds org.example.other.Helper,"
                + " outside the swappable packages (" + MagicJars.PACKAGE + "); move it to the class path, add its"
                + " package to packages=, or give outside=ignore");
        ChildJvm.Result ignored = run(jdk, work, args + ",outside=ignore,quiet=50ms,log=warn");
        assertAll(ignored.describe(),
                () -> assertTrue(ignored.stdoutLines().contains(MAIN_RAN), "with outside=ignore main runs"),
                () -> assertEquals(0, ignored.exitCode()));
    }

    private static Path modulesWith(Path work, Path jar) throws IOException {
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(jar, modules.resolve("magic.jar"));
        return modules;
    }

    private static ChildJvm.Result run(Jdk jdk, Path work, String agentArgs) {
        return ChildJvm.on(jdk).agent(agentArgs).classpath(hello).mainClass("hello.Hello").outputIn(work).run();
    }

    private static void assertRefused(ChildJvm.Result r, String line) {
        List<String> errorLines = r.stderrLines().stream().filter(l -> !l.isBlank()).toList();
        assertAll(r.describe(),
                () -> assertEquals(1, r.exitCode(), "a refused start exits 1"),
                () -> assertFalse(r.stdout().contains(MAIN_RAN), "main must not run"),
                () -> assertEquals(List.of(line), errorLines, "exactly this one line on stderr"));
    }
}
