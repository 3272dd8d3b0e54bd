package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.management.JMX;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.manage.ManagerMXBean;
import io.modulets.testkit.AppSources;
import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * {@code rollout} across five JVMs, each running {@code apps/rollout} with the agent: a steady flow of root tasks
 * that call the swappable {@code ro.mod.Work}. The first, third and fifth are targets by JMX service URL (the
 * JDK's remote management on loopback: the CLI sends them the jar's bytes, {@code receiveJar} and
 * {@code stageJar}), the second and fourth by pid (they read the jar's path). The CLI runs as its own JVM; what
 * it did is seen from outside: its exit code and table, and each JVM's current generation, canary and what its
 * new tasks run afterwards.
 *
 * <p>The five JVMs are started once per JDK and shared by the cases, in order: each case leaves every JVM on
 * version 1 (or, the last, on version 2) and states what it expects relative to where the JVMs are when it
 * starts. The children are small ({@code -Xmx64m}, C1 only): the suite's machine has two cores.
 */
@ParameterizedClass(name = "[{index}] {0}")
@MethodSource("io.modulets.testkit.Jdks#all")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RolloutIT {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static final int SIZE = 5;
    /** The JVMs (indexes) reached by JMX service URL; the others by pid. */
    private static final List<Integer> BY_URL = List.of(0, 2, 4);
    private static Path jars;
    private static Path shellJar;
    /** The fleet of the JDK whose invocation runs, and where it works. */
    private static List<Member> fleet;
    private static Path work;

    @Parameter
    Jdk jdk;

    /** One JVM of the fleet: how the CLI names it (a pid or a URL) and how the table shows it. */
    private record Member(InteractiveJvm jvm, String target, String row, Path store) {
    }

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

    /** Five JVMs on v1; the last one's shell uses {@code ro.mod.Extra} (a jar without it fails its link check). */
    @BeforeParameterizedClassInvocation
    static void startFleet(Jdk jdk) throws Exception {
        work = Files.createDirectories(jars.resolve("jdk" + jdk.major()));
        fleet = new ArrayList<>();
        try {
            for (int i = 0; i < SIZE; i++) {
                Path dir = Files.createDirectories(work.resolve("jvm" + (i + 1)));
                Path modules = Files.createDirectories(dir.resolve("modules"));
                Files.copy(jars.resolve("v1.jar"), modules.resolve("mod.jar"), StandardCopyOption.REPLACE_EXISTING);
                ChildJvm child = ChildJvm.on(jdk)
                        .agent("packages=ro.mod,modules=" + modules + ",watch=false,store=" + dir.resolve("store"))
                        .jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto")
                        .classpath(shellJar).mainClass("ro.App");
                String url = null;
                if (BY_URL.contains(i)) {
                    int port = freePort();
                    // The JDK's own remote management, plain text on loopback (the CLI allows that without
                    // --insecure): what a remote target is, but for TLS, which FleetAccessIT covers.
                    child.jvmOptions("-Dcom.sun.management.jmxremote.port=" + port,
                            "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                            "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                            "-Djava.rmi.server.hostname=127.0.0.1",
                            "-Dcom.sun.management.jmxremote.ssl=false",
                            "-Dcom.sun.management.jmxremote.authenticate=false");
                    url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi";
                }
                if (i == SIZE - 1) {
                    child.args("extra");
                }
                InteractiveJvm jvm = InteractiveJvm.start(child, dir, "jvm" + (i + 1));
                fleet.add(new Member(jvm, url != null ? url : Long.toString(jvm.pid()),
                        url != null ? url : "JVM " + jvm.pid(), dir.resolve("store")));
            }
            for (Member m : fleet) {
                m.jvm().expect("READY ", LINE);
            }
        } catch (Exception | Error e) {
            stopFleet();
            throw e;
        }
    }

    @AfterParameterizedClassInvocation
    static void stopFleet() throws InterruptedException {
        for (Member m : fleet) {
            m.jvm().close();
        }
        fleet = List.of();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A JVM's {@code STATE} line, parsed. */
    private record State(int current, int canary, int generations, String version) {
        private static final Pattern LINE = Pattern.compile("STATE current=(\\d+) canary=(\\d+) generations=(\\d+)"
                + " version=(\\S+)");

        static State of(Member m) throws Exception {
            m.jvm().send("state");
            String line = m.jvm().expect("STATE ", RolloutIT.LINE);
            Matcher matcher = LINE.matcher(line);
            assertTrue(matcher.matches(), line);
            return new State(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                    Integer.parseInt(matcher.group(3)), matcher.group(4));
        }
    }

    private static List<State> states() throws Exception {
        List<State> all = new ArrayList<>();
        for (Member m : fleet) {
            all.add(State.of(m));
        }
        return all;
    }

    private static List<String> rolloutArgs(String jar, String... options) {
        List<String> args = new ArrayList<>(List.of("rollout", "--jar", jars.resolve(jar).toString()));
        args.addAll(List.of(options));
        fleet.forEach(m -> args.add(m.target()));
        return args;
    }

    private ChildJvm rolloutCli(String name, List<String> args) {
        return ChildJvm.on(jdk).jar(Artifacts.agentJar()).jvmOptions("-XX:TieredStopAtLevel=1", "-Xshare:auto")
                .args(args.toArray()).outputIn(work).name(name).timeout(Duration.ofMinutes(2));
    }

    /** A row of the table: the target, then BEFORE and AFTER as "id (label)". */
    private static Matcher row(String line, Member m) {
        Matcher matcher = Pattern.compile(Pattern.quote(m.row()) + " +(\\d+) \\(([\\d.]+)\\) +(\\d+) \\(([\\d.]+)\\)"
                + " +(.*)").matcher(line);
        assertTrue(matcher.matches(), () -> "[" + line + "] is not " + m.row() + "'s row");
        return matcher;
    }

    @Test
    @Order(1)
    void aTargetThatRefusesTheJarStopsTheRolloutBeforeAnyJvmMoved() throws Exception {
        List<State> before = states();
        // The fifth JVM's shell uses ro.mod.Extra, which no-extra.jar lacks: its link check refuses (of the bytes it
        // was sent: it is a service URL), the others' pass.
        ChildJvm.Result r = rolloutCli("refused", rolloutArgs("no-extra.jar", "--min-tasks", "100")).run();
        List<String> out = r.stdoutLines();
        Member refusing = fleet.get(SIZE - 1);
        assertAll(r.describe(),
                () -> assertEquals(1, r.exitCode()),
                () -> assertEquals(SIZE + 2, out.size()),
                () -> {
                    for (int i = 0; i < SIZE - 1; i++) {
                        assertTrue(row(out.get(i + 1), fleet.get(i)).group(5).matches("- +- +- +checked, not moved"),
                                out.get(i + 1));
                    }
                },
                () -> assertTrue(row(out.get(SIZE), refusing).group(5).matches("- +- +- +refused: check of"
                        + " \\[no-extra\\.jar\\] refused, generation 1 \\(1\\.0, \\w+\\) stays current: link check:"
                        + " ro\\.mod\\.Extra is missing from no-extra\\.jar, used by shell ro\\.UsesExtra\\.touch"),
                        out.get(SIZE)),
                () -> assertTrue(out.get(SIZE + 1).startsWith("refused, no target was touched: " + refusing.row()
                        + ": check of [no-extra.jar] refused")),
                () -> assertTrue(r.stderr().contains("modulets: rollout: " + refusing.row() + ": sent [no-extra.jar]"
                        + " over JMX; its agent staged [" + refusing.store().toAbsolutePath() + "/received/"),
                        "a service URL is sent the bytes"));
        assertEquals(before, states(), "no JVM moved");
    }

    @Test
    @Order(2)
    void anUploadThatIsTruncatedOrNotTheBytesSentOrNotAJarIsOneLineAndChangesNothing() throws Exception {
        Member m = fleet.get(0);
        State before = State.of(m);
        byte[] jar = Files.readAllBytes(jars.resolve("v2.jar"));
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar));
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(m.target()))) {
            ManagerMXBean manager = JMX.newMXBeanProxy(connector.getMBeanServerConnection(),
                    new ObjectName(ManagerMXBean.OBJECT_NAME), ManagerMXBean.class);
            String upload = "9d2a7e44-0c1b-4a55-8f0e-5f3c2b1a0d9e";

            manager.receiveJar(upload, 0, java.util.Arrays.copyOf(jar, 100));
            String truncated = refusal(() -> manager.stageJar(upload, "v2.jar", jar.length, sha256));

            manager.receiveJar(upload, 0, jar.clone());
            String other = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[1]));
            String mismatch = refusal(() -> manager.stageJar(upload, "v2.jar", jar.length, other));

            manager.receiveJar(upload, 0, jar.clone());
            String outOfOrder = refusal(() -> manager.receiveJar(upload, jar.length + 10, new byte[1]));

            byte[] garbage = "not a zip".getBytes(StandardCharsets.US_ASCII);
            manager.receiveJar(upload, 0, garbage);
            String staged = manager.stageJar(upload, "garbage.jar", garbage.length,
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(garbage)));
            String notAJar = refusal(() -> manager.activate(List.of(staged)));

            assertAll(
                    () -> assertEquals("modulets: stageJar refused: upload " + upload + " of v2.jar is truncated: 100"
                            + " of " + jar.length + " bytes received; nothing was kept", truncated),
                    () -> assertEquals("modulets: stageJar refused: upload " + upload + " of v2.jar: the bytes"
                            + " received have SHA-256 " + sha256.substring(0, 12) + "…, not " + other.substring(0, 12)
                            + "… as sent; nothing was kept", mismatch),
                    () -> assertEquals("modulets: receiveJar refused: upload " + upload + " out of order: a chunk at"
                            + " byte " + (jar.length + 10) + ", but " + jar.length + " bytes were received; nothing"
                            + " was kept, send it again from the start", outOfOrder),
                    () -> assertTrue(notAJar.startsWith("modulets: deploy of [garbage.jar] refused, generation "
                            + before.current() + " (1.0, "), notAJar),
                    () -> assertEquals(1, notAJar.lines().count(), notAJar));
        }
        assertEquals(before, State.of(m), "nothing changed");
        try (Stream<Path> parts = Files.list(m.store().resolve("received"))) {
            assertEquals(List.of(), parts.filter(p -> p.toString().endsWith(".part")).toList(),
                    "no partial upload is left");
        }
    }

    /** The one line of the refusal that {@code call} throws, as a JMX client without our classes reads it. */
    private static String refusal(Runnable call) {
        Throwable t = assertThrows(RuntimeException.class, call::run);
        while (!(t instanceof IllegalStateException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Test
    @Order(3)
    void aVersionWhoseTasksFailIsStoppedAtTheCanaryAndNoJvmEndsOnIt() throws Exception {
        List<State> before = states();
        ChildJvm.Result r = rolloutCli("fail", rolloutArgs("fail.jar", "--canary", "20%", "--min-tasks", "100",
                "--timeout", "2m", "--json")).run();
        Map<String, Object> json = MiniJson.object(r.stdout());
        List<?> targets = (List<?>) json.get("targets");
        Map<?, ?> canary = (Map<?, ?>) targets.get(0);
        assertAll(r.describe(),
                () -> assertEquals(1, r.exitCode()),
                () -> assertEquals("stopped", json.get("outcome")),
                () -> assertTrue(((String) json.get("reason")).startsWith(fleet.get(0).row() + ": canary generation "
                        + (before.get(0).generations() + 1) + " ")),
                () -> assertEquals((long) before.get(0).current(), canary.get("before")),
                () -> assertEquals((long) before.get(0).current(), canary.get("after"),
                        "the canary is aborted; the current generation stays current"),
                () -> assertTrue(((String) canary.get("verdict")).startsWith("failed: "), canary::toString),
                () -> assertTrue(((String) canary.get("verdict")).contains("failed (IllegalStateException"),
                        canary::toString),
                () -> {
                    for (int i = 1; i < SIZE; i++) {
                        assertEquals("checked, not moved", ((Map<?, ?>) targets.get(i)).get("verdict"));
                    }
                },
                () -> assertTrue(r.stderr().contains("modulets: rollout stopped: " + fleet.get(0).row())));
        List<State> after = states();
        State first = before.get(0);
        assertEquals(new State(first.current(), 0, first.generations() + 1, "1"), after.get(0),
                "the aborted canary is one more generation; no task gets it");
        assertEquals(before.subList(1, SIZE), after.subList(1, SIZE), "never touched");
    }

    @Test
    @Order(4)
    void ctrlCMidWaveLeavesEveryJvmOnOneStatedGeneration() throws Exception {
        List<State> before = states();
        // The second JVM runs no task: wave 1 (the second and third) waits for its tasks until Ctrl-C comes.
        Member paused = fleet.get(1);
        paused.jvm().send("pause");
        paused.jvm().expect("PAUSED", LINE);
        ChildJvm cli = rolloutCli("interrupted", rolloutArgs("v2.jar", "--canary", "20%", "--min-tasks", "100",
                "--waves", "2", "--timeout", "10m"));
        ProcessBuilder pb = new ProcessBuilder(cli.command()).redirectOutput(work.resolve("interrupted.stdout.txt")
                .toFile());
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
            // Both JVMs of wave 1 moved (the third's activation follows the second's), and the wave waits.
            for (int i = 1; i <= 2; i++) {
                awaitLine(errLines, "modulets: rollout: " + fleet.get(i).row() + ": generation "
                        + (before.get(i).generations() + 1) + " (2.0) is current (was " + before.get(i).current()
                        + "); waiting for 100 ended tasks", rollout, err);
            }
            // Ctrl-C is SIGINT; a process started in the background by a non-interactive shell (as a CI script may
            // run this build) ignores SIGINT, and the JVM then keeps it ignored: SIGTERM runs the same shutdown hook
            int signal = ignoresSigint(rollout.pid()) ? 15 : 2;
            new ProcessBuilder("kill", "-" + signal, Long.toString(rollout.pid())).inheritIO().start().waitFor();
            if (!rollout.waitFor(60, TimeUnit.SECONDS)) {
                rollout.destroyForcibly();
                fail("the rollout did not end within 60 s of signal " + signal + "\n" + String.join("\n", err));
            }
            reader.join(10_000);
            List<String> out = Files.readAllLines(work.resolve("interrupted.stdout.txt"));
            String describe = "stdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err);
            assertEquals(128 + signal, rollout.exitValue(), describe); // after the shutdown hook
            assertEquals("interrupted: the rollout's JVM is shutting down (Ctrl-C); no target is left on the new"
                    + " version: each is on its generation in AFTER", out.get(out.size() - 1), describe);
            assertTrue(err.contains("modulets: rollout: interrupted: undoing what moved"), describe);
            // Each JVM is on the generation its row states, and its new tasks run version 1.
            List<State> after = states();
            for (int i = 0; i < SIZE; i++) {
                Matcher row = row(out.get(i + 1), fleet.get(i));
                assertEquals(List.of("" + before.get(i).current(), "1.0", "" + after.get(i).current(), "1.0"),
                        List.of(row.group(1), row.group(2), row.group(3), row.group(4)), describe);
                assertEquals("1", after.get(i).version(), describe);
                assertEquals(0, after.get(i).canary(), describe);
            }
            assertTrue(out.get(1).endsWith("passed as a canary, promoted; rolled back"), describe);
            assertTrue(out.get(2).endsWith("activated, waiting for tasks; rolled back"), describe);
            // the third may have been judged before the signal, while the wave waited for the second
            assertTrue(out.get(3).matches(".*(activated, waiting for tasks|passed); rolled back"), describe);
            assertTrue(out.get(4).endsWith("checked, not moved"), describe);
            assertTrue(out.get(5).endsWith("checked, not moved"), describe);
            assertEquals(before.subList(3, SIZE), after.subList(3, SIZE), "the second wave's JVMs were never touched");
        } finally {
            rollout.destroyForcibly();
            paused.jvm().send("resume");
            paused.jvm().expect("RESUMED", LINE);
        }
    }

    @Test
    @Order(5)
    void aGoodVersionRollsOutToEveryJvmCanaryFirstThenInWaves() throws Exception {
        List<State> before = states();
        ChildJvm.Result r = rolloutCli("good", rolloutArgs("v2.jar", "--canary", "20%", "--min-tasks", "100",
                "--waves", "2", "--timeout", "2m")).run();
        List<String> out = r.stdoutLines();
        String err = r.stderr();
        int canaryAt = indexOf(err, "canary generation \\d+ \\(2\\.0\\) for 20% of new root tasks");
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(out.get(0).matches("TARGET +BEFORE +AFTER +TASKS JUDGED +FAILED +FAILED BEFORE"
                        + " +VERDICT")),
                () -> assertEquals("rolled out to 5 targets", out.get(SIZE + 1)),
                // progress: the canary first, then two waves of two
                () -> assertTrue(canaryAt >= 0
                        && canaryAt < err.indexOf("wave 1 of 2: " + fleet.get(1).row() + ", " + fleet.get(2).row())),
                () -> assertTrue(err.indexOf("wave 1 of 2 passed") < err.indexOf("wave 2 of 2: " + fleet.get(3).row()
                        + ", " + fleet.get(4).row())),
                () -> assertTrue(err.contains("wave 2 of 2 passed")));
        List<State> after = states();
        for (int i = 0; i < SIZE; i++) {
            Matcher row = row(out.get(i + 1), fleet.get(i));
            int now = after.get(i).current();
            assertEquals(List.of("" + before.get(i).current(), "1.0", "" + now, "2.0"),
                    List.of(row.group(1), row.group(2), row.group(3), row.group(4)), r.describe());
            assertTrue(row.group(5).matches("\\d{3,} +0% +(0%|-) +" + (i == 0 ? "passed as a canary, promoted"
                    : "passed")), row.group(5));
            assertEquals(0, after.get(i).canary());
            assertEquals("2", after.get(i).version(), "new tasks run version 2");
        }
    }

    /** Where {@code regex} first matches in {@code text}; -1 if nowhere. */
    private static int indexOf(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.start() : -1;
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
