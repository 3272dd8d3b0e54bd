package io.modulets.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.modulets.testkit.ChildJvm;

/**
 * A child JVM that keeps running while the test talks to it: commands go to its stdin, its stdout
 * lines are read as they come (stderr goes to a file). {@link #close} ends it (end of stdin, then
 * killed if it does not exit within seconds), so a test leaves no JVM behind.
 */
final class RunningChild implements AutoCloseable {
    static final Duration LINE_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Path stderr;
    private final List<String> command;

    private RunningChild(Process process, Path stderr, List<String> command) {
        this.process = process;
        this.stderr = stderr;
        this.command = command;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(reading stdout failed: " + e + ")");
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static RunningChild start(ChildJvm child, Path dir, String name) throws IOException {
        List<String> command = child.command();
        Path err = Files.createDirectories(dir).resolve(name + ".stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        return new RunningChild(pb.start(), err, command);
    }

    long pid() {
        return process.pid();
    }

    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            fail("cannot write '" + line + "' to the child: " + e + "\n" + describe());
        }
    }

    /** The next line that matches, skipping others (they stay in {@link #describe}); fails after a minute. */
    String await(Predicate<String> wanted, String what) {
        long deadline = System.nanoTime() + LINE_TIMEOUT.toNanos();
        try {
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    return fail("the child printed no " + what + " within " + LINE_TIMEOUT.toSeconds() + " s\n" + describe());
                }
                synchronized (seen) {
                    seen.add(line);
                }
                if (wanted.test(line)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while waiting for " + what);
        }
    }

    String awaitPrefix(String prefix) {
        return await(l -> l.startsWith(prefix), "line starting '" + prefix + "'");
    }

    /** Sends {@code command} and returns the answer line that starts with {@code answer}. */
    String ask(String command, String answer) {
        send(command);
        return awaitPrefix(answer);
    }

    String describe() {
        String err;
        try {
            err = Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            err = "(cannot read " + stderr + ": " + e + ")";
        }
        synchronized (seen) {
            return "child: " + String.join(" ", command) + (process.isAlive() ? "" : "\nexit code: " + process.exitValue())
                    + "\n----- child stdout (read so far) -----\n" + String.join("\n", seen) + "\n" + String.join("\n", lines)
                    + "\n----- child stderr -----\n" + err + "------------------";
        }
    }

    @Override
    public void close() {
        try {
            stdin.close(); // the app ends at the end of stdin
        } catch (IOException ignored) {
            // it is being killed below if it does not end
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
