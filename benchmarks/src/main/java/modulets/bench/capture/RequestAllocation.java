package modulets.bench.capture;

import java.lang.management.ManagementFactory;
import java.util.Locale;

import io.modulets.bootstrap.Connections;
import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.LiveCount;
import io.modulets.bootstrap.Requests;
import io.modulets.bootstrap.StampedRequest;
import io.modulets.bootstrap.TaskOutcomes;
import io.modulets.bootstrap.TestSeams;

/**
 * Bytes the request hooks allocate per request (docs/PERFORMANCE.md, "Request latency"), read with
 * {@code ThreadMXBean.getThreadAllocatedBytes} around many requests once the code is compiled: a kept request
 * (begun under its key, resumed once, ended with a status read, as Tomcat's) and a call request (bound for its
 * method's call, answered through {@code responded}, as the JDK's HttpServer's), a stamped request (bound for its
 * method's call, its server's own object stamped and counted where the server completes it, as Jetty 12's), an
 * HTTP/2 stream (begun at its first frame, its HEADERS' status kept, ended at its close, as Netty's) and an HTTP/1
 * request of a Netty connection (its head decoded in one event of the connection, its response written in full in
 * another). All are counted and timed. Last, an event of a connection with no request in flight (an event loop's read
 * that decodes nothing, a write's completion): its bytes, and its nanoseconds per enter and exit.
 * The hooks run on the class path, without the agent: the figures are those of the hook code alone.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar:agent/target/modulets-agent.jar modulets.bench.capture.RequestAllocation
 * </pre>
 */
public final class RequestAllocation {
    /** A generation as the hooks see it, counting only. */
    private static final class Generation extends GenerationLoader {
        Generation() {
            super("generation", new java.net.URL[0], ClassLoader.getSystemClassLoader());
        }

        private final TaskOutcomes outcomes = new TaskOutcomes();
        private final LiveCount live = new LiveCount();

        @Override
        public LiveCount live() {
            return live;
        }

        @Override
        public TaskOutcomes outcomes() {
            return outcomes;
        }

        @Override
        public int serial() {
            return 0; // never reached through the boundary
        }
    }

    /** A server's own object of one request with the two fields the agent adds to Jetty 12's core response. */
    private static final class Stamped implements StampedRequest {
        private TaskOutcomes outcomes;
        private long start;

        @Override
        public void modulets$begin(TaskOutcomes outcomes, long start) {
            this.outcomes = outcomes;
            this.start = start;
        }

        @Override
        public TaskOutcomes modulets$end() {
            TaskOutcomes ended = outcomes;
            outcomes = null;
            return ended;
        }

        @Override
        public long modulets$start() {
            return start;
        }

        @Override
        public int modulets$status() {
            return 200;
        }
    }

    private RequestAllocation() {
    }

    public static void main(String[] args) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Generation generation = new Generation();
        TestSeams.setCurrent(generation);
        Requests.statusReader = key -> 200;
        long id = Thread.currentThread().getId();
        int n = 200_000;
        Object[] keys = new Object[n];
        Stamped[] responses = new Stamped[n];
        for (int i = 0; i < n; i++) {
            keys[i] = new Object();
            responses[i] = new Stamped();
        }
        for (int round = 1; round <= 6; round++) { // the first rounds run interpreted or half compiled
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < n; i++) {
                Object key = keys[i];
                Requests.exit(Requests.enter(key, Requests.BEGIN));
                Requests.exit(Requests.enter(key, Requests.RESUME));
                Requests.end(key);
            }
            long kept = threads.getThreadAllocatedBytes(id) - before;
            before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < n; i++) {
                Object scope = Requests.enter(null, Requests.CALL);
                Requests.responded(200);
                Requests.exit(scope);
            }
            long call = threads.getThreadAllocatedBytes(id) - before;
            before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < n; i++) {
                Requests.exit(Requests.enter(responses[i], Requests.STAMP));
                Requests.stampedEnded(responses[i], true);
            }
            long stamped = threads.getThreadAllocatedBytes(id) - before;
            before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < n; i++) {
                Object stream = keys[i];
                Requests.exit(Requests.enterStream(true, stream));
                Requests.streamHeaders(true, stream, "200");
                Requests.end(stream);
            }
            long stream = threads.getThreadAllocatedBytes(id) - before;
            before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < n; i++) {
                Object connection = keys[i & 63];
                Connections.exit(Connections.enter(connection)); // the read before the head
                ConnectionEvents.http1Request(connection);
            }
            long http1 = threads.getThreadAllocatedBytes(id) - before;
            before = threads.getThreadAllocatedBytes(id);
            long began = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Connections.exit(Connections.enter(keys[i & 63]));
            }
            long eventNanos = System.nanoTime() - began;
            long event = threads.getThreadAllocatedBytes(id) - before;
            System.out.printf(Locale.ROOT, "round %d: kept request %.1f B, call request %.1f B, stamped request %.1f B,"
                    + " HTTP/2 stream %.1f B, Netty HTTP/1 request %.1f B; connection event %.1f B, %.1f ns%n", round,
                    (double) kept / n, (double) call / n, (double) stamped / n, (double) stream / n,
                    (double) http1 / n, (double) event / n, (double) eventNanos / n);
        }
        System.out.printf(Locale.ROOT, "requests counted %d, timed %d%n", generation.outcomes.requestCount(),
                java.util.Arrays.stream(generation.outcomes.requestLatencyBuckets()).sum());
    }
}
