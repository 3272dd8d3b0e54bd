package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.sun.tools.attach.VirtualMachine;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Deploys;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * Task outcomes per generation (DESIGN §4 "Outcomes"), read from outside a child JVM through
 * JMX, the CLI ({@code outcomes --json}) and a JFR recording. The child ({@code apps/outcomes/}) runs,
 * in generation 1 while generation 2 is current, known numbers of tasks of every kind — pool execute and
 * submit, CompletableFuture async tasks and dependent stages, fork/join, platform threads, virtual
 * threads (21+), a periodic task — some ending by known exception classes; every count is read after
 * the child has joined or terminated everything that ran them. Each failing task's exception is thrown by
 * generation 1's code ({@code Work.fail}) into the task's shell code: it is also counted once as thrown
 * by the generation, in a run of its own.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OutcomesIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String GEN1 = "io.modulets:type=Generation,id=1";
    private static Path shellJar;
    private static Path v1;
    private static Path v2;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(OutcomesIT.class);
        v1 = version(dir, 1);
        v2 = version(dir, 2);
        shellJar = new JarBuilder().classpath(v1)
                .source("oc.Main", AppSources.read("apps/outcomes/shell/oc/Main.java"))
                .build(dir.resolve("shell.jar"));
    }

    private static Path version(Path dir, int n) throws IOException {
        return new JarBuilder()
                .source("oc.mod.Work", "package oc.mod; public class Work {"
                        + " public static int version() { return " + n + "; }"
                        + " public static int fail(RuntimeException e) { throw e; } }")
                .manifest("Implementation-Version", n + ".0")
                .build(dir.resolve("mod-" + n + ".jar"));
    }

    /** What generation 1 ran, by the child's program (apps/outcomes/shell/oc/Main.java). */
    private record Expected(long started, long completed, long failed, long running, List<String> exceptions) {
        static Expected on(Jdk jdk) {
            boolean virtual = jdk.major() >= 21;
            // driver 1, holder thread 1, execute 5, submit 5, async 3, stages 4, fork/join 3 (+1 by externalSubmit),
            // threads 2 (+2), periodic 4
            long started = 28 + (virtual ? 3 : 0);
            long failed = 9 + (virtual ? 1 : 0);
            List<String> exceptions = new ArrayList<>(List.of(
                    "java.lang.ArithmeticException 2", "java.lang.IllegalStateException 2",
                    "java.lang.ClassCastException 1", "java.lang.IllegalArgumentException 1",
                    "java.lang.IndexOutOfBoundsException 1", "java.lang.NegativeArraySizeException 1"));
            if (virtual) {
                exceptions.add("java.lang.SecurityException 1");
            }
            exceptions.add("java.lang.UnsupportedOperationException 1");
            return new Expected(started, started - failed - 1, failed, 1, exceptions);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void everyTaskKindIsCountedOnceInItsGenerationThroughJmxTheCliAndJfr(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(v1, modules.resolve("mod.jar"));
        ChildJvm child = ChildJvm.on(jdk)
                .agent("packages=oc.mod,modules=" + modules + ",quiet=50ms,store=" + work.resolve("store"))
                .classpath(shellJar)
                .mainClass("oc.Main");
        Expected expected = Expected.on(jdk);
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child")) {
            jvm.expect("ready ", WAIT);
            jvm.expect("driver waiting", WAIT);
            // generation 2 current before any JMX or JFR thread exists: generation 1 then runs only the child's tasks
            Deploys.renameInto(v2, modules, "mod.jar");
            jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
            try (JMXConnector connector = connect(jvm)) {
                MBeanServerConnection jmx = connector.getMBeanServerConnection();
                ObjectName gen1 = new ObjectName(GEN1);
                assertEquals(1L, jmx.getAttribute(gen1, "TasksStarted"), "only the driver so far\n" + jvm.describe());
                assertEquals(1L, jmx.getAttribute(gen1, "TasksRunning"));

                jvm.send("go");
                jvm.expect("driver version 1", WAIT);
                jvm.expect("done", WAIT);

                // JMX: the generation's attributes, and the manager's row
                assertAll("JMX\n" + jvm.describe(),
                        () -> assertEquals(expected.started, jmx.getAttribute(gen1, "TasksStarted")),
                        () -> assertEquals(expected.completed, jmx.getAttribute(gen1, "TasksCompleted")),
                        () -> assertEquals(expected.failed, jmx.getAttribute(gen1, "TasksFailed")),
                        () -> assertEquals(expected.running, jmx.getAttribute(gen1, "TasksRunning")),
                        () -> assertEquals(expected.exceptions,
                                Arrays.asList((String[]) jmx.getAttribute(gen1, "Exceptions"))),
                        () -> assertEquals(expected.failed, jmx.getAttribute(gen1, "ExceptionsThrown")),
                        () -> assertEquals(expected.failed, jmx.getAttribute(gen1, "TasksThrowing")),
                        () -> assertEquals(expected.exceptions,
                                Arrays.asList((String[]) jmx.getAttribute(gen1, "ThrownExceptions"))));
                long max = (long) jmx.getAttribute(gen1, "MaxRunNanos");
                long mean = (long) jmx.getAttribute(gen1, "MeanRunNanos");
                long p50 = (long) jmx.getAttribute(gen1, "P50RunNanos");
                long p99 = (long) jmx.getAttribute(gen1, "P99RunNanos");
                assertTrue(max >= 50_000_000, "a task slept 50 ms: max " + max);
                assertTrue(0 < mean && mean <= max, "mean " + mean + ", max " + max);
                assertTrue(0 < p50 && p50 <= p99 && p99 < 2 * max, "p50 " + p50 + ", p99 " + p99 + ", max " + max);
                CompositeData row = generationRow(jmx, 1);
                assertEquals(expected.started, row.get("tasksStarted"));
                assertEquals(expected.completed, row.get("tasksCompleted"));
                assertEquals(expected.failed, row.get("tasksFailed"));
                List<String> gen2 = Arrays.asList((String[]) jmx.getAttribute(
                        new ObjectName("io.modulets:type=Generation,id=2"), "Exceptions"));
                assertTrue(gen2.stream().noneMatch(e -> expected.exceptions.contains(e)),
                        "generation 2 ran none of them: " + gen2);

                // the CLI
                ChildJvm.Result cli = ChildJvm.on(jdk).jar(Artifacts.agentJar())
                        .args("outcomes", Long.toString(jvm.pid()), "1", "--json").outputIn(work)
                        .name("cli-outcomes").timeout(Duration.ofSeconds(60)).run();
                assertEquals(0, cli.exitCode(), cli::describe);
                Map<String, Object> json = MiniJson.object(cli.stdout());
                Map<?, ?> one = (Map<?, ?>) ((List<?>) json.get("generations")).get(0);
                List<String> cliExceptions = ((List<?>) one.get("exceptions")).stream()
                        .map(e -> ((Map<?, ?>) e).get("class") + " " + ((Map<?, ?>) e).get("count")).toList();
                List<String> cliThrown = ((List<?>) one.get("thrownExceptions")).stream()
                        .map(e -> ((Map<?, ?>) e).get("class") + " " + ((Map<?, ?>) e).get("count")).toList();
                assertAll("CLI\n" + cli.describe(),
                        () -> assertEquals(1L, one.get("id")),
                        () -> assertEquals("draining", one.get("state")),
                        () -> assertEquals(expected.started, one.get("started")),
                        () -> assertEquals(expected.completed, one.get("completed")),
                        () -> assertEquals(expected.failed, one.get("failed")),
                        () -> assertEquals(expected.running, one.get("running")),
                        () -> assertEquals(max, one.get("maxRunNanos")),
                        () -> assertEquals(expected.exceptions, cliExceptions),
                        () -> assertEquals(expected.failed, one.get("thrown")),
                        () -> assertEquals(expected.failed, one.get("tasksThrowing")),
                        () -> assertEquals(expected.exceptions, cliThrown));

                // JFR: the periodic event (every 5 s by default) of generation 1, from a jcmd recording
                // started now that its tasks have ended, so that every event has the final counts
                JfrIT.jcmd(jdk, jvm, work, "JFR.start", "name=outcomes");
                RecordedEvent event = awaitOutcomesEvent(jdk, jvm, work);
                assertAll("JFR " + event,
                        () -> assertEquals("draining", event.getString("state")),
                        () -> assertEquals(expected.started, event.getLong("started")),
                        () -> assertEquals(expected.completed, event.getLong("completed")),
                        () -> assertEquals(expected.failed, event.getLong("failed")),
                        () -> assertEquals(expected.running, event.getLong("running")),
                        () -> assertEquals(max, event.getDuration("maxRun").toNanos()),
                        () -> assertEquals(mean, event.getDuration("meanRun").toNanos()),
                        () -> assertEquals(expected.failed, event.getLong("thrown")),
                        () -> assertEquals(expected.failed, event.getLong("tasksThrowing")));
            }
        }
    }

    /** Dumps the recording until it holds a GenerationOutcomes event of generation 1 (bounded: six periods). */
    private static RecordedEvent awaitOutcomesEvent(Jdk jdk, InteractiveJvm jvm, Path work) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int dumps = 0; System.nanoTime() < deadline; dumps++) {
            Path dump = work.resolve("outcomes-" + dumps + ".jfr");
            JfrIT.jcmd(jdk, jvm, work, "JFR.dump", "name=outcomes", "filename=" + dump);
            for (RecordedEvent e : RecordingFile.readAllEvents(dump)) {
                if (e.getEventType().getName().equals("modulets.GenerationOutcomes") && e.getInt("generation") == 1) {
                    return e;
                }
            }
            ping(jvm); // a round trip paces the next dump
        }
        return fail("no modulets.GenerationOutcomes event of generation 1 within " + WAIT.toSeconds() + " s\n"
                + jvm.describe());
    }

    private static CompositeData generationRow(MBeanServerConnection jmx, int id) throws Exception {
        for (CompositeData row : (CompositeData[]) jmx.getAttribute(new ObjectName("io.modulets:type=Manager"),
                "Generations")) {
            if (((Integer) row.get("id")) == id) {
                return row;
            }
        }
        return fail("no row for generation " + id);
    }

    /** Attaches by pid and starts the child's local management agent (after the activation: see the test). */
    private static JMXConnector connect(InteractiveJvm jvm) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(jvm.pid()));
        String url;
        try {
            url = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(url));
        JmxIT.awaitManager(connector.getMBeanServerConnection(), jvm);
        return connector;
    }

    private static void ping(InteractiveJvm jvm) throws Exception {
        jvm.send("ping");
        jvm.expect("pong", WAIT);
    }
}
