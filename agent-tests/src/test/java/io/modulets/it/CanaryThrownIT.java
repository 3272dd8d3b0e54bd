package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * A canary judged on the exceptions its code throws, not only on those that escape a task (DESIGN §4,
 * "Outcomes" and "Canaries"). The child (apps/thrown) is the application servers and job frameworks are:
 * its pool tasks call the swappable code and catch whatever it throws, so no task ever fails. With
 * {@code canary=50%,canaryMargin=5%,canaryMinTasks=50}, a release that fails one call in ten, as the
 * current one does, runs 10,000 tasks and is not aborted; a release whose every call throws is aborted by
 * the agent, and the line names the signal. Each exception unwinds through two boundary sites and counts once.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CanaryThrownIT {
    private static final String ONE_IN_TEN = "if (CALLS.incrementAndGet() % 10 == 0) {"
            + " throw new IllegalStateException(\"one call in ten\"); } return VERSION;";
    private static Path shellJar;
    private static Path jars;

    @BeforeAll
    static void build() throws IOException {
        jars = WorkDirs.forClass(CanaryThrownIT.class);
        Path v1 = version("v1.jar", 1, ONE_IN_TEN.replace("VERSION", "1"));
        version("good.jar", 2, ONE_IN_TEN.replace("VERSION", "2"));
        version("bad.jar", 9, "throw new IllegalStateException(\"broken\");");
        shellJar = new JarBuilder().classpath(v1)
                .source("ct.App", AppSources.read("apps/thrown/shell/ct/App.java"))
                .source("itkit.Operator", AppSources.read("apps/common/itkit/Operator.java"))
                .build(jars.resolve("shell.jar"));
    }

    /** Each generation counts its own calls (its own static field): its error rate holds whatever its share. */
    private static Path version(String jar, int n, String inner) throws IOException {
        return new JarBuilder()
                .source("ct.mod.Work", "package ct.mod; public class Work {"
                        + " private static final java.util.concurrent.atomic.AtomicInteger CALLS ="
                        + " new java.util.concurrent.atomic.AtomicInteger();"
                        + " public static int run(java.util.function.IntSupplier next) { return next.getAsInt(); }"
                        + " public static int inner() { " + inner + " } }")
                .manifest("Implementation-Version", n + ".0")
                .build(jars.resolve(jar));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aCanaryWhoseCaughtExceptionsExceedCurrentsIsAbortedAndOneThatThrowsAsOftenIsNot(Jdk jdk, TestInfo info)
            throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(jars.resolve("v1.jar"), modules.resolve("mod.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=ct.mod,modules=" + modules + ",store=" + work.resolve("store")
                        + ",quiet=100ms,canary=50%,canaryMargin=5%,canaryMinTasks=50")
                .classpath(shellJar)
                .mainClass("ct.App")
                .args(jars, modules)
                .timeout(Duration.ofMinutes(4))
                .outputIn(work)
                .name("thrown")
                .run();
        List<String> out = r.stdoutLines();
        // Every bad call throws and every task catches it; the counters are read while tasks end, without a
        // lock, so the rate is checked to be far above the margin rather than exactly 100%.
        String line = "canary generation 3 \\(9\\.0, \\w+\\) aborted: its code threw exceptions in"
                + " (100|9\\d(\\.\\d)?)% of its [\\d,]+ tasks \\(IllegalStateException [\\d,]+\\), current generation"
                + " 2's in \\d+(\\.\\d)?% of [\\d,]+; margin 5%,"
                + " the difference at least \\d+(\\.\\d)?% \\(99% confidence\\)";
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(out.contains("done")),
                () -> assertTrue(out.stream().noneMatch(l -> l.startsWith("FAILED"))),
                () -> assertTrue(out.contains("policy abort above the current generation's failure,"
                        + " thrown-exception, 5xx or failed-job rate + 5% (99% confidence) after 50 ended tasks")),
                // (1) the good release: the same error rate as current, 10,000 tasks, not aborted
                () -> assertTrue(out.contains("good canary 2")),
                () -> assertTrue(out.contains("good aborted no")),
                () -> assertTrue(out.contains("good canary now 2 state canary")),
                () -> assertOneInTen(out, "good generation 1"),
                () -> assertOneInTen(out, "good generation 2"),
                () -> assertEquals(caught(out, "good"),
                        thrown(out, "good generation 1") + thrown(out, "good generation 2"),
                        "every exception the tasks caught was counted once, against the generation that threw it"),
                () -> assertTrue(out.contains("good promoted 2")),
                // (2) the bad release: aborted by the agent, the line names the signal
                () -> assertTrue(out.contains("bad canary 3")),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches(
                        "bad notification modulets: " + line + " data 3")), "the JMX notification"),
                () -> assertTrue(r.stderrLines().stream().anyMatch(l -> l.matches(".*modulets: " + line)),
                        "the log line"),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches(
                        "jfr generation 3 current 2 reason " + line.substring(line.indexOf("aborted: ") + 9))),
                        "the JFR event"),
                () -> assertTrue(out.contains("bad canary now 0 current 2"), "the current generation stays current"),
                () -> assertEveryTaskCaughtOneCountedOnce(out),
                () -> assertEquals(caught(out, "bad"),
                        thrown(out, "bad generation 3")
                                + thrown(out, "bad generation 2") - thrown(out, "good generation 2"),
                        "every exception the tasks caught was counted once, against the generation that threw it"));
    }

    /**
     * A good generation's tasks all completed (the application caught every exception), and its code threw in
     * one call in ten (its own count), each exception counted once although it crossed two sites. Its runs
     * may include a few tasks of the JDK's own that ran bound to it, so the share is checked within bounds.
     */
    private static void assertOneInTen(List<String> out, String prefix) {
        Matcher m = outcomes(out, prefix);
        long completed = Long.parseLong(m.group(1));
        long thrown = Long.parseLong(m.group(3));
        assertAll(String.join("\n", out),
                () -> assertEquals("0", m.group(2), "no task failed"),
                () -> assertTrue(completed > 4000, "about half of the 10,000 tasks: " + completed),
                () -> assertTrue(thrown >= completed * 8 / 100 && thrown <= completed * 12 / 100,
                        "one call in ten threw: " + thrown + " of " + completed),
                () -> assertEquals(m.group(3), m.group(4), "one exception per task that threw, counted once"),
                () -> assertEquals("[java.lang.IllegalStateException " + thrown + "]", m.group(5)));
    }

    /** Every task of the bad generation threw, and its exception was counted once. */
    private static void assertEveryTaskCaughtOneCountedOnce(List<String> out) {
        Matcher m = outcomes(out, "bad generation 3");
        long thrown = Long.parseLong(m.group(3));
        assertAll(String.join("\n", out),
                () -> assertEquals("0", m.group(2), "no task failed"),
                () -> assertTrue(thrown >= 50, "at least the minimum before it is judged: " + thrown),
                () -> assertTrue(thrown <= Long.parseLong(m.group(1)), "at most one per task"),
                () -> assertEquals(m.group(3), m.group(4), "one exception per task, counted once"),
                () -> assertEquals("[java.lang.IllegalStateException " + thrown + "]", m.group(5)));
    }

    private static long thrown(List<String> out, String prefix) {
        return Long.parseLong(outcomes(out, prefix).group(3));
    }

    private static long caught(List<String> out, String phase) {
        Matcher m = Pattern.compile(phase + " caught (\\d+)( of \\d+)?").matcher("");
        for (String l : out) {
            if (m.reset(l).matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no line '" + phase + " caught' in " + out);
    }

    private static Matcher outcomes(List<String> out, String prefix) {
        Pattern p = Pattern.compile(Pattern.quote(prefix)
                + " completed (\\d+) failed (\\d+) thrown (\\d+) throwing (\\d+) classes (\\[.*\\])");
        for (String l : out) {
            Matcher m = p.matcher(l);
            if (m.matches()) {
                return m;
            }
        }
        throw new AssertionError("no line matches " + p + " in " + out);
    }
}
