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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.FailingWork;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * A canary judged on its job runs (DESIGN §2.12): the child (apps/jobs) is a Quartz 2.5 scheduler whose job throws
 * a {@code JobExecutionException} when the swappable code says its work failed; Quartz's job shell catches it, so
 * no task fails and no exception leaves the swappable code. With {@code canary=50%,canaryMargin=5%,
 * canaryMinTasks=50}, a release that fails one run in ten, as the current one does, runs 2,000 jobs and is not
 * aborted; a release that fails one run in two is aborted by the agent, and the line names the failed job runs.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class JobOutcomesIT {
    private static Path shellJar;
    private static Path jars;
    private static List<Path> quartz;

    @BeforeAll
    static void build() throws IOException {
        jars = WorkDirs.forClass(JobOutcomesIT.class);
        quartz = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(jar -> jar.getFileName().toString().matches("(quartz-|slf4j-api-).*\\.jar"))
                .toList();
        Path v1 = version("v1.jar", 1, 10);
        version("good.jar", 2, 10);
        version("bad.jar", 9, 2);
        shellJar = new JarBuilder().classpath(Stream.concat(Stream.of(v1), quartz.stream()).toArray(Path[]::new))
                .source("cq.App", AppSources.read("apps/jobs/shell/cq/App.java"))
                .source("itkit.Operator", AppSources.read("apps/common/itkit/Operator.java"))
                .build(jars.resolve("shell.jar"));
    }

    /** Work that fails one run in {@code every} (its own count: the rate holds whatever its share of the runs). */
    private static Path version(String jar, int n, int every) throws IOException {
        return FailingWork.jar(jars.resolve(jar), "cq.mod", n, every);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aCanaryWhoseJobRunsFailMoreIsAbortedAndOneThatFailsAsOftenIsNot(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(jars.resolve("v1.jar"), modules.resolve("mod.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=cq.mod,modules=" + modules + ",store=" + work.resolve("store")
                        + ",quiet=100ms,canary=50%,canaryMargin=5%,canaryMinTasks=50")
                .classpath(Stream.concat(Stream.of(shellJar), quartz.stream()).toArray(Path[]::new))
                .mainClass("cq.App")
                .args(jars, modules)
                .timeout(Duration.ofMinutes(4))
                .outputIn(work)
                .name("jobs")
                .run();
        List<String> out = r.stdoutLines();
        String line = "canary generation 3 \\(9\\.0, \\w+\\) aborted: \\d+(\\.\\d)?% of its [\\d,]+ job runs failed"
                + " \\(JobExecutionException [\\d,]+\\), current generation 2's \\d+(\\.\\d)?% of [\\d,]+; margin 5%,"
                + " the difference at least \\d+(\\.\\d)?% \\(99% confidence\\)";
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(out.contains("done")),
                () -> assertTrue(out.stream().noneMatch(l -> l.startsWith("FAILED"))),
                // (1) the good release: the same failure rate as current, 2,000 job runs, not aborted
                () -> assertTrue(out.contains("good canary 2")),
                () -> assertTrue(out.contains("good aborted no")),
                () -> assertTrue(out.contains("good canary now 2")),
                () -> assertOneInTen(out, "good generation 1"),
                () -> assertOneInTen(out, "good generation 2"),
                () -> assertEquals(2_000, count(out, "good generation 1", 1) + count(out, "good generation 2", 1),
                        "every job run counted once"),
                () -> assertEquals(failed(out, "good"), count(out, "good generation 1", 2)
                        + count(out, "good generation 2", 2), "every failed run counted once, on its generation"),
                () -> assertTrue(out.contains("good promoted 2")),
                // (2) the bad release: aborted by the agent on its failed job runs
                () -> assertTrue(out.contains("bad canary 3")),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches(
                        "bad notification modulets: " + line + " data 3")), "the JMX notification"),
                () -> assertTrue(r.stderrLines().stream().anyMatch(l -> l.matches(".*modulets: " + line)),
                        "the log line"),
                () -> assertTrue(out.contains("bad canary now 0 current 2"), "the current generation stays current"),
                () -> assertTrue(count(out, "bad generation 3", 1) >= 50, "at least the minimum before it is judged"),
                () -> assertTrue(Math.abs(count(out, "bad generation 3", 2) * 2 - count(out, "bad generation 3", 1))
                        <= 1, "one run in two failed"),
                () -> assertEquals(0, count(out, "bad generation 3", 3), "no task failed"),
                () -> assertEquals(0, count(out, "bad generation 3", 4), "no exception left its code"),
                () -> assertEquals(failed(out, "bad"), count(out, "bad generation 3", 2)
                        + count(out, "bad generation 2", 2) - count(out, "good generation 2", 2),
                        "every failed run counted once, on its generation"));
    }

    /** A good generation ran about half the jobs, one in ten failed, by the exception Quartz caught. */
    private static void assertOneInTen(List<String> out, String prefix) {
        long jobs = count(out, prefix, 1);
        long failed = count(out, prefix, 2);
        assertAll(String.join("\n", out),
                () -> assertTrue(jobs > 700, "about half of the 2,000 runs: " + jobs),
                () -> assertEquals(jobs / 10, failed, failed + " failed of " + jobs),
                () -> assertEquals(0, count(out, prefix, 3), "no task failed"),
                () -> assertEquals(0, count(out, prefix, 4), "no exception left its code"),
                () -> assertTrue(out.stream().anyMatch(l -> l.startsWith(prefix + " ")
                        && l.endsWith(" classes [org.quartz.JobExecutionException " + failed + "]"))));
    }

    private static long failed(List<String> out, String phase) {
        Matcher m = Pattern.compile(phase + " failed (\\d+)").matcher("");
        for (String l : out) {
            if (m.reset(l).matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no line '" + phase + " failed' in " + out);
    }

    /** Group {@code group} of a generation's line: 1 job runs, 2 failed, 3 failed tasks, 4 thrown. */
    private static long count(List<String> out, String prefix, int group) {
        Pattern p = Pattern.compile(Pattern.quote(prefix)
                + " jobs (\\d+) failed (\\d+) tasksFailed (\\d+) thrown (\\d+) classes .*");
        for (String l : out) {
            Matcher m = p.matcher(l);
            if (m.matches()) {
                return Long.parseLong(m.group(group));
            }
        }
        throw new AssertionError("no line matches " + p + " in " + out);
    }
}
