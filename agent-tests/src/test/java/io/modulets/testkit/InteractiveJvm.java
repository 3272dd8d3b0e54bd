package io.modulets.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A child JVM that runs while the test talks to it: commands go to its stdin one per line, and
 * {@link #expect} waits (bounded) for a line of its stdout. Its stderr (the agent's log) goes to a
 * file. {@link #close} ends it and leaves no process behind.
 *
 * <pre>{@code
 * try (InteractiveJvm child = InteractiveJvm.start(ChildJvm.on(jdk).agent(...).mainClass(...), work, "child")) {
 *     child.send("version");
 *     child.expect("version 1");
 * }
 * }</pre>
 */
public final class InteractiveJvm implements AutoCloseable {
    private final Process process;
    private final Path err;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final List<String> command;

    private InteractiveJvm(Process process, Path err, List<String> command) {
        this.process = process;
        this.err = err;
        this.command = command;
        this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::read, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code child} (its stdin and stdout are ours); stderr goes to {@code <name>.stderr.txt} in {@code dir}. */
    public static InteractiveJvm start(ChildJvm child, Path dir, String name) throws IOException {
        List<String> cmd = child.command();
        Path err = Files.createDirectories(dir).resolve(name + ".stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        env.putAll(child.environment());
        return new InteractiveJvm(pb.start(), err, cmd);
    }

    public long pid() {
        return process.pid();
    }

    /** Sends one command line. */
    public void send(String line) throws IOException {
        in.write(line + "\n");
        in.flush();
    }

    /** Waits for the next stdout line that starts with {@code prefix} (other lines are skipped) and returns it. */
    public String expect(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                return fail("no line starting with [" + prefix + "] within " + timeout.toSeconds() + " s\n" + describe());
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /**
     * Everything for a failure message: the command, stdout so far, the agent's log. The lines are copied under the
     * list's lock: the reader thread adds to it meanwhile (joining it unlocked threw ConcurrentModificationException).
     */
    public String describe() {
        String log;
        try {
            log = Files.exists(err) ? Files.readString(err) : "";
        } catch (IOException e) {
            log = e.toString();
        }
        return "command: " + String.join(" ", command) + "\n----- stdout -----\n" + String.join("\n", List.copyOf(seen))
                + "\n----- stderr -----\n" + log + "\n------------------";
    }

    /**
     * Waits (bounded) until the agent's log (stderr, or stdout where the application's logging took
     * the agent's records) has a line matching {@code regex}. Between looks it sends
     * {@code ask} and waits for the child's line starting with {@code answer}: the round trip paces the
     * wait (the child answers once it has run a task), no sleep.
     */
    public void awaitLog(String regex, String ask, String answer, Duration timeout)
            throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            // stdout too: an application whose logging takes over the JDK's (Spring Boot's) logs the
            // agent's records with its own
            if (stderrLines().stream().anyMatch(l -> pattern.matcher(l).find())
                    || List.copyOf(seen).stream().anyMatch(l -> pattern.matcher(l).find())) {
                return;
            }
            send(ask);
            expect(answer, timeout);
        }
        fail("no log line matching [" + regex + "] within " + timeout.toSeconds() + " s\n" + describe());
    }

    /** Every line so far, stdout's then stderr's: where an application's logging takes the agent's records too. */
    public List<String> allLines() throws IOException {
        List<String> all = new java.util.ArrayList<>(List.copyOf(seen));
        all.addAll(stderrLines());
        return all;
    }

    /** The agent's log so far. */
    public List<String> stderrLines() throws IOException {
        return Files.readAllLines(err);
    }

    private void read() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                seen.add(line);
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(stdout closed: " + e + ")");
        }
    }

    /** Closes stdin (the child's signal to exit), waits up to 10 s, then kills it and its children. */
    @Override
    public void close() throws InterruptedException {
        try {
            in.close();
        } catch (IOException ignored) {
            // it may be gone already
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            // said, because the 10 s are lost on every test: the child's app should end when its stdin closes
            System.err.println("a child JVM did not end within 10 s of its stdin closing, killed: " + err.getParent());
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
