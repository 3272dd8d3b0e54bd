package io.modulets.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.modulets.testkit.Jdks.Jdk;

/**
 * Starts a child JVM and waits for it, bounded.
 *
 * <pre>{@code
 * ChildJvm.Result r = ChildJvm.on(jdk).agent("packages=org.example.magic")
 *         .classpath(app).mainClass("com.acme.Main").args("x").outputIn(work).run();
 * }</pre>
 *
 * stdout and stderr go to files (no pipe to fill up and deadlock), named after {@link #name}
 * in the output directory. On time-out the process tree is killed and the test fails with
 * whatever the child wrote. The child does not inherit {@code JAVA_TOOL_OPTIONS},
 * {@code JDK_JAVA_OPTIONS} or {@code _JAVA_OPTIONS}: they add "Picked up …" lines to stderr.
 */
public final class ChildJvm {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger RUNS = new AtomicInteger();
    /**
     * Options every child gets first unless it asks for {@link #fullJit}: the system property
     * {@code modulets.child.options}, split at spaces (agent-tests/pom.xml sets it; see there why).
     */
    private static final List<String> COMMON_OPTIONS = Arrays.stream(
            System.getProperty("modulets.child.options", "").trim().split("\\s+"))
            .filter(o -> !o.isEmpty()).toList();

    private final Jdk jdk;
    private String agentArgs;
    private Path agentJar;
    private final List<String> classpath = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private String mainClass;
    private Path jar;
    private String mainModule;
    private final List<String> modulePath = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean fullJit;
    private Path outputDir;
    private String name;
    private final Map<String, String> environment = new java.util.LinkedHashMap<>();

    private ChildJvm(Jdk jdk) {
        this.jdk = Objects.requireNonNull(jdk, "jdk");
    }

    public static ChildJvm on(Jdk jdk) {
        return new ChildJvm(jdk);
    }

    /**
     * Runs with {@code -javaagent:<agent jar>=<args>}; {@code null} (the default) runs without
     * the agent, {@code ""} with the agent and no arguments.
     */
    public ChildJvm agent(String agentArgs) {
        this.agentArgs = agentArgs;
        return this;
    }

    /** Another agent jar than {@link Artifacts#agentJar()}. */
    public ChildJvm agentJar(Path agentJar) {
        this.agentJar = agentJar;
        return this;
    }

    public ChildJvm classpath(Path... entries) {
        Arrays.stream(entries).map(Path::toString).forEach(classpath::add);
        return this;
    }

    public ChildJvm mainClass(String mainClass) {
        this.mainClass = mainClass;
        return this;
    }

    /** Runs {@code java -jar <jar>} instead of a main class. */
    public ChildJvm jar(Path jar) {
        this.jar = jar;
        return this;
    }

    /** Runs {@code --module-path <modules> -m <module/main class>} instead of a main class. */
    public ChildJvm module(String moduleAndMain, Path... modules) {
        this.mainModule = moduleAndMain;
        Arrays.stream(modules).map(Path::toString).forEach(modulePath::add);
        return this;
    }

    public ChildJvm args(Object... args) {
        Arrays.stream(args).map(String::valueOf).forEach(this.args::add);
        return this;
    }

    public ChildJvm jvmOptions(String... options) {
        jvmOptions.addAll(Arrays.asList(options));
        return this;
    }

    /**
     * Runs this child with the JVM's own compiler settings, not the test suite's common options: for tests whose
     * promise involves code the optimising compiler inlined (boundary sites relinked under compiled callers).
     */
    public ChildJvm fullJit() {
        this.fullJit = true;
        return this;
    }

    public ChildJvm timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout);
        return this;
    }

    /** Where {@code <name>.stdout.txt} and {@code <name>.stderr.txt} go (default: a dir under the work root). */
    public ChildJvm outputIn(Path dir) {
        this.outputDir = dir;
        return this;
    }

    /** Sets an environment variable of the child (the rest is inherited, less the JVM option variables). */
    public ChildJvm env(String variable, String value) {
        environment.put(variable, value);
        return this;
    }

    /** The variables given with {@link #env}. */
    public Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    public ChildJvm name(String name) {
        this.name = name;
        return this;
    }

    /** The command line this builder describes. */
    public List<String> command() {
        if ((mainClass != null ? 1 : 0) + (jar != null ? 1 : 0) + (mainModule != null ? 1 : 0) != 1) {
            throw new IllegalStateException("give exactly one of mainClass(...), jar(...) and module(...)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(jdk.java().toString());
        if (!fullJit) {
            cmd.addAll(COMMON_OPTIONS);
        }
        if (agentArgs != null) {
            Path agent = agentJar != null ? agentJar : Artifacts.agentJar();
            cmd.add("-javaagent:" + agent + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
        }
        cmd.addAll(jvmOptions);
        if (!classpath.isEmpty()) {
            cmd.add("-cp");
            cmd.add(String.join(File.pathSeparator, classpath));
        }
        if (!modulePath.isEmpty()) {
            cmd.add("--module-path");
            cmd.add(String.join(File.pathSeparator, modulePath));
        }
        if (jar != null) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else if (mainModule != null) {
            cmd.add("-m");
            cmd.add(mainModule);
        } else {
            cmd.add(mainClass);
        }
        cmd.addAll(args);
        return List.copyOf(cmd);
    }

    /** Runs the child to its end; fails the test (with its output) if it outlives the time-out. */
    public Result run() {
        List<String> cmd = command();
        int run = RUNS.incrementAndGet();
        String base = name != null ? name : "child-" + run;
        try {
            Path dir = Files.createDirectories(outputDir != null ? outputDir : WorkDirs.root().resolve("child-runs"));
            Path out = dir.resolve(base + ".stdout.txt");
            Path err = dir.resolve(base + ".stderr.txt");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            Map<String, String> env = pb.environment();
            env.remove("JAVA_TOOL_OPTIONS");
            env.remove("JDK_JAVA_OPTIONS");
            env.remove("_JAVA_OPTIONS");
            env.putAll(environment);
            long start = System.nanoTime();
            Process process = pb.start();
            boolean exited = false;
            try {
                process.getOutputStream().close();
                exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                if (!exited) {
                    // Timed out, or this thread was interrupted (e.g. by a JUnit @Timeout): leave nothing behind.
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (!exited) {
                boolean gone = process.waitFor(10, TimeUnit.SECONDS);
                Result partial = new Result(cmd, gone ? process.exitValue() : -1, read(out), read(err), elapsed);
                fail("the child JVM did not exit within " + timeout.toSeconds() + " s; killed it" + (gone ? "" : " (it may linger)")
                        + "\n" + partial.describe());
            }
            return new Result(cmd, process.exitValue(), read(out), read(err), elapsed);
        } catch (IOException e) {
            return fail("could not run " + String.join(" ", cmd) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while waiting for " + String.join(" ", cmd), e);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }

    /** What the child did. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {
        public List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        public List<String> stderrLines() {
            return stderr.lines().toList();
        }

        /** The lines of stdout (the program's report; stderr has the logs). */
        public List<String> lines() {
            return stdoutLines();
        }

        /** Everything needed to diagnose a failure from a CI log: command, exit code, both outputs. */
        public String describe() {
            return "command: " + String.join(" ", command)
                    + "\nexit code: " + exitCode + " after " + elapsed.toMillis() + " ms"
                    + "\n----- stdout -----\n" + stdout + (stdout.endsWith("\n") || stdout.isEmpty() ? "" : "\n")
                    + "----- stderr -----\n" + stderr + (stderr.endsWith("\n") || stderr.isEmpty() ? "" : "\n")
                    + "------------------";
        }
    }
}
