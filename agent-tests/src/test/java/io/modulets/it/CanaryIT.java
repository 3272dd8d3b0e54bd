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
 * Canary activation (DESIGN §2.1, §4) seen from outside: the child (apps/canary) drives the agent
 * through JMX as an operator would and reports what its tasks saw. The fraction holds within binomial
 * bounds; promote and abort behave as stated; a canary whose tasks throw is aborted by the policy of
 * the agent arguments while the current generation stays untouched; and no task sees two generations
 * while canaries start, are promoted and are aborted under load.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CanaryIT {
    private static Path shellJar;
    private static Path jars;

    @BeforeAll
    static void build() throws IOException {
        jars = WorkDirs.forClass(CanaryIT.class);
        Path v1 = version(1, "return Version.get();");
        version(2, "return Version.get();");
        version(3, "return Version.get();");
        version(9, "throw new IllegalStateException(\"broken\");");
        Files.move(jars.resolve("v9.jar"), jars.resolve("fail.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        shellJar = new JarBuilder().classpath(v1)
                .source("cn.App", AppSources.read("apps/canary/shell/cn/App.java"))
                .build(jars.resolve("shell.jar"));
    }

    private static Path version(int n, String work) throws IOException {
        return new JarBuilder()
                .source("cn.mod.Version", "package cn.mod; public class Version { public static int get() { return "
                        + n + "; } }")
                .source("cn.mod.Work", "package cn.mod; public class Work { public static int run() { " + work + " } }")
                .manifest("Implementation-Version", n + ".0")
                .build(jars.resolve("v" + n + ".jar"));
    }

    private static ChildJvm.Result run(Jdk jdk, TestInfo info, String scenario, String moreAgentArgs)
            throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(jars.resolve("v1.jar"), modules.resolve("mod.jar"));
        return ChildJvm.on(jdk)
                .agent("packages=cn.mod,modules=" + modules + ",store=" + work.resolve("store") + moreAgentArgs)
                .classpath(shellJar)
                .mainClass("cn.App")
                .args(scenario, jars, modules)
                .timeout(Duration.ofMinutes(4))
                .outputIn(work)
                .name(scenario)
                .run();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void theFractionHoldsPromoteAndAbortBehaveAndNoTaskSeesTwoGenerations(Jdk jdk, TestInfo info)
            throws IOException {
        ChildJvm.Result r = run(jdk, info, "scenarios", ",watch=false");
        List<String> out = r.stdoutLines();
        String log = String.join("\n", r.stderrLines());
        int n = Integer.parseInt(group(out, "fraction (\\d+) \\d+"));
        int onCanary = Integer.parseInt(group(out, "fraction \\d+ (\\d+)"));
        // Binomial(4000, 5%): mean 200, σ = sqrt(4000 × 0.05 × 0.95) ≈ 13.8; ±5σ ≈ ±69 fails by chance
        // about once in 1.7 million runs.
        double mean = n * 0.05;
        double fiveSigma = 5 * Math.sqrt(n * 0.05 * 0.95);
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(out.contains("done")),
                () -> assertTrue(out.stream().noneMatch(l -> l.startsWith("FAILED") || l.startsWith("MISMATCH"))),
                // (1) the fraction; code outside any task stays on current
                () -> assertTrue(out.contains("canary 2 fraction 5% current 1")),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches("notification modulets: generation 2 \\(2\\.0, \\w+\\)"
                        + " is a canary for 5% of new root tasks \\(generation 1 \\(1\\.0, \\w+\\) stays current\\)"))),
                () -> assertEquals(4000, n),
                () -> assertTrue(Math.abs(onCanary - mean) <= fiveSigma,
                        onCanary + " of " + n + " root tasks ran the canary; expected " + mean + " ± " + fiveSigma),
                () -> assertTrue(out.contains("unbound during canary 1"), "unbound code resolves in current"),
                // (2) promote: every new root task runs the canary's code, the old current drains then retires
                () -> assertTrue(out.contains("promoted 2")),
                () -> assertTrue(out.contains("after promote state1=draining state2=current")),
                () -> assertTrue(out.contains("after promote 400 400")),
                () -> assertTrue(out.contains("unbound after promote 2")),
                () -> assertTrue(out.contains("holder 1 1"), "a task running across the promotion keeps its generation"),
                // (3) abort: no new root task gets it; its running task finishes on it; it retires
                () -> assertTrue(out.contains("abort canary 3")),
                () -> assertTrue(out.contains("unbound during canary 2"), "at 100% still: unbound code stays on current"),
                () -> assertTrue(out.contains("aborted 3 canary now 0")),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches(
                        "notification modulets: canary generation 3 \\(3\\.0, \\w+\\) aborted: by the operator"))),
                () -> assertTrue(out.contains("after abort 200 200")),
                () -> assertTrue(out.contains("state while its task runs draining")),
                () -> assertTrue(out.contains("across abort 3 3")),
                () -> assertTrue(out.contains("retired 3")),
                () -> assertTrue(out.contains("current 2 current activations 2"), "the current generation is untouched"),
                () -> assertTrue(log.contains("generation 2 (2.0, ") && log.contains(") is current (was 1, promotion)")),
                // (5) consistency under canaries, promotions and aborts
                () -> assertTrue(out.contains("operator done true")),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches(
                        "consistency tasks \\d+ mismatches 0 failures 0 versions \\{1=\\d+, 2=\\d+, 3=\\d+\\}"))),
                () -> assertTrue(versionsSeen(out) >= 3, "the run saw every version"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aCanaryWhoseTasksThrowIsAbortedAutomaticallyAndCurrentIsUntouched(Jdk jdk, TestInfo info)
            throws IOException {
        ChildJvm.Result r = run(jdk, info, "autoabort", ",watch=false,canaryMargin=5%,canaryMinTasks=50");
        List<String> out = r.stdoutLines();
        // Every canary task throws; the counters are read while tasks end, without a lock, so the rate is
        // checked to be far above the margin rather than exactly 100%.
        String line = "canary generation 2 \\(9\\.0, \\w+\\) aborted: (100|9\\d(\\.\\d)?)% of its \\d+ tasks failed"
                + " \\(IllegalStateException \\d+\\), current generation 1 failed 0% of \\d+; margin 5%,"
                + " the difference at least \\d+(\\.\\d)?% \\(99% confidence\\)";
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(out.contains("done")),
                () -> assertTrue(out.stream().noneMatch(l -> l.startsWith("FAILED"))),
                () -> assertTrue(out.contains("policy abort above the current generation's failure,"
                        + " thrown-exception, 5xx or failed-job rate + 5% (99% confidence) after 50 ended tasks")),
                () -> assertTrue(out.contains("canary 2")),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches("notification modulets: " + line + " data 2")),
                        "the JMX notification"),
                () -> assertTrue(r.stderrLines().stream().anyMatch(l -> l.matches(".*modulets: " + line)), "the log line"),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches(
                        "jfr generation 2 current 1 reason " + line.substring(line.indexOf("aborted: ") + 9))),
                        "the JFR event"),
                () -> assertTrue(out.contains("canary now 0 current 1 activations 1 state1 current"),
                        "the current generation stays current and untouched"),
                () -> assertTrue(out.contains("after abort 200 200"), "no new root task gets the aborted canary"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void withCanaryInTheAgentArgumentsTheWatchersDeployIsACanaryAndTheNextWaitsForIt(Jdk jdk, TestInfo info)
            throws IOException {
        ChildJvm.Result r = run(jdk, info, "watcher", ",canary=100%,quiet=100ms");
        List<String> out = r.stdoutLines();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(out.contains("done")),
                () -> assertTrue(out.stream().noneMatch(l -> l.startsWith("FAILED"))),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches("watcher modulets: generation 2 \\(2\\.0, \\w+\\) is a"
                        + " canary for 100% of new root tasks \\(generation 1 \\(1\\.0, \\w+\\) stays current\\)"))),
                () -> assertTrue(out.contains("watcher root tasks 100 100")),
                () -> assertTrue(out.contains("watcher unbound 1"), "code outside any task stays on current"),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches("watcher rejected modulets: deploy from .*modules"
                        + " refused, generation 1 \\(1\\.0, \\w+\\) stays current: generation 2 \\(2\\.0, \\w+\\) is a"
                        + " canary: promote or abort it first"))),
                () -> assertTrue(out.contains("watcher promoted 2")),
                () -> assertTrue(out.contains("watcher rescan 3 canary 3 current 2"),
                        "rescan picks up what the watcher saw, as a canary again"));
    }

    private static String group(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.matches()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no line matches " + regex + " in " + lines);
    }

    private static long versionsSeen(List<String> lines) {
        String versions = group(lines, "consistency tasks \\d+ mismatches \\d+ failures \\d+ versions \\{(.*)\\}");
        return Pattern.compile("\\d=([1-9]\\d*)").matcher(versions).results().count();
    }
}
