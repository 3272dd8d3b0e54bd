package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.Artifacts;
import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Deploys;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.deploy.RawZip;
import io.modulets.testkit.WorkDirs;

/**
 * {@code java -jar modulets-agent.jar}: the CLI as its own JVM, operating a running child JVM
 * started with the agent ({@code apps/cli/shell/cli/App.java}, which runs a task on request and
 * prints what the swappable {@code cli.mod.Magic} returns in it). What the CLI does is observed
 * from outside: its exit code and output, and the tasks the child runs afterwards.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CliIT {
    private static final String APP = "apps/cli/";
    private static final List<String> COMMANDS =
            List.of("list", "status", "generations", "activate", "rescan", "rollback", "promote", "abort", "canary-policy",
                    "packages", "pins", "outcomes", "rollout", "completion");
    private static final Duration LINE = Duration.ofSeconds(60);
    private static final AtomicInteger CLI_RUNS = new AtomicInteger();
    private static Path shellJar;
    private static Path versions;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(CliIT.class);
        versions = Files.createDirectories(dir.resolve("versions"));
        for (int m = 1000; m <= 1002; m++) {
            new JarBuilder().source("cli.mod.Magic", magic(m)).manifest("Implementation-Version", "" + m)
                    .build(versions.resolve("magic-" + m + ".jar"));
        }
        // The shell uses cli.mod.Magic: a generation without it fails the link check.
        new JarBuilder().source("cli.mod.Other", "package cli.mod; public final class Other {}")
                .manifest("Implementation-Version", "no-magic").build(versions.resolve("no-magic.jar"));
        shellJar = new JarBuilder().source("cli.App", read("shell/cli/App.java"))
                .classpath(versions.resolve("magic-1000.jar")).build(dir.resolve("shell.jar"));
    }

    private static ChildJvm.Result cli(Jdk jdk, Path work, String... args) {
        return ChildJvm.on(jdk).jar(Artifacts.agentJar()).args((Object[]) args).outputIn(work)
                .name("cli-" + CLI_RUNS.incrementAndGet() + "-" + args[0]).timeout(Duration.ofSeconds(60)).run();
    }

    /** The child with the agent: generation 1 is modules/magic.jar (1000); the directory is not watched. */
    private static InteractiveJvm server(Jdk jdk, Path work) throws Exception {
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(versions.resolve("magic-1000.jar"), modules.resolve("magic.jar"), StandardCopyOption.REPLACE_EXISTING);
        InteractiveJvm child = InteractiveJvm.start(ChildJvm.on(jdk)
                .agent("packages=cli.mod,modules=" + modules + ",watch=false,store=" + work.resolve("store"))
                .classpath(shellJar).mainClass("cli.App"), work, "server");
        child.expect("READY ", LINE);
        return child;
    }

    /** Sends {@code command} and returns the child's answer, the next line that starts with {@code answer}. */
    private static String ask(InteractiveJvm child, String command, String answer) throws Exception {
        child.send(command);
        return child.expect(answer, LINE);
    }

    private static String magic(InteractiveJvm child) throws Exception {
        String line = ask(child, "task", "TASK ");
        return line.substring(line.indexOf("magic=") + "magic=".length());
    }

    private static void ok(ChildJvm.Result r) {
        assertEquals(0, r.exitCode(), () -> "exit code 0\n" + r.describe());
        assertEquals("", r.stderr(), () -> "nothing on stderr\n" + r.describe());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void activateRollbackAndRescanThroughTheCliAreSeenByTheNextTasks(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        try (InteractiveJvm child = server(jdk, work)) {
            String pid = Long.toString(child.pid());
            assertEquals("1000", magic(child), child::describe);

            ChildJvm.Result status = cli(jdk, work, "status", pid);
            ok(status);
            assertAll(status.describe(),
                    () -> assertEquals("JVM " + pid, status.stdoutLines().get(0)),
                    () -> assertTrue(status.stdoutLines().contains("agent           " + Artifacts.version())),
                    () -> assertTrue(status.stdout().contains("\ncurrent         generation 1 (1000, ")),
                    () -> assertTrue(status.stdoutLines().contains("modules         " + work.resolve("modules"))),
                    () -> assertTrue(status.stdoutLines().contains("swappable       cli.mod")));

            // A task that runs across the activation keeps generation 1.
            ask(child, "hold", "HOLDING ");

            // A relative path is made absolute against the CLI's working directory.
            Path relative = Path.of("").toAbsolutePath().relativize(versions.resolve("magic-1001.jar"));
            ChildJvm.Result activate = cli(jdk, work, "activate", pid, relative.toString());
            ok(activate);
            assertTrue(activate.stdout().matches("generation 2 \\(1001, [0-9a-f]{12}\\) is current \\(was 1\\)\n"),
                    activate::describe);
            assertEquals("1001", magic(child), () -> "the next task runs the activated code\n" + child.describe());

            // Generation 1 drains: the held task is its one live task.
            ChildJvm.Result generations = cli(jdk, work, "generations", pid);
            ok(generations);
            assertAll(generations.describe(),
                    () -> assertTrue(generations.stdoutLines().get(0)
                            .matches("ID +STATE +LABEL +HASH +LIVE TASKS +STARTED +COMPLETED +FAILED +SINCE")),
                    () -> assertTrue(generations.stdoutLines().get(1).matches(" 1  draining  1000   [0-9a-f]{12}  +1 +\\d+ +\\d+ +0  \\S+")),
                    () -> assertTrue(generations.stdoutLines().get(2).matches(" 2  current   1001   [0-9a-f]{12}  +0 +\\d+ +\\d+ +0  \\S+")),
                    () -> assertEquals(3, generations.stdoutLines().size()));
            Map<String, Object> generationsJson = json(cli(jdk, work, "generations", pid, "--json"));
            List<?> all = (List<?>) generationsJson.get("generations");
            assertAll(generationsJson.toString(),
                    () -> assertEquals(2L, generationsJson.get("current")),
                    () -> assertEquals(2, all.size()),
                    () -> assertEquals(Map.of("id", 1L, "state", "draining", "label", "1000", "liveTasks", 1L),
                            pick((Map<?, ?>) all.get(0), "id", "state", "label", "liveTasks")),
                    () -> assertEquals(Map.of("id", 2L, "state", "current", "label", "1001", "liveTasks", 0L),
                            pick((Map<?, ?>) all.get(1), "id", "state", "label", "liveTasks")),
                    () -> assertTrue(((String) ((Map<?, ?>) all.get(0)).get("hash")).matches("[0-9a-f]{64}"), "the full hash"));

            ChildJvm.Result pins = cli(jdk, work, "pins", pid);
            ok(pins);
            assertAll(pins.describe(),
                    () -> assertTrue(pins.stdoutLines().get(0).matches("generation 1 \\(1000, [0-9a-f]{12}\\) is draining, 1 live task")),
                    () -> assertTrue(pins.stdoutLines().contains("  live tasks: 1 submitted and not finished"), "names what holds it"));

            String held = ask(child, "release", "HELD ");
            assertTrue(held.endsWith(" magic=1000"), () -> "the task that ran across the activation kept its code: " + held);
            child.expect("RELEASED", LINE);
            // The task has ended; its generation retires as soon as the agent counts the end, which
            // happens just after the child saw the task's result: ask a few times, bounded.
            Map<?, ?> first = null;
            for (int attempt = 0; attempt < 10; attempt++) {
                first = (Map<?, ?>) ((List<?>) json(cli(jdk, work, "generations", pid, "--json")).get("generations")).get(0);
                if ("retired".equals(first.get("state"))) {
                    break;
                }
            }
            assertEquals(Map.of("id", 1L, "state", "retired", "liveTasks", 0L), pick(first, "id", "state", "liveTasks"),
                    "generation 1 retires once its last task ended");

            // A refused activation: one line, exit code 1, nothing changed.
            ChildJvm.Result refused = cli(jdk, work, "activate", pid, versions.resolve("no-magic.jar").toString());
            assertAll(refused.describe(),
                    () -> assertEquals(1, refused.exitCode(), "exit code"),
                    () -> assertEquals("", refused.stdout()),
                    () -> assertEquals(1, refused.stderrLines().size(), "one line"),
                    () -> assertTrue(refused.stderrLines().get(0).startsWith("modulets: "), "says who"),
                    () -> assertTrue(refused.stderr().contains("refused"), "says refused"),
                    () -> assertTrue(refused.stderr().contains("cli.mod.Magic"), "names the missing class"));
            Map<String, Object> afterRefusal = json(cli(jdk, work, "status", pid, "--json"));
            assertAll(afterRefusal.toString(),
                    () -> assertEquals(2L, ((Map<?, ?>) afterRefusal.get("currentGeneration")).get("id")),
                    () -> assertEquals("1001", ((Map<?, ?>) afterRefusal.get("currentGeneration")).get("label")),
                    () -> assertEquals(Artifacts.version(), afterRefusal.get("agentVersion")),
                    () -> assertEquals(1L, afterRefusal.get("rejections")),
                    () -> assertEquals(refused.stderrLines().get(0), afterRefusal.get("lastRejection"), "the same line"),
                    () -> assertEquals(List.of("cli.mod"), afterRefusal.get("swappablePackages")));
            assertEquals("1001", magic(child), () -> "a refusal changes nothing\n" + child.describe());

            // A zip bomb (an entry of 1 GiB from about 1 MB), and a jar named with a terminal escape:
            // one line each, not a stack trace, and the escape is not sent to the terminal.
            RawZip bomb = new RawZip();
            bomb.entry("cli/mod/big.bin", bomb.stream(RawZip.zeros(1024)));
            Path bombJar = bomb.write(work.resolve("bomb.jar"));
            Path escJar = Files.writeString(work.resolve("esc\u001b[2J.jar"), "not a zip");
            for (ChildJvm.Result bad : List.of(cli(jdk, work, "activate", pid, bombJar.toString()),
                    cli(jdk, work, "activate", pid, escJar.toString()))) {
                assertAll(bad.describe(),
                        () -> assertEquals(1, bad.exitCode(), "exit code"),
                        () -> assertEquals(1, bad.stderrLines().size(), "one line"),
                        () -> assertTrue(bad.stderr().startsWith("modulets: deploy of ["), "says what was refused"),
                        () -> assertFalse(bad.stderr().contains("\u001b"), "no raw escape character"),
                        () -> assertTrue(bad.stderr().contains(
                                "bomb.jar: entry cli/mod/big.bin inflates to 1073741824 bytes, more than maxEntrySize=")
                                || bad.stderr().contains("esc\\u001b[2J.jar is not a complete zip file"), "why"));
            }
            assertEquals("1001", magic(child), () -> "the refusals changed nothing\n" + child.describe());

            ChildJvm.Result rollback = cli(jdk, work, "rollback", pid);
            ok(rollback);
            assertTrue(rollback.stdout().matches("generation \\d+ \\(1000, [0-9a-f]{12}\\) is current \\(was 2\\)\n"),
                    rollback::describe);
            assertEquals("1000", magic(child), () -> "the next task runs the code rolled back to\n" + child.describe());

            // The directory is not watched: a new jar there waits for rescan.
            Deploys.renameInto(versions.resolve("magic-1002.jar"), work.resolve("modules"), "magic.jar");
            assertEquals("1000", magic(child), child::describe);
            ChildJvm.Result rescan = cli(jdk, work, "rescan", pid, "--json");
            ok(rescan);
            Map<String, Object> rescanJson = MiniJson.object(rescan.stdout());
            assertAll(rescanJson.toString(),
                    () -> assertEquals("1002", ((Map<?, ?>) rescanJson.get("current")).get("label")),
                    () -> assertEquals(true, rescanJson.get("changed")));
            assertEquals("1002", magic(child), () -> "the next task runs the rescanned code\n" + child.describe());

            ChildJvm.Result packages = cli(jdk, work, "packages", pid);
            ok(packages);
            assertEquals(List.of("swappable  cli.mod", "shared     none"), packages.stdoutLines(), packages::describe);
            // A package nothing has loaded yet can become swappable; one the shell was linked against cannot.
            ChildJvm.Result added = cli(jdk, work, "packages", pid, "--add-swappable", "cli.extra");
            ok(added);
            assertEquals(List.of("added swappable package cli.extra", "swappable  cli.mod, cli.extra", "shared     none"),
                    added.stdoutLines(), added::describe);
            ChildJvm.Result removal = cli(jdk, work, "packages", pid, "--remove-swappable", "cli.mod");
            assertAll(removal.describe(),
                    () -> assertEquals(1, removal.exitCode()),
                    () -> assertEquals("", removal.stdout()),
                    () -> assertEquals(1, removal.stderrLines().size(), "one line"),
                    () -> assertTrue(removal.stderr().startsWith("modulets: removeSwappablePackage cli.mod refused: "),
                            "says what was refused"),
                    () -> assertTrue(removal.stderr().contains(" is loaded"), "and why: a class of it is loaded"));
            Map<String, Object> lists = json(cli(jdk, work, "packages", pid, "--json"));
            assertEquals(Map.of("swappablePackages", List.of("cli.mod", "cli.extra"), "sharedPackages", List.of()), lists);
            assertEquals("1002", magic(child), () -> "the refused change changed nothing\n" + child.describe());

            // A canary: at 100% every new root task runs it; status shows it; abort; then a promoted one.
            ChildJvm.Result canary = cli(jdk, work, "activate", pid, "--canary", "100%", "--abort-margin", "5%",
                    versions.resolve("magic-1001.jar").toString());
            ok(canary);
            assertTrue(canary.stdout().matches("generation \\d+ \\(1001, [0-9a-f]{12}\\) is a canary for 100% of new root"
                    + " tasks \\(generation \\d+ stays current; abort above the current generation's failure,"
                    + " thrown-exception, 5xx or failed-job rate \\+ 5% \\(99% confidence\\)"
                    + " after 100 ended tasks\\)\n"), canary::describe);
            assertEquals("1001", magic(child), () -> "a root task draws the canary\n" + child.describe());
            ChildJvm.Result canaryStatus = cli(jdk, work, "status", pid);
            ok(canaryStatus);
            assertTrue(canaryStatus.stdout().contains("\ncanary          generation "), canaryStatus::describe);
            assertTrue(canaryStatus.stdout().contains(" (1001, "), canaryStatus::describe);
            ChildJvm.Result second = cli(jdk, work, "activate", pid, versions.resolve("magic-1000.jar").toString());
            assertAll(second.describe(),
                    () -> assertEquals(1, second.exitCode()),
                    () -> assertEquals(1, second.stderrLines().size(), "one line"),
                    () -> assertTrue(second.stderr().contains(" is a canary: promote or abort it first"), "says why"));
            ChildJvm.Result abort = cli(jdk, work, "abort", pid);
            ok(abort);
            assertTrue(abort.stdout().matches("canary generation \\d+ \\(1001, [0-9a-f]{12}\\) aborted \\(generation \\d+"
                    + " \\(1002, [0-9a-f]{12}\\) stays current\\)\n"), abort::describe);
            assertEquals("1002", magic(child), () -> "no new root task gets an aborted canary\n" + child.describe());
            ok(cli(jdk, work, "activate", pid, "--canary", "100%", versions.resolve("magic-1000.jar").toString()));
            ChildJvm.Result policy = cli(jdk, work, "canary-policy", pid, "off");
            ok(policy);
            assertTrue(policy.stdout().matches("canary generation \\d+ \\(1000, [0-9a-f]{12}\\): no automatic abort\n"),
                    policy::describe);
            ChildJvm.Result promote = cli(jdk, work, "promote", pid);
            ok(promote);
            assertTrue(promote.stdout().matches("generation \\d+ \\(1000, [0-9a-f]{12}\\) is current \\(was \\d+\\)\n"),
                    promote::describe);
            assertEquals("1000", magic(child), () -> "the promoted canary is current\n" + child.describe());
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aJmxServiceUrlWithALogin(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(versions.resolve("magic-1000.jar"), modules.resolve("magic.jar"));
        Path passwordFile = Files.writeString(work.resolve("password"), "s3cret\n");
        Path wrongPasswordFile = Files.writeString(work.resolve("wrong-password"), "guess\n");
        try (InteractiveJvm child = InteractiveJvm.start(ChildJvm.on(jdk)
                .agent("packages=cli.mod,modules=" + modules + ",watch=false,store=" + work.resolve("store"))
                .jvmOptions("-Dcli.jmx.user=ops", "-Dcli.jmx.password=s3cret")
                .classpath(shellJar).mainClass("cli.App"), work, "server")) {
            String url = child.expect("JMX ", LINE).substring("JMX ".length());
            child.expect("READY ", LINE);

            ChildJvm.Result status = cli(jdk, work, "status", url, "--user", "ops", "--password-file", passwordFile.toString());
            ok(status);
            assertEquals(url, status.stdoutLines().get(0), status::describe);

            ChildJvm.Result relative = cli(jdk, work, "activate", url, "--user", "ops", "--password-file", passwordFile.toString(),
                    "magic-1001.jar");
            assertAll(relative.describe(),
                    () -> assertEquals(2, relative.exitCode(), "a jar that is not here is a usage error"),
                    () -> assertTrue(relative.stderrLines().get(0).startsWith(
                            "modulets: JAR magic-1001.jar: no such file here (for a JMX service URL the CLI reads the"
                                    + " jar and sends its bytes)")));

            ChildJvm.Result activate = cli(jdk, work, "activate", url, "--user", "ops", "--password-file", passwordFile.toString(),
                    versions.resolve("magic-1001.jar").toString());
            ok(activate);
            assertTrue(activate.stdout().matches("generation 2 \\(1001, [0-9a-f]{12}\\) is current \\(was 1\\)\n"),
                    activate::describe);
            assertEquals("1001", magic(child), () -> "the next task runs the activated code\n" + child.describe());

            for (List<String> login : List.of(List.<String>of(), List.of("--user", "ops", "--password-file", wrongPasswordFile.toString()))) {
                List<String> args = new java.util.ArrayList<>(List.of("rollback", url));
                args.addAll(login);
                ChildJvm.Result refused = cli(jdk, work, args.toArray(String[]::new));
                assertAll(refused.describe(),
                        () -> assertEquals(1, refused.exitCode(), "a failed login is a failure"),
                        () -> assertEquals(1, refused.stderrLines().size(), "one line"),
                        () -> assertTrue(refused.stderr().startsWith("modulets: cannot connect to " + url + ": "), "says what failed"),
                        () -> assertTrue(refused.stderr().contains("Authentication failed"), "and why"));
            }
            assertEquals("1001", magic(child), () -> "no rollback happened\n" + child.describe());
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void listShowsJvmsWithTheAgentAndNotOthers(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        try (InteractiveJvm withAgent = server(jdk, work);
             InteractiveJvm plain = InteractiveJvm.start(ChildJvm.on(jdk).classpath(shellJar, versions.resolve("magic-1000.jar"))
                     .mainClass("cli.App"), work, "plain")) {
            plain.expect("READY ", LINE);
            ChildJvm.Result list = cli(jdk, work, "list");
            ok(list);
            assertAll(list.describe(),
                    () -> assertEquals("PID  AGENT  COMMAND", list.stdoutLines().get(0).replaceAll(" +", "  ").strip()),
                    () -> assertTrue(list.stdoutLines().stream().anyMatch(l -> l.strip().matches(
                            withAgent.pid() + " +" + java.util.regex.Pattern.quote(Artifacts.version()) + " +cli\\.App")),
                            "a row for the child with the agent"),
                    () -> assertFalse(list.stdout().contains(" " + plain.pid() + " ") || list.stdout().startsWith(plain.pid() + " "),
                            "no row for the child without it"));

            Map<String, Object> listJson = json(cli(jdk, work, "list", "--json"));
            List<?> jvms = (List<?>) listJson.get("jvms");
            assertTrue(jvms.contains(Map.of("pid", withAgent.pid(), "agentVersion", Artifacts.version(), "command", "cli.App")),
                    listJson::toString);
            assertTrue(jvms.stream().noneMatch(j -> ((Map<?, ?>) j).get("pid").equals(plain.pid())), listJson::toString);

            ChildJvm.Result verbose = cli(jdk, work, "list", "--verbose");
            assertEquals(0, verbose.exitCode(), verbose::describe);
            assertTrue(verbose.stderrLines().contains("skipped " + plain.pid() + " (cli.App): does not run the modulets agent"),
                    verbose::describe);

            ChildJvm.Result notAnAgent = cli(jdk, work, "status", Long.toString(plain.pid()));
            assertAll(notAnAgent.describe(),
                    () -> assertEquals(1, notAnAgent.exitCode()),
                    () -> assertEquals(List.of("modulets: JVM " + plain.pid() + " (cli.App) does not run the modulets agent"),
                            notAnAgent.stderrLines()));
            assertEquals("1000", magic(plain), "the plain JVM runs on, and still answers");
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aPidThatIsNoAttachableJvmIsOneLineAndExitOneAndTheProcessIsLeftAlone(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        // Attaching signals the target (SIGQUIT), which would kill a process that is not a JVM:
        // the CLI must not even try.
        Process sleeper = new ProcessBuilder("sleep", "120").redirectErrorStream(true)
                .redirectOutput(work.resolve("sleep.txt").toFile()).start();
        try {
            ChildJvm.Result notAJvm = cli(jdk, work, "status", Long.toString(sleeper.pid()));
            assertAll(notAJvm.describe(),
                    () -> assertEquals(1, notAJvm.exitCode()),
                    () -> assertEquals(List.of("modulets: process " + sleeper.pid() + " is not a JVM this user can attach to"
                            + " (the Attach API lists the JVMs of the same user; not one started with -XX:-UsePerfData)"),
                            notAJvm.stderrLines()),
                    () -> assertTrue(sleeper.isAlive(), "the process is left alone"));
        } finally {
            sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // A pid with no process behind it: Linux pids never exceed 2^22 (PID_MAX_LIMIT).
        long noProcess = Integer.MAX_VALUE;
        assertFalse(ProcessHandle.of(noProcess).isPresent());
        ChildJvm.Result missing = cli(jdk, work, "generations", Long.toString(noProcess));
        assertAll(missing.describe(),
                () -> assertEquals(1, missing.exitCode()),
                () -> assertEquals(List.of("modulets: no process with pid " + noProcess), missing.stderrLines()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void versionPrintsTheVersion(Jdk jdk, TestInfo info) {
        ChildJvm.Result r = cli(jdk, WorkDirs.forTest(info), "--version");
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode(), "exit code"),
                () -> assertEquals("modulets " + Artifacts.version(), r.stdout().strip(), "--version prints exactly this"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void helpExplainsTheJavaagentUseAndEveryCommandHasHelp(Jdk jdk, TestInfo info) {
        Path work = WorkDirs.forTest(info);
        ChildJvm.Result r = cli(jdk, work, "--help");
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode(), "exit code"),
                () -> assertTrue(r.stdout().contains("-javaagent"), () -> "--help mentions -javaagent"));
        for (String command : COMMANDS) {
            ChildJvm.Result help = cli(jdk, work, command, "--help");
            assertAll(help.describe(),
                    () -> assertEquals(0, help.exitCode(), "exit code"),
                    () -> assertTrue(help.stdout().startsWith("Usage: modulets " + command), "its usage"));
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void usageErrorsExitTwo(Jdk jdk, TestInfo info) {
        Path work = WorkDirs.forTest(info);
        ChildJvm.Result unknown = cli(jdk, work, "--no-such-option");
        assertEquals(2, unknown.exitCode(), () -> "exit code 2 means a usage error\n" + unknown.describe());
        ChildJvm.Result badJvm = cli(jdk, work, "status", "not-a-jvm");
        assertAll(badJvm.describe(),
                () -> assertEquals(2, badJvm.exitCode()),
                () -> assertTrue(badJvm.stderrLines().get(0).endsWith(
                        "'not-a-jvm' is neither a pid (1234) nor a JMX service URL (service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi)")),
                () -> assertEquals("", badJvm.stdout()));
        ChildJvm.Result noJar = cli(jdk, work, "activate", "1234");
        assertEquals(2, noJar.exitCode(), noJar::describe);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void completionPrintsAScriptThatBashAccepts(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        ChildJvm.Result r = cli(jdk, work, "completion");
        ok(r);
        Path script = Files.writeString(work.resolve("modulets-completion.bash"), r.stdout());
        assertTrue(r.stdout().contains("complete -F _complete_modulets"), r::describe);
        assertEquals("", bash(work, "-n", script.toString()), "bash -n accepts it");
        // And it completes: what bash does on TAB after "modulets re" and "modulets packages 1 --add-s".
        assertEquals("rescan", bash(work, "-c", complete(script, "modulets", "re")));
        assertEquals("rollback rollout", bash(work, "-c", complete(script, "modulets", "rol")));
        assertEquals("--add-swappable --add-shared", bash(work, "-c", complete(script, "modulets", "packages", "1", "--add-s")));
    }

    /** A bash command that sources the script and prints the completions of the last word. */
    private static String complete(Path script, String... words) {
        String line = String.join(" ", words);
        return "source '" + script + "' 2>/dev/null; COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=" + line.length()
                + "; _complete_modulets 2>/dev/null; echo \"${COMPREPLY[*]}\"";
    }

    /** Runs bash; returns its output (stdout and stderr) stripped, failing unless it exits 0 within 30 s. */
    private static String bash(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash"));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "bash", ".txt");
        Process bash = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        bash.getOutputStream().close();
        if (!bash.waitFor(30, TimeUnit.SECONDS)) {
            bash.destroyForcibly();
            fail(String.join(" ", command) + " did not end within 30 s");
        }
        String out = Files.readString(output);
        assertEquals(0, bash.exitValue(), () -> String.join(" ", command) + ":\n" + out);
        return out.strip();
    }

    private static Map<String, Object> json(ChildJvm.Result r) {
        ok(r);
        return MiniJson.object(r.stdout());
    }

    private static Map<Object, Object> pick(Map<?, ?> map, String... keys) {
        Map<Object, Object> picked = new java.util.HashMap<>();
        for (String key : keys) {
            picked.put(key, map.get(key));
        }
        return picked;
    }

    private static String magic(int magic) {
        return "package cli.mod;\n"
                + "public final class Magic {\n"
                + "    private Magic() {}\n"
                + "    public static int get() { return " + magic + "; }\n"
                + "}\n";
    }

    private static String read(String resource) throws IOException {
        return AppSources.read(APP + resource);
    }
}
