package cs;

import static itkit.Operator.*;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.management.Notification;
import javax.management.ObjectName;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import com.sun.net.httpserver.HttpServer;

import cs.mod.Handler;

/**
 * The child of RequestOutcomesIT: the JDK's HttpServer (no executor: each request runs on its dispatcher), whose
 * handler is swappable code ({@code cs.mod.Handler}) that catches its own errors and answers them with a 500, as
 * servlets and frameworks do: no exception leaves a request, no task fails. The main thread is the client: it
 * sends requests one after the other and counts the statuses it gets; one request in twenty asks for a missing
 * page (404). Drives the agent through its own platform MBean server and prints one line per observation; every
 * wait is bounded and a timeout is a line starting "FAILED". Releases are deployed through the modules directory
 * (MODULES) with {@code canary=50%} in the agent arguments.
 * <ol>
 * <li>A good release (DIR/good.jar) that answers 500 to one request in ten, as generation 1 does, runs as a 50%
 * canary for {@code REQUESTS} requests and is not aborted; the operator promotes it.</li>
 * <li>A release that answers 500 to one request in two (DIR/bad.jar) runs as a 50% canary beside it until the agent
 * aborts it by itself.</li>
 * <li>A release that answers as the good one does, but whose report page takes twenty times as long (DIR/slow.jar:
 * 100 ms against 5 ms), runs as a 50% canary; the operator sets the latency rule ({@code setCanaryLatency("1.5x")})
 * and the client asks for reports until the agent aborts it by itself. Both p99s carry the machine's delays: at 15
 * ms against 5 ms, 15 ms of delay at the p99 (a loaded machine) was enough to keep the canary below 1.5x.</li>
 * </ol>
 */
public final class App {
    static final int REQUESTS = 10_000;
    static int port;
    static long sent;

    public static void main(String[] args) throws Exception {
        start(args);
        // without it the server's separate writes of headers and body meet the client's delayed ACK: 40 ms a request
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> Handler.handle(exchange));
        server.start();
        port = server.getAddress().getPort();
        say("policy " + SERVER.getAttribute(MANAGER, "CanaryPolicy"));
        good();
        bad();
        slow();
        server.stop(0);
        jfr(2);
        say("done");
    }

    /**
     * The periodic JFR event of {@code generation}, from a recording started once its requests have all ended (so
     * every event has the final counts), at a period of one second; dumped until one comes, bounded.
     */
    static void jfr(int generation) throws Exception {
        try (Recording recording = new Recording()) {
            recording.enable("modulets.GenerationOutcomes").withPeriod(Duration.ofSeconds(1));
            recording.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            for (int dumps = 0; System.nanoTime() < deadline; dumps++) {
                Path file = dir.resolve("statuses-" + ProcessHandle.current().pid() + "-" + dumps + ".jfr");
                recording.dump(file);
                for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    if (e.getEventType().getName().equals("modulets.GenerationOutcomes")
                            && e.getInt("generation") == generation) {
                        say("jfr generation " + generation + " requests " + e.getLong("requests") + " 5xx "
                                + e.getLong("serverErrors") + " 4xx " + e.getLong("clientErrors") + " timed "
                                + e.getLong("requestsTimed") + " p99 " + e.getLong("p99Request"));
                        return;
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // paces the dumps; the wait is bounded
            }
            say("FAILED no modulets.GenerationOutcomes event of generation " + generation);
        }
    }

    static void good() throws Exception {
        int canary = canary("good.jar");
        say("good canary " + canary);
        long[] statuses = new long[600];
        Notification abort = null;
        for (int i = 0; i < REQUESTS && abort == null; i++) {
            statuses[request()]++;
            abort = i % 20 == 0 ? poll("io.modulets.canary.abort", 0) : null;
        }
        if (abort == null) {
            // The watch judged it every 100 ms while the requests ran; this gives it a last look at the final counts.
            abort = poll("io.modulets.canary.abort", 1);
        }
        awaitCounted();
        say("good answered 200 " + statuses[200] + " 404 " + statuses[404] + " 500 " + statuses[500]);
        say("good aborted " + (abort == null ? "no" : abort.getMessage()));
        say("good canary now " + SERVER.getAttribute(MANAGER, "Canary") + " state " + state(canary));
        say("good " + outcomes(1));
        say("good " + outcomes(canary));
        say("good promoted " + SERVER.invoke(MANAGER, "promote", new Object[0], new String[0]));
    }

    static void bad() throws Exception {
        int canary = canary("bad.jar");
        say("bad canary " + canary);
        long[] statuses = new long[600];
        Notification abort = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (int i = 0; abort == null && System.nanoTime() < deadline; i++) {
            statuses[request()]++;
            abort = i % 20 == 0 ? poll("io.modulets.canary.abort", 0) : null;
        }
        say("bad notification "
                + (abort == null ? "FAILED none" : abort.getMessage() + " data " + abort.getUserData()));
        awaitCounted();
        say("bad answered 200 " + statuses[200] + " 404 " + statuses[404] + " 500 " + statuses[500]);
        say("bad canary now " + SERVER.getAttribute(MANAGER, "Canary") + " current "
                + SERVER.getAttribute(MANAGER, "CurrentGeneration"));
        say("bad " + outcomes(canary));
        say("bad " + outcomes(2));
    }

    static void slow() throws Exception {
        int canary = canary("slow.jar");
        say("slow canary " + canary);
        say("slow policy " + SERVER.invoke(MANAGER, "setCanaryLatency", new Object[] {"1.5x"},
                new String[] {String.class.getName()}));
        long[] statuses = new long[600];
        Notification abort = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (int i = 0; abort == null && System.nanoTime() < deadline; i++) {
            statuses[request("/report")]++;
            abort = i % 20 == 0 ? poll("io.modulets.canary.abort", 0) : null;
        }
        say("slow notification "
                + (abort == null ? "FAILED none" : abort.getMessage() + " data " + abort.getUserData()));
        awaitCounted();
        say("slow answered 200 " + statuses[200] + " 404 " + statuses[404] + " 500 " + statuses[500]);
        say("slow canary now " + SERVER.getAttribute(MANAGER, "Canary") + " current "
                + SERVER.getAttribute(MANAGER, "CurrentGeneration"));
        say("slow " + outcomes(canary));
        say("slow " + outcomes(2));
        say("slow " + latency(canary));
        say("slow " + latency(2));
    }

    /**
     * Waits (bounded) until the generations count every request sent: the JDK's HttpServer counts a request as its
     * handler's call returns, which may come just after the client has read the answer.
     */
    static void awaitCounted() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (counted() < sent && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // paces the reads; the wait is bounded
        }
    }

    /** The requests every generation's MBean counts (those of unloaded generations stay registered). */
    static long counted() throws Exception {
        long counted = 0;
        for (ObjectName generation : SERVER.queryNames(new ObjectName("io.modulets:type=Generation,*"), null)) {
            counted += (Long) SERVER.getAttribute(generation, "Requests");
        }
        return counted;
    }

    /** One request, on a kept-alive connection; returns its status. One in twenty asks for a missing page. */
    static int request() throws IOException {
        return request("/page");
    }

    /** As {@link #request()}, for pages at {@code page}. */
    static int request(String page) throws IOException {
        long n = sent++;
        String path = n % 20 == 19 ? "/missing" : page;
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path + "?n=" + n)
                .toURL().openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(10_000);
        int status = connection.getResponseCode();
        try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            if (body != null) {
                body.readAllBytes(); // read to the end: the connection is kept alive for the next request
            }
        }
        return status;
    }
    /** A generation's outcomes as its MBean shows them. */
    static String outcomes(int generation) throws Exception {
        ObjectName name = generation(generation);
        return "generation " + generation + " requests " + SERVER.getAttribute(name, "Requests")
                + " 5xx " + SERVER.getAttribute(name, "ServerErrors")
                + " 4xx " + SERVER.getAttribute(name, "ClientErrors")
                + " failed " + SERVER.getAttribute(name, "TasksFailed")
                + " thrown " + SERVER.getAttribute(name, "ExceptionsThrown");
    }

    /** A generation's request latency as its MBean shows it. */
    static String latency(int generation) throws Exception {
        ObjectName name = generation(generation);
        return "generation " + generation + " timed " + SERVER.getAttribute(name, "RequestsTimed")
                + " p50 " + SERVER.getAttribute(name, "P50RequestNanos")
                + " p99 " + SERVER.getAttribute(name, "P99RequestNanos");
    }

    /** The agent registers its MBeans on its own thread after premain: waits for the MANAGER, bounded. */
}
