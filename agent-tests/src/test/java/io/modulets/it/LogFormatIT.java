package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The agent's log records are one line each where logging is the JDK's unconfigured default, and an
 * application that sets up logging of its own gets them through its own handlers, in its own format.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LogFormatIT {
    private static final Pattern ONE_LINE = Pattern.compile(
            "^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d (INFO|WARNING|SEVERE) modulets: .+");
    /** The child; with "own" it sets up its own logging, deploys version 2 and waits (bounded) for the record. */
    private static final String APP = """
            package logs;
            import java.nio.file.*;
            import java.util.concurrent.*;
            import java.util.logging.*;
            public class App {
                public static void main(String[] args) throws Exception {
                    CountDownLatch activated = new CountDownLatch(1);
                    if (args[0].equals("own")) {
                        LogManager.getLogManager().reset();
                        Logger.getLogger("").addHandler(new Handler() {
                            public void publish(LogRecord r) {
                                System.out.println("OWN " + r.getLevel() + " " + r.getMessage());
                                if (r.getMessage().contains("is current (was 1)")) activated.countDown();
                            }
                            public void flush() {}
                            public void close() {}
                        });
                    }
                    System.out.println("version " + new logs.mod.Version().value());
                    if (!args[0].equals("own")) return;
                    Path modules = Path.of(args[1]);
                    Files.copy(Path.of(args[2]), modules.resolve(".version.jar.tmp"));
                    Files.move(modules.resolve(".version.jar.tmp"), modules.resolve("version.jar"),
                            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    System.out.println("seen by its own handler " + activated.await(60, TimeUnit.SECONDS));
                }
            }
            """;

    private static Path app;
    private static Path first;
    private static Path second;

    @BeforeAll
    static void buildJars() throws IOException {
        Path shared = WorkDirs.forClass(LogFormatIT.class);
        first = version(shared, 1);
        second = version(shared, 2);
        app = new JarBuilder().source("logs.App", APP).classpath(first).build(shared.resolve("app.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void unconfiguredLoggingPrintsOneLinePerRecord(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        ChildJvm.Result r = run(jdk, work, "default");
        List<String> lines = r.stderrLines().stream().filter(l -> !l.isBlank()).toList();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode(), "exit code"),
                () -> assertTrue(lines.stream().anyMatch(l -> l.contains(" INFO modulets: agent ")
                        && l.endsWith(" started; swappable: logs.mod")), "the start is logged"),
                () -> assertEquals(List.of(), lines.stream().filter(l -> !ONE_LINE.matcher(l).matches()).toList(),
                        "every stderr line is a whole record"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void anApplicationsOwnHandlersGetTheRecords(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        ChildJvm.Result r = run(jdk, work, "own");
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode(), "exit code"),
                () -> assertTrue(r.stdoutLines().contains("seen by its own handler true"),
                        "the activation's record reached the application's handler"),
                () -> assertTrue(r.stdoutLines().stream()
                        .anyMatch(l -> l.startsWith("OWN INFO modulets: generation 2 (")), "in the application's format"),
                () -> assertTrue(r.stderrLines().stream().noneMatch(l -> l.contains("is current (was 1)")),
                        "and not also on the console the application removed"));
    }

    private static ChildJvm.Result run(Jdk jdk, Path work, String mode) throws IOException {
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(first, modules.resolve("version.jar"));
        return ChildJvm.on(jdk).agent("packages=logs.mod,modules=" + modules + ",store=" + work.resolve("store"))
                .classpath(app).mainClass("logs.App").args(mode, modules, second)
                .outputIn(work).name(mode).run();
    }

    private static Path version(Path dir, int version) throws IOException {
        return new JarBuilder()
                .source("logs.mod.Version", "package logs.mod; public class Version { public int value() { return "
                        + version + "; } }")
                .build(dir.resolve("version-" + version + ".jar"));
    }
}
