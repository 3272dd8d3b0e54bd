package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.Artifacts;
import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The capture conformance matrix: every JDK submission point (and an application executor named
 * by {@code executors=}) × {root task submitted before a swap and run after it, child task, a
 * submitter that waits for its task, periodic, cancelled, throws}, asserting the binding each task
 * saw from outside; then each way a task ends or never runs (DESIGN §2.7) and the live count of
 * every generation back at zero. Workers are made under generation 1000 first, so that an inherited
 * worker binding cannot pass; root tasks are submitted under 1001 and run after the swap to 1002;
 * child tasks come from a thread bound to 1001 while 1002 is current. Virtual threads on 21+.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CaptureMatrixIT {
    private static final String APP = "apps/capture/";
    private static final List<String> SUBMITTING = List.of("thread-runnable", "thread-subclass", "thread-factory",
            "tpe-execute", "tpe-submit", "executors-single", "executors-unconfigurable", "stpe-schedule-runnable",
            "stpe-schedule-callable", "fjp-execute", "fjp-submit", "fj-fork-common", "cf-async-default",
            "cf-async-executor", "cf-dependent", "cf-delayed-executor", "timer-once", "custom-executor");
    private static final List<String> SUBMITTING_21 = List.of("thread-builder-platform", "vt-builder-start",
            "vt-builder-unstarted", "vt-startVirtualThread", "vt-per-task-executor", "vt-factory-pool");
    private static final List<String> WAITING = List.of("tpe-invokeAll", "tpe-invokeAny", "fjp-invoke", "fj-invoke",
            "fj-invokeAll", "parallel-stream");
    private static final List<String> CANCELLABLE = List.of("tpe-execute", "tpe-submit", "executors-single",
            "executors-unconfigurable", "stpe-schedule-runnable", "stpe-schedule-callable", "fjp-submit",
            "fj-fork-common", "cf-async-default", "cf-async-executor", "cf-dependent", "timer-once");
    /** The points that hand the application's own Runnable to the JDK. */
    private static final List<String> OWN = List.of("thread-runnable", "thread-factory", "tpe-execute", "tpe-submit",
            "executors-single", "executors-unconfigurable", "stpe-schedule-runnable", "fjp-execute", "fjp-submit",
            "cf-async-default", "cf-async-executor", "cf-delayed-executor", "custom-executor");
    private static final List<String> PERIODIC = List.of("stpe-fixed-rate", "stpe-fixed-delay", "timer-repeating");
    /** 25+: ForkJoinPool's delayed tasks. */
    private static final List<String> SUBMITTING_25 = List.of("fjp-schedule");
    private static final List<String> PERIODIC_25 = List.of("fjp-fixed-rate", "fjp-fixed-delay");
    private static final List<String> ENDS_25 = List.of("fjp-scheduled-cancelled", "fjp-periodic-cancelled",
            "fjp-periodic-threw", "fjp-scheduled-shutdownNow");
    private static final List<String> ENDS = List.of("before", "completed", "threw", "cancelled-in-queue", "removed",
            "same-instance-twice", "shutdownNow", "rejected-abort", "rejected-discard",
            "rejected-discard-oldest", "rejected-caller-runs", "scheduled-cancelled", "periodic-cancelled",
            "periodic-threw", "scheduled-shutdownNow", "forkjoin-cancelled", "forkjoin-completed", "timer-cancelled",
            "timer-dropped-with-queue", "thread-ended", "thread-never-started");

    private static Path shellJar;
    private static Path versions;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(CaptureMatrixIT.class);
        versions = Files.createDirectories(dir.resolve("versions"));
        JarBuilder shell = new JarBuilder().classpath(Artifacts.agentJar());
        for (String name : List.of("Matrix", "Point", "Points", "Gens", "Out", "EventLoop", "Counting", "DontBreak",
                "Own")) {
            shell.source("matrix." + name, read("matrix/matrix/" + name + ".java"));
        }
        magic(shell, 1000);
        shell.source("capture.mod.Recorder", read("matrix/capture/mod/Recorder.java"));
        shellJar = shell.build(dir.resolve("shell.jar"));
        for (int magic = 1000; magic <= 1003; magic++) {
            magic(new JarBuilder().classpath(shellJar), magic)
                    .source("capture.mod.Recorder", read("matrix/capture/mod/Recorder.java"))
                    .build(versions.resolve("magic-" + magic + ".jar"));
        }
    }

    private static JarBuilder magic(JarBuilder jar, int magic) throws IOException {
        return jar.source("capture.mod.Magic", read("module/capture/mod/Magic.java").replace("MAGIC", "" + magic));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void everySubmissionPointKeepsTheBindingItCaptured(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(versions.resolve("magic-1000.jar"), modules.resolve("magic.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=capture.mod,modules=" + modules + ",store=" + work.resolve("store")
                        + ",executors=matrix.EventLoop")
                .classpath(shellJar)
                .mainClass("matrix.Matrix")
                .args(versions, modules)
                .timeout(Duration.ofSeconds(240))
                .outputIn(work)
                .run();
        Map<String, String> seen = new LinkedHashMap<>();
        for (String line : r.stdoutLines()) {
            int space = line.indexOf(' ');
            if (space > 0) {
                seen.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        List<String> submitting = new ArrayList<>(SUBMITTING);
        List<String> cancellable = new ArrayList<>(CANCELLABLE);
        List<String> periodic = new ArrayList<>(PERIODIC);
        List<String> ends = new ArrayList<>(ENDS);
        if (jdk.major() >= 21) {
            submitting.addAll(SUBMITTING_21);
            cancellable.add("vt-factory-pool");
        }
        if (jdk.major() >= 25) {
            submitting.addAll(SUBMITTING_25);
            cancellable.addAll(SUBMITTING_25);
            periodic.addAll(PERIODIC_25);
            ends.addAll(ENDS_25);
        }
        List<String> all = new ArrayList<>(submitting);
        all.addAll(WAITING);

        List<String> wrong = new ArrayList<>();
        for (String point : submitting) {
            expect(wrong, seen, "root/" + point, "1001/1001"::equals,
                    "submitted under 1001, read before and after the swap to 1002");
        }
        for (String point : all) {
            expect(wrong, seen, "child/" + point, eachIs("1001"), "submitted by a task bound to 1001");
        }
        for (String point : WAITING) {
            expect(wrong, seen, "root-waiting/" + point, each(v -> v.matches("submitted=(\\d+) saw=\\1/\\1")),
                    "read before and after a swap, the generation current at submission");
        }
        for (String kind : periodic) {
            expect(wrong, seen, "periodic-root/" + kind, v -> v.equals(seen.get("periodic-root/expected")),
                    "a periodic root task binds afresh at each run: " + seen.get("periodic-root/expected"));
            expect(wrong, seen, "periodic-child/" + kind, "1001"::equals,
                    "a periodic child task keeps its binding for every run");
        }
        for (String point : cancellable) {
            expect(wrong, seen, "cancelled/" + point, v -> v.equals("cancelled=true ran=false")
                    || point.equals("cf-async-default") && v.startsWith("n/a: thread per task"), "cancelled in the queue");
        }
        for (String point : all) {
            expect(wrong, seen, "throws/" + point, eachIs(seen.get("throws/expected")), "a task that throws");
        }
        List<String> own = new ArrayList<>(OWN);
        if (jdk.major() >= 21) {
            own.add("thread-builder-platform");
        }
        if (jdk.major() >= 25) {
            own.addAll(SUBMITTING_25);
        }
        for (String point : own) {
            expect(wrong, seen, "own/" + point, "1000 own=1000"::equals,
                    "a task whose class is from 1000 runs bound to 1000, whatever adapter wraps it");
        }
        for (String way : ends) {
            expect(wrong, seen, "ends/" + way, "ok"::equals, "the live count is back to where it was");
        }
        expect(wrong, seen, "ends/caller-runs-saw", v -> v.matches("(\\d+) expected=\\1"),
                "CallerRunsPolicy runs the task on its own binding");
        expect(wrong, seen, "ends/shutdownNow-returned", "2"::equals, "shutdownNow returns the queued tasks");
        expect(wrong, seen, "dont-break/queue-holds-the-task", "true"::equals, "getQueue() holds the task itself");
        expect(wrong, seen, "dont-break/before-and-after-execute-see-the-task", "true"::equals,
                "beforeExecute/afterExecute get the task itself");
        expect(wrong, seen, "dont-break/priority-queue-order", "[1, 2, 3]"::equals,
                "a PriorityBlockingQueue orders the application's Comparable tasks");
        expect(wrong, seen, "dont-break/same-instance-twice", "ok"::equals,
                "the same instance submitted under two generations runs once on each");
        for (int magic = 1000; magic <= 1003; magic++) {
            expect(wrong, seen, "live/" + magic, "0"::equals, "no task left of the generation");
        }
        List<String> unexpected = seen.keySet().stream()
                .filter(k -> k.startsWith("timeout") || k.startsWith("swap") || k.startsWith("ends/failed")
                        || k.equals("dont-break/priority-queue")).toList();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertEquals("", seen.get("done")),
                () -> assertTrue(unexpected.isEmpty(), "unexpected: " + unexpected),
                () -> assertTrue(wrong.isEmpty(), wrong.size() + " wrong:\n" + String.join("\n", wrong)));
    }

    private static void expect(List<String> wrong, Map<String, String> seen, String key, Predicate<String> ok,
                               String what) {
        String value = seen.get(key);
        if (value == null || !ok.test(value)) {
            wrong.add(key + " = " + value + "  (" + what + ")");
        }
    }

    private static Predicate<String> eachIs(String expected) {
        return each(v -> v.equals(expected));
    }

    /** A point that runs its body several times (invokeAll, parallel streams) records a comma-joined list. */
    private static Predicate<String> each(Predicate<String> ok) {
        return value -> List.of(value.split(",")).stream().allMatch(ok);
    }

    private static String read(String resource) throws IOException {
        return AppSources.read(APP + resource);
    }
}
