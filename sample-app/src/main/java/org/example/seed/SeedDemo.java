package org.example.seed;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The magic-number demo of the Python modulets experiment: {@code java -cp sample-app/target/modulets-sample.jar org.example.seed.SeedDemo}
 * (the jar's main class is the job-server demo, {@link org.example.jobs.demo.JobDemo}).
 *
 * <p>Compiles four versions of {@code MagicModule}, then runs {@link SeedApp} in a child JVM
 * twice: with the modulets agent (every task gets the number current when it was started) and
 * without it (the same command line less {@code -javaagent}: the tasks see the old code).
 * Exit code 0 when the first run passed and the second failed as expected.
 */
public final class SeedDemo {
    static final String SWAPPABLE = "org.example.magic";
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    private SeedDemo() {
    }

    /** What one child JVM did. */
    record Run(int exitCode, List<String> lines) {
        long count(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).count();
        }
    }

    public static void main(String[] args) throws Exception {
        Path sampleJar = runningJar();
        Path agentJar = agentJar(sampleJar);
        if (!Files.isRegularFile(agentJar)) {
            System.err.println("modulets demo: agent jar not found at " + agentJar
                    + ": build it first with mvn -q -DskipTests package (or set -Dmodulets.agent.jar=...)");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("modulets-demo-");
        Path versions = work.resolve("versions");
        MagicVersions.writeAll(versions);
        String java = javaCommand();

        Path modules = freshModules(work.resolve("modules"), versions);
        System.out.println("== with modulets ==");
        Run with = run(List.of(java,
                "-javaagent:" + agentJar + "=packages=" + SWAPPABLE + ",modules=" + modules + ",store=" + work.resolve("store"),
                "-cp", sampleJar + File.pathSeparator + modules.resolve("magic.jar"),
                SeedApp.class.getName(), versions.toString(), modules.toString(), "10000"));

        Path plainModules = freshModules(work.resolve("modules-without-agent"), versions);
        System.out.println();
        System.out.println("== without the agent (the same program) ==");
        Run without = run(List.of(java,
                "-cp", sampleJar + File.pathSeparator + plainModules.resolve("magic.jar"),
                SeedApp.class.getName(), versions.toString(), plainModules.toString(), "300"));

        int tasks = SeedApp.TASKS + 1;
        boolean withPassed = with.exitCode() == 0 && with.count("Passed.") == tasks;
        boolean withoutFailedAsExpected = without.exitCode() == 1 && without.count("Wrong magic number") > 0;
        System.out.println();
        if (withPassed && withoutFailedAsExpected) {
            System.out.println("Summary: with modulets " + with.count("Passed.") + "/" + tasks
                    + " tasks got the magic number current when they were started; without the agent "
                    + without.count("Wrong magic number") + "/" + tasks + " got the old one.");
            MagicVersions.deleteTree(work);
            System.exit(0);
        }
        System.out.println("Summary: FAILED: with modulets: exit " + with.exitCode() + ", " + with.count("Passed.") + "/" + tasks
                + " passed (expected exit 0, all passed); without the agent: exit " + without.exitCode() + ", "
                + without.count("Wrong magic number") + " wrong (expected exit 1, some wrong). Files kept in " + work);
        System.exit(1);
    }

    /** Starts the child, echoes its output (stdout and stderr merged) and waits, bounded. */
    private static Run run(List<String> command) throws IOException, InterruptedException {
        System.out.println("$ " + String.join(" ", command));
        System.out.flush();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        Process child = pb.start();
        child.getOutputStream().close();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread echo = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), Charset.defaultCharset()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                    System.out.println(line);
                    System.out.flush();
                }
            } catch (IOException e) {
                System.out.println("(reading the child's output failed: " + e + ")");
            }
        }, "child-output");
        echo.setDaemon(true);
        echo.start();
        if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
            echo.join(TimeUnit.SECONDS.toMillis(5));
            System.out.println("(the child JVM did not finish within " + CHILD_TIMEOUT_SECONDS + " s: killed)");
            return new Run(-1, List.copyOf(lines));
        }
        echo.join(TimeUnit.SECONDS.toMillis(5));
        return new Run(child.exitValue(), List.copyOf(lines));
    }

    private static Path freshModules(Path dir, Path versions) throws IOException {
        Files.createDirectories(dir);
        Files.copy(versions.resolve("magic-" + MagicVersions.FIRST + ".jar"), dir.resolve("magic.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    /** The jar this class runs from: it is the child's class path (it has no MagicModule in it). */
    private static Path runningJar() throws URISyntaxException {
        Path here = Path.of(SeedDemo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(here)) {
            System.err.println("modulets demo: run it from the jar: java -cp sample-app/target/modulets-sample.jar org.example.seed.SeedDemo (not from " + here + ")");
            System.exit(2);
        }
        return here;
    }

    private static Path agentJar(Path sampleJar) {
        String configured = System.getProperty("modulets.agent.jar");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return sampleJar.getParent().resolve("../../agent/target/modulets-agent.jar").normalize();
    }

    /** The same java as the demo's. */
    private static String javaCommand() {
        Path java = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name").startsWith("Windows") ? "java.exe" : "java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }
}
