package sv;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * What every server of ServersIT runs for a request or job: it reads the swappable version at its
 * start and at its end; a unit named hold-* waits in between until the test releases it. The test
 * drives the child through stdin: "release ID", "gc", "ping".
 */
public final class Gates {
    private static final ConcurrentHashMap<String, CountDownLatch> GATES = new ConcurrentHashMap<>();
    /** Stdin closed: the test is over, and nothing it held must keep the JVM from ending. */
    private static volatile boolean over;

    private Gates() {
    }

    public static String serve(String id) throws InterruptedException {
        String start = hold(id, sv.mod.Version.version());
        String end = sv.mod.Version.version();
        return "start=" + start + " end=" + end;
    }

    /**
     * The same, in continuations: the version is read on the request's thread, again after a delay, the unit
     * holds in a later step, and the end is read after another delay, each step run by the JDK's delayed
     * executor on the application's {@code pool}, the whole under an {@code orTimeout}. A step that read
     * another version than the first shows as "first/other".
     */
    public static CompletableFuture<String> serveInContinuations(String id, Executor pool) {
        Executor later = CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS, pool);
        String first = sv.mod.Version.version();
        return CompletableFuture.supplyAsync(() -> same(first, sv.mod.Version.version()), later)
                .thenApplyAsync(start -> held(id, start), later)
                .thenApplyAsync(start -> "start=" + start + " end=" + sv.mod.Version.version(), later)
                .orTimeout(150, TimeUnit.SECONDS);
    }

    /** {@code first}, or "first/other" when a later step read {@code other}. */
    public static String same(String first, String other) {
        return first.equals(other) ? first : first + "/" + other;
    }

    /** {@link #hold} for a step that cannot throw a checked exception. */
    public static String held(String id, String start) {
        try {
            return hold(id, start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(id + " interrupted", e);
        }
    }

    /** A unit named hold-* says it holds, with the version it started on, and waits for the test's release. */
    static String hold(String id, String start) throws InterruptedException {
        if (id.startsWith("hold")) {
            System.out.println("holding " + id + " start=" + start + " on " + Thread.currentThread().getName());
            if (!gate(id).await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(id + " was never released");
            }
        }
        return start;
    }

    private static CountDownLatch gate(String id) {
        CountDownLatch gate = GATES.computeIfAbsent(id, key -> new CountDownLatch(1));
        if (over) {
            gate.countDown();
        }
        return gate;
    }

    /**
     * Reads the test's commands until stdin closes; {@code other} gets the commands of the app's own. When
     * stdin closes (the test ended, maybe with a unit still held: a story that fails before its release),
     * every unit held, or held later, is released, so that the server stops and the JVM ends at once.
     */
    public static void commands(java.util.function.Consumer<String> other) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("release ")) {
                gate(line.substring("release ".length())).countDown();
                System.out.println("released");
            } else if (line.equals("gc")) {
                System.gc();
                System.out.println("gc done");
            } else if (line.equals("ping")) {
                System.out.println("pong");
            } else {
                other.accept(line);
            }
        }
        over = true;
        GATES.values().forEach(CountDownLatch::countDown);
    }
}
