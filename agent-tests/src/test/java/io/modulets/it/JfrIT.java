package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Deploys;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.Jdks;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The agent's JFR events (DESIGN §4) in a recording started with {@code jcmd <pid> JFR.start}:
 * a deploy through the modules directory, the old generation retiring and unloading, a refused
 * deploy — each an event with its fields; {@code modulets.TaskBinding} only when the recording's
 * settings enable it. The dump is read with {@code jdk.jfr.consumer.RecordingFile}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JfrIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static Path shellJar;
    private static Path v1;
    private static Path v2;

    @BeforeAll
    static void build() throws IOException {
        JxApp app = JxApp.build(WorkDirs.forClass(JfrIT.class));
        shellJar = app.shellJar();
        v1 = app.v1();
        v2 = app.v2();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aJcmdRecordingHasTheLifecycleEventsAndNoTaskBindingByDefault(Jdk jdk, TestInfo info) throws Exception {
        List<RecordedEvent> events = record(jdk, info, "default", false);
        assertLifecycle(events);
        assertEquals(0, count(events, "modulets.TaskBinding"), "TaskBinding is off by default");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aRecordingStartedWithTheJvmHasTheEventsToo(Jdk jdk, TestInfo info) throws Exception {
        // the agent's listener hears of the recorder whether it came up before or after premain
        List<RecordedEvent> events = record(jdk, info, "taskbinding", true);
        assertLifecycle(events);
        assertTrue(count(events, "modulets.TaskBinding") > 0, "enabled by the settings given at startup");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aRecordingThatEnablesTaskBindingGetsOnePerBoundTask(Jdk jdk, TestInfo info) throws Exception {
        List<RecordedEvent> events = record(jdk, info, "taskbinding", false);
        assertLifecycle(events);
        // a recording keeps events in per-thread buffers: its file order is not time order
        List<Integer> bound = events.stream().filter(e -> e.getEventType().getName().equals("modulets.TaskBinding"))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime))
                .map(e -> e.getInt("generation")).toList();
        assertTrue(bound.contains(1) && bound.contains(2), "tasks bound to generations 1 and 2: " + bound);
        assertEquals(List.of(1, 2), bound.stream().distinct().toList(), "generation 1's tasks come before 2's: " + bound);
    }

    /**
     * Runs the child, records with {@code settings} ("default", or a .jfc that enables TaskBinding)
     * from {@code jcmd JFR.start} or, {@code atStartup}, from {@code -XX:StartFlightRecording}; returns the events.
     */
    private static List<RecordedEvent> record(Jdk jdk, TestInfo info, String settings, boolean atStartup)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(v1, modules.resolve("mod.jar"));
        String jfc = settings.equals("default") ? "default" : Files.writeString(work.resolve("taskbinding.jfc"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration version=\"2.0\">\n"
                        + "  <event name=\"modulets.TaskBinding\"><setting name=\"enabled\">true</setting></event>\n"
                        + "</configuration>\n").toString();
        ChildJvm child = ChildJvm.on(jdk)
                .agent("packages=jx.mod,modules=" + modules + ",quiet=50ms,store=" + work.resolve("store"))
                .classpath(shellJar)
                .mainClass("jx.Main");
        if (atStartup) {
            child.jvmOptions("-XX:StartFlightRecording=name=modulets,settings=" + jfc);
        }
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child")) {
            jvm.expect("ready ", WAIT);
            if (!atStartup) {
                jcmd(jdk, jvm, work, "JFR.start", "name=modulets", "settings=" + jfc);
            }
            jvm.send("version");
            jvm.expect("version 1", WAIT);

            Deploys.renameInto(v2, modules, "mod.jar");
            jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "version", "version", WAIT);
            jvm.send("version");
            jvm.expect("version 2", WAIT);
            jvm.awaitLog("generation 1 \\(1\\.0, \\w+\\) retired", "version", "version", WAIT);
            collectUntilLogged(jvm, "generation 1 \\(1\\.0, \\w+\\) unloaded");

            Path broken = work.resolve("broken.jar");
            Files.writeString(broken, "not a zip");
            Deploys.renameInto(broken, modules, "mod.jar");
            jvm.awaitLog("refused, generation 2 \\(2\\.0, \\w+\\) stays current", "version", "version", WAIT);

            return dumpUntil(jdk, jvm, work, "modulets.Rejection");
        }
    }

    /**
     * The modulets events of the recording, dumped until it has one named {@code last} (bounded): the agent's manage
     * thread writes the events after the log lines the test waits for, in order, and a loaded machine may run it late.
     */
    private static List<RecordedEvent> dumpUntil(Jdk jdk, InteractiveJvm jvm, Path work, String last) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int dumps = 0; ; dumps++) {
            Path dump = work.resolve("recording-" + dumps + ".jfr");
            jcmd(jdk, jvm, work, "JFR.dump", "name=modulets", "filename=" + dump);
            List<RecordedEvent> events = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(dump)) {
                if (e.getEventType().getName().startsWith("modulets.")) {
                    events.add(e);
                }
            }
            if (count(events, last) > 0 || System.nanoTime() - deadline > 0) {
                return events;
            }
            jvm.send("version"); // a round trip paces the next dump
            jvm.expect("version 2", WAIT);
        }
    }

    private static void assertLifecycle(List<RecordedEvent> events) {
        // generation 1's activation may be in a recording started with the JVM (if the recorder was up
        // before the agent's thread announced it): the one asserted is generation 2's
        RecordedEvent activation = only(events.stream().filter(e -> !e.getEventType().getName()
                .equals("modulets.Activation") || e.getInt("generation") != 1).toList(), "modulets.Activation");
        assertEquals(2, activation.getInt("generation"));
        assertEquals(1, activation.getInt("previousGeneration"));
        assertEquals("2.0", activation.getString("label"));
        assertTrue(activation.getString("hash").matches("[0-9a-f]{64}"), activation.getString("hash"));
        assertEquals("activation", activation.getString("reason"));
        assertEquals("modulets", activation.getEventType().getCategoryNames().get(0));

        RecordedEvent retirement = only(events, "modulets.Retirement");
        assertEquals(1, retirement.getInt("generation"));
        assertEquals("1.0", retirement.getString("label"));

        RecordedEvent unloading = only(events, "modulets.Unloading");
        assertEquals(1, unloading.getInt("generation"));
        assertEquals(retirement.getString("hash"), unloading.getString("hash"));

        RecordedEvent rejection = only(events, "modulets.Rejection");
        assertEquals(2, rejection.getInt("generation"), "the generation that stays current");
        assertTrue(rejection.getString("reason").contains("refused, generation 2 (2.0, "), rejection.getString("reason"));
        assertFalse(rejection.getString("reason").contains("\n"));
    }

    private static RecordedEvent only(List<RecordedEvent> events, String name) {
        List<RecordedEvent> found = events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
        if (found.size() != 1) {
            fail("expected one " + name + " event, found " + found.size() + ": " + events);
        }
        return found.get(0);
    }

    private static long count(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).count();
    }

    /** Runs {@code jcmd <pid> args} of the child's JDK, bounded; fails with its output if it fails. */
    static String jcmd(Jdk jdk, InteractiveJvm jvm, Path work, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(jdk.home().resolve("bin/jcmd").toString());
        cmd.add(Long.toString(jvm.pid()));
        cmd.addAll(List.of(args));
        Path out = work.resolve("jcmd-" + args[0] + ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("jcmd " + String.join(" ", args) + " did not finish within 30 s");
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail("jcmd " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + output + "\n" + jvm.describe());
        }
        return output;
    }

    /** Asks the child for collections until the log has a line matching {@code regex} (bounded). */
    private static void collectUntilLogged(InteractiveJvm jvm, String regex) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        for (int attempt = 0; attempt < 50; attempt++) {
            jvm.send("gc");
            jvm.expect("gc", WAIT);
            if (jvm.stderrLines().stream().anyMatch(l -> pattern.matcher(l).find())) {
                return;
            }
        }
        fail("no log line matching [" + regex + "] after 50 collections\n" + jvm.describe());
    }
}
