package ct;

import static itkit.Operator.*;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.Notification;
import javax.management.ObjectName;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import ct.mod.Work;

/**
 * The child of CanaryThrownIT: an application whose pool tasks call the swappable code and, as every server
 * and job framework does, catch whatever it throws ({@code catch (Throwable t)}), so no task ever fails.
 * Drives the agent through its own platform MBean server, as an operator's JMX client would, and prints one
 * line per observation; the IT judges them. Root tasks are submitted by the main thread, which runs no task;
 * every wait is bounded and a timeout is a line starting "FAILED". Releases are deployed through the modules
 * directory (MODULES) with {@code canary=50%} in the agent arguments; the canary policy is the agent's too.
 * <ol>
 * <li>A good release (DIR/good.jar) that fails one call in ten, as generation 1 does, runs as a 50% canary
 * for {@code TASKS} tasks and is not aborted; the operator promotes it.</li>
 * <li>A release whose every call throws (DIR/bad.jar) runs as a 50% canary beside it until the agent aborts
 * it by itself.</li>
 * </ol>
 * Each call goes shell task → {@code Work.run(next)} → the task's lambda {@code next} (shell code) →
 * {@code Work.inner()}: an exception of {@code inner()} crosses two boundary sites before the task catches it.
 */
public final class App {
    static final int TASKS = 10_000;
    static final int BATCH = 20;

    public static void main(String[] args) throws Exception {
        start(args);
        Recording recording = new Recording();
        recording.enable("modulets.CanaryAbort");
        recording.start();
        say("policy " + SERVER.getAttribute(MANAGER, "CanaryPolicy"));
        good();
        bad();
        recording.stop();
        Path file = dir.resolve("thrown-" + ProcessHandle.current().pid() + ".jfr");
        recording.dump(file);
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (event.getEventType().getName().equals("modulets.CanaryAbort")) {
                say("jfr generation " + event.getInt("generation") + " current " + event.getInt("currentGeneration")
                        + " reason " + event.getString("reason"));
            }
        }
        recording.close();
        say("done");
    }

    static void good() throws Exception {
        int canary = canary("good.jar");
        say("good canary " + canary);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicLong caught = new AtomicLong();
        Notification abort = null;
        for (int done = 0; done < TASKS && abort == null; done += BATCH) {
            batch(pool, caught);
            abort = poll("io.modulets.canary.abort", 0);
        }
        quiesce(pool); // every run has ended and is counted
        if (abort == null) {
            // The watch judged it every 100 ms while the tasks ran; this gives it a last look at the final counts.
            abort = poll("io.modulets.canary.abort", 1);
        }
        say("good caught " + caught.get() + " of " + TASKS);
        say("good aborted " + (abort == null ? "no" : abort.getMessage()));
        say("good canary now " + SERVER.getAttribute(MANAGER, "Canary") + " state " + state(canary));
        say("good " + outcomes(1));
        say("good " + outcomes(canary));
        say("good promoted " + SERVER.invoke(MANAGER, "promote", new Object[0], new String[0]));
    }

    static void bad() throws Exception {
        int canary = canary("bad.jar");
        say("bad canary " + canary);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicLong caught = new AtomicLong();
        Notification abort = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (abort == null && System.nanoTime() < deadline) {
            batch(pool, caught);
            abort = poll("io.modulets.canary.abort", 0);
        }
        quiesce(pool);
        say("bad notification "
                + (abort == null ? "FAILED none" : abort.getMessage() + " data " + abort.getUserData()));
        say("bad canary now " + SERVER.getAttribute(MANAGER, "Canary") + " current "
                + SERVER.getAttribute(MANAGER, "CurrentGeneration"));
        say("bad caught " + caught.get());
        say("bad " + outcomes(canary));
        say("bad " + outcomes(2));
    }

    /** {@code BATCH} root tasks that call the swappable code and catch what it throws; waits for them. */
    static void batch(ExecutorService pool, AtomicLong caught) {
        CountDownLatch done = new CountDownLatch(BATCH);
        for (int i = 0; i < BATCH; i++) {
            pool.execute(() -> {
                try {
                    Work.run(() -> Work.inner());
                } catch (Throwable t) {
                    caught.incrementAndGet(); // "log it": the task goes on and ends normally
                } finally {
                    done.countDown();
                }
            });
        }
        await(done);
    }
    /** A generation's outcomes as its MBean shows them. */
    static String outcomes(int generation) throws Exception {
        ObjectName name = generation(generation);
        return "generation " + generation + " completed " + SERVER.getAttribute(name, "TasksCompleted")
                + " failed " + SERVER.getAttribute(name, "TasksFailed")
                + " thrown " + SERVER.getAttribute(name, "ExceptionsThrown")
                + " throwing " + SERVER.getAttribute(name, "TasksThrowing")
                + " classes " + Arrays.toString((String[]) SERVER.getAttribute(name, "ThrownExceptions"));
    }

    static void quiesce(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)) {
            say("FAILED the pool did not terminate");
            throw new IllegalStateException("timeout");
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                say("FAILED a latch was not released within " + WAIT_SECONDS + " s");
                throw new IllegalStateException("timeout");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
