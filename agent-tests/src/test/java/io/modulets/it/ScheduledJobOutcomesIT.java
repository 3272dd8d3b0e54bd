package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.FailingWork;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * Spring's scheduled runs as job runs (DESIGN §2.12): the child (apps/scheduled) runs a task on Spring 7's
 * schedulers (spring-context from Maven Central) that throws when the swappable code says its work failed; Spring's
 * error handler catches and logs it, so no task run fails and no exception leaves the swappable code. Every run
 * counts once as a job run of its generation, failed when it threw: on {@code ThreadPoolTaskScheduler} at a fixed
 * rate and with a trigger ({@code ReschedulingRunnable}, a cron task's path), on {@code SimpleAsyncTaskScheduler}
 * with a trigger (whose trigger task hands each run to a thread of its own, where it counts) and at a fixed rate,
 * and on {@code ConcurrentTaskScheduler} with a fixed delay. With {@code canary=50%,canaryMargin=5%,
 * canaryMinTasks=50}, a release that fails one run in two, where generation 1 fails one in ten, is aborted by the
 * agent on its failed job runs.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ScheduledJobOutcomesIT {
    private static final String SPRING = "(spring-context-|spring-core-|spring-beans-|spring-aop-|spring-expression-"
            + "|commons-logging-|micrometer-).*\\.jar";
    private static final String[] PHASES = {"pool-fixed-rate", "pool-trigger", "async-trigger", "async-fixed-rate",
        "concurrent-fixed-delay"};
    private static Path shellJar;
    private static Path jars;
    private static List<Path> spring;

    @BeforeAll
    static void build() throws IOException {
        jars = WorkDirs.forClass(ScheduledJobOutcomesIT.class);
        spring = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(jar -> jar.getFileName().toString().matches(SPRING))
                .toList();
        Path v1 = version("v1.jar", 1, 10);
        version("bad.jar", 9, 2);
        shellJar = new JarBuilder().classpath(Stream.concat(Stream.of(v1), spring.stream()).toArray(Path[]::new))
                .source("sj.App", AppSources.read("apps/scheduled/shell/sj/App.java"))
                .source("itkit.Operator", AppSources.read("apps/common/itkit/Operator.java"))
                .build(jars.resolve("shell.jar"));
    }

    /** Work that fails one run in {@code every} (its own count: the rate holds whatever its share of the runs). */
    private static Path version(String jar, int n, int every) throws IOException {
        return FailingWork.jar(jars.resolve(jar), "sj.mod", n, every);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void eachScheduledRunIsAJobRunAndACanaryWhoseRunsFailMoreIsAborted(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(jars.resolve("v1.jar"), modules.resolve("mod.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=sj.mod,modules=" + modules + ",store=" + work.resolve("store")
                        + ",quiet=100ms,canary=50%,canaryMargin=5%,canaryMinTasks=50")
                .classpath(Stream.concat(Stream.of(shellJar), spring.stream()).toArray(Path[]::new))
                .mainClass("sj.App")
                .args(jars, modules)
                .timeout(Duration.ofMinutes(4))
                .outputIn(work)
                .name("scheduled")
                .run();
        List<String> out = r.stdoutLines();
        String line = "canary generation 2 \\(9\\.0, \\w+\\) aborted: \\d+(\\.\\d)?% of its [\\d,]+ job runs failed"
                + " \\(IllegalStateException [\\d,]+\\), current generation 1's \\d+(\\.\\d)?% of [\\d,]+; margin 5%,"
                + " the difference at least \\d+(\\.\\d)?% \\(99% confidence\\)";
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(out.contains("done")),
                () -> assertTrue(out.stream().noneMatch(l -> l.startsWith("FAILED"))),
                () -> assertTrue(r.stderrLines().stream().anyMatch(l -> l.contains("IllegalStateException: the work"
                        + " failed")), "Spring's error handler logged the runs' exceptions"),
                // (1) each scheduler's runs on generation 1: every run counted once, every failed one as failed
                () -> assertAll(Stream.of(PHASES).map(phase -> (Executable) () -> assertCountedAsRan(out, phase))),
                // (2) the bad release: aborted by the agent on its failed job runs
                () -> assertTrue(out.contains("bad canary 2")),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches("bad notification modulets: " + line
                        + " data 2")), "the JMX notification"),
                () -> assertTrue(r.stderrLines().stream().anyMatch(l -> l.matches(".*modulets: " + line)),
                        "the log line"),
                () -> assertTrue(out.contains("bad canary now 0 current 1"), "the current generation stays current"),
                () -> assertCountedAsRan(out, "bad"),
                () -> assertTrue(count(out, "bad generation 2 jobs (\\d+) .*") >= 50,
                        "at least the minimum before it is judged"),
                () -> assertTrue(Math.abs(count(out, "bad generation 2 jobs \\d+ failed (\\d+) .*") * 2
                        - count(out, "bad generation 2 jobs (\\d+) .*")) <= 1, "one run in two failed"),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches(
                        "bad generation 2 .* tasksFailed 0 thrown 0 classes \\[java.lang.IllegalStateException \\d+]")),
                        "no task failed, no exception left its code; its failed job runs by class"));
    }

    /** A phase's line: the job runs counted are the runs the task ran, the failed ones those that threw. */
    private static void assertCountedAsRan(List<String> out, String phase) {
        Pattern p = Pattern.compile(Pattern.quote(phase)
                + " ran (\\d+) failed (\\d+) counted jobs (\\d+) failed (\\d+) tasksFailed (\\d+) thrown (\\d+)");
        Matcher m = out.stream().map(p::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no line matches " + p + " in " + out));
        long ran = Long.parseLong(m.group(1));
        long failed = Long.parseLong(m.group(2));
        assertAll(phase + ": " + m.group(),
                () -> assertTrue(ran >= 50 && failed > 0, "ran and failed"),
                () -> assertEquals(ran, Long.parseLong(m.group(3)), "job runs"),
                () -> assertEquals(failed, Long.parseLong(m.group(4)), "failed job runs"),
                () -> assertEquals(0, Long.parseLong(m.group(5)), "failed task runs"),
                () -> assertEquals(0, Long.parseLong(m.group(6)), "exceptions thrown by the generation's code"));
    }

    private static long count(List<String> out, String regex) {
        Pattern p = Pattern.compile(regex);
        return out.stream().map(p::matcher).filter(Matcher::matches).findFirst()
                .map(m -> Long.parseLong(m.group(1)))
                .orElseThrow(() -> new AssertionError("no line matches " + regex + " in " + out));
    }
}
