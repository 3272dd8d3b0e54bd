package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * {@code rollout} across three local JVMs (three, not five: the machine that runs the suite has two cores),
 * each running {@code apps/rollout} with the agent: a steady flow of root tasks that call the swappable
 * {@code ro.mod.Work}. The CLI runs as its own JVM; what it did is seen from outside: its exit code and table,
 * and each JVM's current generation, canary and what its new tasks run afterwards.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RolloutIT {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static Path jars;
    private static Path shellJar;

    @BeforeAll
    static void build() throws IOException {
        jars = WorkDirs.forClass(RolloutIT.class);
        version("v1", 1, "return Version.get();", true);
        version("v2", 2, "return Version.get();", true);
        version("fail", 9, "throw new IllegalStateException(\"broken\");", true);
        version("no-extra", 3, "return Version.get();", false);
        shellJar = new JarBuilder().classpath(jars.resolve("v1.jar"))
                .source("ro.App", AppSources.read("apps/rollout/shell/ro/App.java"))
                .source("ro.UsesExtra", AppSources.read("apps/rollout/shell/ro/UsesExtra.java"))
                .build(jars.resolve("shell.jar"));
    }

    private static void version(String name, int n, String work, boolean extra) throws IOException {
        JarBuilder jar = new JarBuilder()
                .source("ro.mod.Version", "package ro.mod; public class Version { public static int get() { return "
                        + n + "; } }")
                .source("ro.mod.Work", "package ro.mod; public class Work { public static int run() { " + work + " } }")
                .manifest("Implementation-Version", n + ".0");
        if (extra) {
            jar.source("ro.mod.Extra", "package ro.mod; public class Extra { public static int get() { return 42; } }");
        }
        jar.build(jars.resolve(name + ".jar"));
    }

    /** Three JVMs on v1; the last with {@code extra} when asked (its shell uses {@code ro.mod.Extra}). */
    private static List<InteractiveJvm> fleet(Jdk jdk, Path work, boolean lastUsesExtra) throws Exception {
        List<InteractiveJvm> fleet = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                Path dir = Files.createDirectories(work.resolve("jvm" + i));
                Path modules = Files.createDirectories(dir.resolve("modules"));
                Files.copy(jars.resolve("v1.jar"), modules.resolve("mod.jar"), StandardCopyOption.REPLACE_EXISTING);
                ChildJvm child = ChildJvm.on(jdk)
                        .agent("packages=ro.mod,modules=" + modules + ",watch=false,store=" + dir.resolve("store"))
                        .classpath(shellJar).mainClass("ro.App");
                if (lastUsesExtra && i == 3) {
                    child.args("extra");
                }
                fleet.add(InteractiveJvm.start(child, dir, "jvm" + i));
            }
            for (InteractiveJvm jvm : fleet) {
                jvm.expect("READY ", LINE);
            }
            return fleet;
        } catch (Exception | Error e) {
            close(fleet);
            throw e;
        }
    }

    private static void close(List<InteractiveJvm> fleet) throws InterruptedException {
        for (InteractiveJvm jvm : fleet) {
            jvm.close();
        }
    }

    private static String state(InteractiveJvm jvm) throws Exception {
        jvm.send("state");
        return jvm.expect("STATE ", LINE);
    }

    private static String[] rolloutArgs(String jar, List<InteractiveJvm> fleet, String... options) {
        List<String> args = new ArrayList<>(List.of("rollout", "--jar", jars.resolve(jar).toString()));
        args.addAll(List.of(options));
        fleet.forEach(jvm -> args.add(Long.toString(jvm.pid())));
        return args.toArray(String[]::new);
    }

    private static ChildJvm rolloutCli(Jdk jdk, Path work, String... args) {
        return ChildJvm.on(jdk).jar(Artifacts.agentJar()).args((Object[]) args).outputIn(work).name("rollout")
                .timeout(Duration.ofMinutes(3));
    }

    private static String pid(InteractiveJvm jvm) {
        return Long.toString(jvm.pid());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aGoodVersionRollsOutToEveryJvmCanaryFirstThenInWaves(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        List<InteractiveJvm> fleet = fleet(jdk, work, false);
        try {
            ChildJvm.Result r = rolloutCli(jdk, work, rolloutArgs("v2.jar", fleet, "--canary", "20%", "--min-tasks",
                    "100", "--waves", "2", "--timeout", "2m")).run();
            List<String> out = r.stdoutLines();
            String err = r.stderr();
            assertAll(r.describe(),
                    () -> assertEquals(0, r.exitCode()),
                    () -> assertTrue(out.get(0).matches("TARGET +BEFORE +AFTER +TASKS JUDGED +FAILED +FAILED BEFORE"
                            + " +VERDICT")),
                    () -> assertTrue(out.get(1).matches("JVM " + pid(fleet.get(0)) + " +1 \\(1\\.0\\) +2 \\(2\\.0\\)"
                            + " +\\d{3,} +0% +(0%|-) +passed as a canary, promoted")),
                    () -> assertTrue(out.get(2).matches("JVM " + pid(fleet.get(1)) + " +1 \\(1\\.0\\) +2 \\(2\\.0\\)"
                            + " +\\d{3,} +0% +(0%|-) +passed")),
                    () -> assertTrue(out.get(3).matches("JVM " + pid(fleet.get(2)) + " +1 \\(1\\.0\\) +2 \\(2\\.0\\)"
                            + " +\\d{3,} +0% +(0%|-) +passed")),
                    () -> assertEquals("rolled out to 3 targets", out.get(4)),
                    // progress: the canary first, then two waves of one
                    () -> assertTrue(err.indexOf("canary generation 2 (2.0) for 20% of new root tasks")
                            < err.indexOf("wave 1 of 2: JVM " + pid(fleet.get(1)))),
                    () -> assertTrue(err.indexOf("wave 1 of 2 passed") < err.indexOf("wave 2 of 2: JVM "
                            + pid(fleet.get(2)))),
                    () -> assertTrue(err.contains("wave 2 of 2 passed")));
            for (InteractiveJvm jvm : fleet) {
                assertEquals("STATE current=2 canary=0 generations=2 version=2", state(jvm), jvm::describe);
            }
        } finally {
            close(fleet);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aVersionWhoseTasksFailIsStoppedAtTheCanaryAndNoJvmEndsOnIt(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        List<InteractiveJvm> fleet = fleet(jdk, work, false);
        try {
            ChildJvm.Result r = rolloutCli(jdk, work, rolloutArgs("fail.jar", fleet, "--canary", "20%", "--min-tasks",
                    "100", "--timeout", "2m", "--json")).run();
            Map<String, Object> json = MiniJson.object(r.stdout());
            List<?> targets = (List<?>) json.get("targets");
            Map<?, ?> canary = (Map<?, ?>) targets.get(0);
            assertAll(r.describe(),
                    () -> assertEquals(1, r.exitCode()),
                    () -> assertEquals("stopped", json.get("outcome")),
                    () -> assertTrue(((String) json.get("reason")).startsWith("JVM " + pid(fleet.get(0))
                            + ": canary generation 2 ")),
                    () -> assertEquals(1L, canary.get("before")),
                    () -> assertEquals(1L, canary.get("after"), "the canary is aborted; generation 1 stays current"),
                    () -> assertTrue(((String) canary.get("verdict")).startsWith("failed: "), canary::toString),
                    () -> assertTrue(((String) canary.get("verdict")).contains("failed (IllegalStateException"),
                            canary::toString),
                    () -> assertEquals("checked, not moved", ((Map<?, ?>) targets.get(1)).get("verdict")),
                    () -> assertEquals("checked, not moved", ((Map<?, ?>) targets.get(2)).get("verdict")),
                    () -> assertTrue(r.stderr().contains("modulets: rollout stopped: JVM " + pid(fleet.get(0)))));
            assertEquals("STATE current=1 canary=0 generations=2 version=1", state(fleet.get(0)),
                    "the aborted canary is its second generation; no task gets it");
            for (InteractiveJvm jvm : fleet.subList(1, 3)) {
                assertEquals("STATE current=1 canary=0 generations=1 version=1", state(jvm), "never touched");
            }
        } finally {
            close(fleet);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aTargetThatRefusesTheJarStopsTheRolloutBeforeAnyJvmMoved(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        // The third JVM's shell uses ro.mod.Extra, which no-extra.jar lacks: its link check refuses, the others' pass.
        List<InteractiveJvm> fleet = fleet(jdk, work, true);
        try {
            ChildJvm.Result r = rolloutCli(jdk, work, rolloutArgs("no-extra.jar", fleet, "--min-tasks", "100"))
                    .run();
            List<String> out = r.stdoutLines();
            assertAll(r.describe(),
                    () -> assertEquals(1, r.exitCode()),
                    () -> assertTrue(out.get(1).matches("JVM " + pid(fleet.get(0))
                            + " +1 \\(1\\.0\\) +1 \\(1\\.0\\) +- +- +- +checked, not moved")),
                    () -> assertTrue(out.get(2).matches("JVM " + pid(fleet.get(1)) + " .* checked, not moved")),
                    () -> assertTrue(out.get(3).matches("JVM " + pid(fleet.get(2)) + " +1 \\(1\\.0\\) +1 \\(1\\.0\\) +-"
                            + " +- +- +refused: check of \\[no-extra\\.jar\\] refused, generation 1 \\(1\\.0, \\w+\\)"
                            + " stays current: link check: ro\\.mod\\.Extra is missing from no-extra\\.jar, used by"
                            + " shell ro\\.UsesExtra\\.touch")),
                    () -> assertTrue(out.get(4).startsWith("refused, no target was touched: JVM " + pid(fleet.get(2))
                            + ": check of [no-extra.jar] refused")));
            for (InteractiveJvm jvm : fleet) {
                assertEquals("STATE current=1 canary=0 generations=1 version=1", state(jvm), jvm::describe);
            }
        } finally {
            close(fleet);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void ctrlCMidWaveLeavesEveryJvmOnOneStatedGeneration(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        List<InteractiveJvm> fleet = fleet(jdk, work, false);
        // The second JVM runs no task: wave 1 (it alone) waits for its tasks until Ctrl-C comes.
        fleet.get(1).send("pause");
        fleet.get(1).expect("PAUSED", LINE);
        ChildJvm cli = rolloutCli(jdk, work, rolloutArgs("v2.jar", fleet, "--canary", "20%", "--min-tasks", "100",
                "--waves", "2", "--timeout", "10m"));
        ProcessBuilder pb = new ProcessBuilder(cli.command())
                .redirectOutput(work.resolve("rollout.stdout.txt").toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        Process rollout = pb.start();
        List<String> err = Collections.synchronizedList(new ArrayList<>());
        BlockingQueue<String> errLines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(rollout.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    err.add(line);
                    errLines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "rollout-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            String waiting = "modulets: rollout: JVM " + pid(fleet.get(1)) + ": generation 2 (2.0) is current (was 1);"
                    + " waiting for 100 ended tasks";
            awaitLine(errLines, waiting, rollout, err);
            // Ctrl-C is SIGINT; a process started in the background by a non-interactive shell (as a CI script may
            // run this build) ignores SIGINT, and the JVM then keeps it ignored: SIGTERM runs the same shutdown hook
            int signal = ignoresSigint(rollout.pid()) ? 15 : 2;
            new ProcessBuilder("kill", "-" + signal, Long.toString(rollout.pid())).inheritIO().start().waitFor();
            if (!rollout.waitFor(60, TimeUnit.SECONDS)) {
                rollout.destroyForcibly();
                fail("the rollout did not end within 60 s of signal " + signal + "\n" + String.join("\n", err));
            }
            reader.join(10_000);
            List<String> out = Files.readAllLines(work.resolve("rollout.stdout.txt"));
            String describe = "stdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err);
            assertEquals(128 + signal, rollout.exitValue(), describe); // after the shutdown hook
            assertTrue(out.get(out.size() - 1).equals("interrupted: the rollout's JVM is shutting down (Ctrl-C);"
                    + " no target is left on the new version: each is on its generation in AFTER"), describe);
            assertTrue(err.contains("modulets: rollout: interrupted: undoing what moved"), describe);
            // Each JVM is on the generation its row states, and its new tasks run version 1.
            for (int i = 0; i < 3; i++) {
                InteractiveJvm jvm = fleet.get(i);
                String row = out.get(i + 1);
                Matcher m = Pattern.compile("JVM " + pid(jvm) + " +1 \\(1\\.0\\) +(\\d+) \\(1\\.0\\) .*").matcher(row);
                assertTrue(m.matches(), () -> row + "\n" + describe);
                String state = state(jvm);
                assertTrue(state.matches("STATE current=" + m.group(1) + " canary=0 generations=\\d version=1"),
                        () -> state + " is not what the row states: " + row + "\n" + describe);
            }
            assertTrue(out.get(1).contains("passed as a canary, promoted; rolled back"), describe);
            assertTrue(out.get(2).endsWith("activated, waiting for tasks; rolled back"), describe);
            assertTrue(out.get(3).contains("checked, not moved"), describe);
            assertEquals("STATE current=1 canary=0 generations=1 version=1", state(fleet.get(2)), "never touched");
        } finally {
            rollout.destroyForcibly();
            close(fleet);
        }
    }

    private static void awaitLine(BlockingQueue<String> lines, String wanted, Process process, List<String> all)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.startsWith(wanted)) {
                return;
            }
            if (line == null && !process.isAlive()) {
                fail("the rollout ended (exit code " + process.exitValue() + ") before [" + wanted + "]\n"
                        + String.join("\n", all));
            }
        }
        fail("no line [" + wanted + "] within 2 min\n" + String.join("\n", all));
    }

    /** Whether process {@code pid} ignores SIGINT (Linux: bit 2 of SigIgn in /proc/PID/status). */
    private static boolean ignoresSigint(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & 0x2) != 0;
            }
        }
        return false;
    }
}
