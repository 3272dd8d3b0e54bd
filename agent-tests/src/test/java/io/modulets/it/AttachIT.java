package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * Loading the agent into a running JVM fails to the caller: the attach API's {@code loadAgent}
 * throws, jcmd's {@code JVMTI.agent_load} reports a non-zero return code, the target's stderr has the one
 * line that says why, and the target runs on untouched.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AttachIT {
    private static final String LINE = "modulets: the agent cannot be attached to a running JVM; start the JVM with"
            + " -javaagent:modulets-agent.jar=...";
    private static Path targetJar;
    private static Path loaderJar;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(AttachIT.class);
        // Answers each line of stdin with PONG; ends at the end of stdin.
        targetJar = new JarBuilder().source("attach.Target", """
                package attach;
                public class Target {
                    public static void main(String[] args) throws Exception {
                        System.out.println("READY");
                        var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
                        for (String line; (line = in.readLine()) != null; ) System.out.println("PONG " + line);
                    }
                }
                """).build(dir.resolve("target.jar"));
        // Loads the agent into the JVM of the given pid with the attach API; if that throws: exit code 3.
        loaderJar = new JarBuilder().source("attach.Loader", """
                package attach;
                import com.sun.tools.attach.VirtualMachine;
                public class Loader {
                    public static void main(String[] args) throws Exception {
                        VirtualMachine vm = VirtualMachine.attach(args[0]);
                        try {
                            vm.loadAgent(args[1], "packages=attach.mod");
                            System.out.println("LOADED");
                        } catch (Exception e) {
                            System.out.println("THREW " + e);
                            System.exit(3);
                        } finally {
                            vm.detach();
                        }
                    }
                }
                """).build(dir.resolve("loader.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void loadingTheAgentIntoARunningJvmFailsToTheCallerWithTheLineInTheTarget(Jdk jdk, TestInfo info)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Duration wait = Duration.ofSeconds(60);
        try (InteractiveJvm target = InteractiveJvm.start(ChildJvm.on(jdk).jvmOptions("-XX:+EnableDynamicAgentLoading")
                .classpath(targetJar).mainClass("attach.Target"), work, "target")) {
            target.expect("READY", wait);
            String pid = Long.toString(target.pid());
            String agent = Artifacts.agentJar().toString();

            ChildJvm.Result api = ChildJvm.on(jdk).classpath(loaderJar).mainClass("attach.Loader").args(pid, agent)
                    .outputIn(work).name("loader").run();
            ChildJvm.Result jcmd = jcmd(jdk, work, pid, agent);
            target.send("ping");
            target.expect("PONG ping", wait);

            List<String> lines = target.stderrLines().stream().filter(l -> l.startsWith("modulets: ")).toList();
            assertAll(api.describe() + "\n" + jcmd.describe() + "\n" + target.describe(),
                    () -> assertEquals(3, api.exitCode(), "loadAgent threw"),
                    () -> assertTrue(api.stdout().contains("THREW com.sun.tools.attach.AgentInitializationException"),
                            "the attach API's exception for an agent that failed"),
                    () -> assertTrue(jcmd.stdout().matches("(?s).*return code: \\d+.*"), "jcmd's answer"),
                    () -> assertNotEquals(0, returnCode(jcmd.stdout()), "a non-zero return code"),
                    () -> assertEquals(List.of(LINE, LINE), lines, "the line, once per attempt, in the target"));
        }
    }

    private static ChildJvm.Result jcmd(Jdk jdk, Path work, String pid, String agent) throws IOException,
            InterruptedException {
        Path out = work.resolve("jcmd.stdout.txt");
        Process p = new ProcessBuilder(jdk.home().resolve("bin/jcmd").toString(), pid, "JVMTI.agent_load", agent)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jcmd ends");
        String stdout = java.nio.file.Files.readString(out);
        return new ChildJvm.Result(List.of("jcmd", pid, "JVMTI.agent_load", agent), p.exitValue(), stdout, "",
                Duration.ZERO);
    }

    private static int returnCode(String jcmdOutput) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("return code: (-?\\d+)").matcher(jcmdOutput);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
