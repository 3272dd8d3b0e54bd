package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The life of generations (DESIGN §2.7, §6), observed from outside through the agent's log and
 * the program's own view of its classes: every transition; a queued task keeps its generation
 * loaded until it ends; each kind of pin is named; many activations leave only the live
 * generations loaded. The child program (apps/lifecycle) never names a swappable class, so no
 * boundary call site caches a generation (BoundaryUnloadIT covers the boundary's sites).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class LifecycleIT {
    private static final String APP = "apps/lifecycle/";
    private static final int ACTIVATIONS = 500;
    private static Path shellJar;
    private static Path baseJar;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(LifecycleIT.class);
        shellJar = new JarBuilder()
                .source("lc.App", read("shell/lc/App.java"))
                .source("lc.Holder", read("shell/lc/Holder.java"))
                .build(dir.resolve("shell.jar"));
        JarBuilder module = new JarBuilder().classpath(shellJar);
        for (String name : new String[] {"Version", "Work", "Waiter", "Spinner", "Pinner"}) {
            module.source("lc.mod." + name, read("module/lc/mod/" + name + ".java"));
        }
        baseJar = module.build(dir.resolve("base.jar"));
    }

    private static ChildJvm.Result run(Jdk jdk, TestInfo info, String scenario, Duration timeout, Object... more)
            throws IOException {
        return run(jdk, info, scenario, "", timeout, more);
    }

    private static ChildJvm.Result run(Jdk jdk, TestInfo info, String scenario, String moreAgentArgs, Duration timeout,
                                       Object... more) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(baseJar, modules.resolve("app.jar"));
        Object[] args = new Object[4 + more.length];
        args[0] = scenario;
        args[1] = baseJar;
        args[2] = modules;
        args[3] = work.resolve(scenario + ".stderr.txt");
        System.arraycopy(more, 0, args, 4, more.length);
        return ChildJvm.on(jdk)
                .agent("packages=lc.mod,modules=" + modules + ",store=" + work.resolve("store") + moreAgentArgs)
                .classpath(shellJar)
                .mainClass("lc.App")
                .args(args)
                .timeout(timeout)
                .outputIn(work)
                .name(scenario)
                .run();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aGenerationDrainsRetiresAndUnloadsAndAQueuedTaskKeepsItLoaded(Jdk jdk, TestInfo info) throws IOException {
        ChildJvm.Result r = run(jdk, info, "drain", Duration.ofSeconds(120));
        List<String> err = r.stderrLines();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertInOrder(err,
                        "generation 1 \\(.*\\) is current$",
                        "generation 2 \\(.*\\) is current \\(was 1\\)",
                        "generation 1 \\(.*\\) is draining: 3 live tasks",
                        "MARK gen1-loaded-while-queued true",
                        "MARK work pool-1-thread-1 version=1",
                        "generation 1 \\(.*\\) retired",
                        "generation 1 \\(.*\\) unloaded",
                        "MARK work after version=2"),
                () -> assertTrue(r.stdoutLines().contains("gen1-classes-collected true"), "the classes went"),
                () -> assertEquals(1, count(err, "generation 1 \\(.*\\) retired: no live task"), "retired once"),
                () -> assertEquals(0, count(err, "generation 2 \\(.*\\) (draining|retired|unloaded)"),
                        "the current generation stays current"),
                () -> assertTrue(r.stdoutLines().contains("done")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void eachKindOfPinIsNamed(Jdk jdk, TestInfo info) throws IOException {
        ChildJvm.Result r = run(jdk, info, "pins", Duration.ofSeconds(180));
        List<String> err = r.stderrLines();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertPins(err, 1, "retired", "thread-local: java.lang.ThreadLocal of thread 'pool-1-thread-1'"
                        + " holds a lc.mod.Pinner"),
                () -> assertPins(err, 2, "retired", "JDBC driver: lc.mod.Pinner$NoDriver"),
                () -> assertPins(err, 3, "retired", "shutdown hook: thread 'pinner-hook' (lc.mod.Pinner$Hook)"),
                () -> assertPins(err, 4, "retired", "MBean: lc:type=Stats,version=4"),
                () -> assertPins(err, 5, "retired", "context class loader: thread 'pool-2-thread-1'"),
                () -> assertEquals(1, count(err, "generation 6 \\(.*\\) unloaded"), "a pool worker created while"
                        + " generation 6 submitted work does not pin it (§2.1; on JDK 17-23 through its inherited"
                        + " access control context, which capture empties)"),
                () -> assertEquals(1, count(err, "generation 7 \\(.*\\) unloaded"), "nothing pinned 7"),
                () -> assertEquals(0, count(err, "generation 7 \\(.*\\) retired at"), "7 is not reported"),
                () -> assertPins(err, 8, "draining", "live tasks: 1 submitted and not finished",
                        "thread bound to it: thread 'spinner'",
                        "thread of its code: thread 'spinner' runs a lc.mod.Spinner",
                        "context class loader: thread 'spinner'"),
                () -> assertTrue(r.stdoutLines().contains("done")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void manyActivationsLeaveOnlyTheLiveGenerationLoaded(Jdk jdk, TestInfo info) throws IOException {
        // The shortest quiet period: the child renames one jar per activation (one change, nothing to wait
        // out), waits until it is current, and 500 of them run back to back.
        ChildJvm.Result r = run(jdk, info, "many", ",quiet=1ms", Duration.ofSeconds(420), ACTIVATIONS);
        List<String> out = r.stdoutLines();
        List<String> err = r.stderrLines();
        long steady = number(out, "steady-classes ");
        long end = number(out, "end-classes ");
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertEquals(1, count(err, "generation " + ACTIVATIONS + " \\(.*\\) is current")),
                () -> assertEquals(0, number(out, "old-versions-still-loaded "), "old classes still loaded"),
                () -> assertEquals(ACTIVATIONS - 1, count(err, "generation \\d+ \\(.*\\) unloaded"),
                        "the agent saw every old generation unloaded"),
                () -> assertTrue(end <= steady * 1.25, "loaded classes " + end + " at the end, " + steady
                        + " at steady state (after 20 activations): more than 1.25 times"),
                () -> assertTrue(out.contains("done")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void maxGenerationsRefusesAThirdLoadedGenerationUntilTheFirstIsGone(Jdk jdk, TestInfo info) throws IOException {
        ChildJvm.Result r = run(jdk, info, "limit", ",maxGenerations=2", Duration.ofSeconds(120));
        List<String> err = r.stderrLines();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertInOrder(err,
                        "generation 2 \\(.*\\) is current \\(was 1\\)",
                        "generation 1 \\(.*\\) is draining: 1 live task$",
                        "deploy from .* refused, generation 2 \\(.*\\) stays current: activation refused:"
                                + " would load more than maxGenerations=2 generations; loaded: 1 \\(draining, 1 live"
                                + " task\\); 2 \\(current\\)$",
                        "generation 1 \\(.*\\) retired",
                        "generation 3 \\(.*\\) is current \\(was 2\\)"),
                () -> assertEquals(1, count(err, "refused"), "refused once, in one line"),
                () -> assertTrue(r.stdoutLines().contains("current-after-refusal 2"), "a refusal changes nothing"),
                () -> assertTrue(r.stdoutLines().contains("current-at-end 4"),
                        "accepted once the retired generation could be collected"));
    }

    // ---- reading the output ------------------------------------------------------------------

    private static void assertPins(List<String> err, int generation, String state, String... pins) {
        Pattern line = Pattern.compile("generation " + generation + " \\(.*\\) " + state
                + (state.equals("retired") ? " at .* and survived a full collection; pinned by" : " since .*after a full"
                + " collection; pinned by"));
        String found = err.stream().filter(l -> line.matcher(l).find()).findFirst()
                .orElseGet(() -> fail("no pin report for generation " + generation + " (" + state + ")"));
        for (String pin : pins) {
            assertTrue(found.contains(pin), "generation " + generation + " should be pinned by [" + pin + "]: " + found);
        }
    }

    private static void assertInOrder(List<String> lines, String... regexes) {
        int from = 0;
        for (String regex : regexes) {
            Pattern p = Pattern.compile(regex);
            int at = -1;
            for (int i = from; i < lines.size(); i++) {
                if (p.matcher(lines.get(i)).find()) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                fail("no line matching [" + regex + "] after line " + from);
            }
            from = at + 1;
        }
    }

    private static long count(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        return lines.stream().filter(l -> p.matcher(l).find()).count();
    }

    private static long number(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
                .findFirst().orElse(-1);
    }

    private static String read(String resource) throws IOException {
        return AppSources.read(APP + resource);
    }
}
