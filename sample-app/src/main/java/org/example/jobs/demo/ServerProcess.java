package org.example.jobs.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job server's child JVM, seen from the demo: started, its port read from its first line,
 * its output kept, and always ended — by {@code POST /stop}, else killed. Every wait is bounded.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private final List<String> command;
    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread outReader;
    private final Thread errReader;
    /** Should the demo be stopped (Ctrl-C), its server goes with it. */
    private final Thread killOnExit;

    private ServerProcess(List<String> command) throws IOException {
        this.command = List.copyOf(command);
        ProcessBuilder pb = new ProcessBuilder(command);
        // "Picked up JAVA_TOOL_OPTIONS" lines and foreign agents have no place in the demo.
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        process = pb.start();
        process.getOutputStream().close();
        outReader = reader(process.getInputStream(), out, "server-stdout");
        errReader = reader(process.getErrorStream(), err, "server-stderr");
        killOnExit = new Thread(process::destroyForcibly, "kill-job-server");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    static ServerProcess start(List<String> command) throws IOException {
        return new ServerProcess(command);
    }

    List<String> command() {
        return command;
    }

    long pid() {
        return process.pid();
    }

    /** The HTTP port the server printed; fails with its output if it does not come in time. */
    int awaitPort(Duration timeout) throws IOException, InterruptedException {
        try {
            return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the job server did not say where it listens within " + timeout.toSeconds() + " s\n" + output());
        } catch (ExecutionException e) {
            process.waitFor(5, TimeUnit.SECONDS);
            throw new IOException("the job server ended its output before it listened"
                    + (process.isAlive() ? "" : " (exit code " + process.exitValue() + ")") + "\n" + output());
        }
    }

    /** Waits for the exit (after {@code /stop}); kills the process tree on time-out. Returns the exit code, -1 if killed. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            return -1;
        }
        outReader.join(TimeUnit.SECONDS.toMillis(5));
        errReader.join(TimeUnit.SECONDS.toMillis(5));
        return process.exitValue();
    }

    List<String> stdout() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    List<String> stderr() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    String output() {
        return "----- job server stdout -----\n" + String.join("\n", stdout())
                + "\n----- job server stderr -----\n" + String.join("\n", stderr());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private Thread reader(InputStream stream, List<String> lines, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, Charset.defaultCharset()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (lines == out && m.matches()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                synchronized (lines) {
                    lines.add("(reading the job server's output failed: " + e + ")");
                }
            } finally {
                port.completeExceptionally(new IOException("the job server's output ended"));
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
