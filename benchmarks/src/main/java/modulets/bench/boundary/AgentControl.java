package modulets.bench.boundary;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.ThreadHooks;
import io.modulets.bootstrap.TestSeams;
import io.modulets.bootstrap.GenerationLoader;

/**
 * What the boundary benchmarks ask of the agent, when it runs (setup "modulets"): a second live
 * generation, and running a loop bound to a generation or unbound. Without the agent these do
 * nothing, and nothing here touches the agent's classes.
 */
final class AgentControl {
    private static final String MODULES = System.getProperty("modulets.bench.modules");

    private AgentControl() {
    }

    static boolean active() {
        return MODULES != null;
    }

    /**
     * Deploys a second generation (the same classes plus one jar with a resource of its own, so
     * new content; the forks of one run share the modules directory, so each adds its own jar)
     * and waits until it is current. Generation 1 stays live, as it does in a server while a task
     * bound to it runs: the benchmark's loop is such a task, so it is counted as one (a thread
     * bound with {@code runBound} alone is no task, and generation 1 would retire under it). Returns
     * {@code System.nanoTime()} right after the jar's rename, the operator's deploy (without the agent: now);
     * the wait polls every millisecond.
     */
    static long deploySecondGeneration() throws IOException, InterruptedException {
        return deploySecondGeneration(true);
    }

    /**
     * The same; unless {@code keepFirstLive}, generation 1 has no live task and retires as the
     * second becomes current: what is left of it is what shell state holds (a pinned generation).
     */
    static long deploySecondGeneration(boolean keepFirstLive) throws IOException, InterruptedException {
        if (!active()) {
            return System.nanoTime();
        }
        ClassLoader first = Bindings.current();
        if (keepFirstLive) {
            ((GenerationLoader) first).taskCaptured(); // released when the fork ends
        }
        Path modules = Path.of(MODULES);
        String unique = Long.toString(System.nanoTime());
        Path temp = modules.resolve(".extra-" + unique + ".tmp");
        try (OutputStream file = Files.newOutputStream(temp); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("modulets/bench/swappable/generation-" + unique + ".txt"));
            out.write(unique.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.closeEntry();
        }
        Files.move(temp, modules.resolve("extra-" + unique + ".jar"));
        long renamed = System.nanoTime();
        long deadline = renamed + TimeUnit.SECONDS.toNanos(30);
        while (Bindings.current() == first) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the second generation did not become current");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return renamed;
    }

    /** The generation current now (null without the agent). */
    static ClassLoader current() {
        return active() ? Bindings.current() : null;
    }

    /** Marks a thread that must never be bound: it runs no task, so it follows the current generation. */
    static void neverBind(Thread thread) {
        if (active()) {
            ThreadHooks.neverBind(thread);
        }
    }

    /** Runs {@code body} bound to {@code generation}, or unbound if it is null. */
    static void run(ClassLoader generation, Runnable body) {
        if (!active()) {
            body.run();
        } else if (generation == null) {
            TestSeams.runUnbound(body);
        } else {
            TestSeams.runBound(generation, body);
        }
    }
}
