package sc;

import static itkit.Operator.*;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.management.Notification;
import javax.management.ObjectName;

import sc.mod.Work;

/**
 * The child of ServerCanaryIT: a server (the third argument names it) whose answer is decided by swappable code
 * ({@code sc.mod.Work.check()}: false is a failure, answered 500 by the application, which catches nothing and
 * throws nothing), so no task fails and no exception leaves the swappable code. Generation 1 fails one request in
 * ten; a release that fails one in two (DIR/bad.jar) is deployed as a 50% canary and the main thread, the client,
 * sends requests one after the other until the agent aborts it by itself (bounded). Then it says what it got and
 * what each generation's MBean counts. Every wait is bounded; a timeout is a line starting "FAILED".
 * <ul>
 * <li>{@code jetty-core}: a Jetty 12 core handler (no servlet) that returns at once and answers from an application
 * pool, completing Jetty's callback on the pool's thread after the handler's call returned.</li>
 * <li>{@code netty-h2}: Netty 4.2's HTTP/2 over cleartext with prior knowledge (itkit.NettyH2), each request a stream
 * of one connection, answered from an application pool (the HEADERS and the DATA that ends the stream).</li>
 * </ul>
 */
public final class CanaryApp {
    static final ExecutorService POOL = Executors.newFixedThreadPool(2);
    static int port;
    static long sent;

    public static void main(String[] args) throws Exception {
        start(args);
        String server = args[2];
        AutoCloseable stop = switch (server) {
            case "jetty-core" -> jettyCore();
            case "netty-h2" -> nettyH2();
            default -> throw new IllegalArgumentException(server);
        };
        say("policy " + SERVER.getAttribute(MANAGER, "CanaryPolicy"));
        int canary = canary("bad.jar");
        say("canary " + canary);
        long[] statuses = new long[600];
        Notification abort = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (int i = 0; abort == null && System.nanoTime() < deadline; i++) {
            statuses[request()]++;
            abort = i % 20 == 0 ? poll("io.modulets.canary.abort", 0) : null;
        }
        say("notification " + (abort == null ? "FAILED none" : abort.getMessage() + " data " + abort.getUserData()));
        awaitCounted();
        say("answered " + sent + " 200 " + statuses[200] + " 500 " + statuses[500]);
        say("canary now " + SERVER.getAttribute(MANAGER, "Canary") + " current "
                + SERVER.getAttribute(MANAGER, "CurrentGeneration"));
        say(outcomes(1));
        say(outcomes(canary));
        stop.close();
        POOL.shutdown();
        say("done");
        System.exit(0);
    }

    /** The status the application answers: 200, or 500 when the swappable code says the work failed. */
    static int answer() {
        return Work.check() ? 200 : 500;
    }

    static AutoCloseable jettyCore() throws Exception {
        org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server(
                new InetSocketAddress("127.0.0.1", 0));
        jetty.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request,
                                  org.eclipse.jetty.server.Response response,
                                  org.eclipse.jetty.util.Callback callback) {
                POOL.execute(() -> {
                    int status = answer();
                    response.setStatus(status);
                    response.write(true, java.nio.ByteBuffer.wrap(Integer.toString(status).getBytes(
                            java.nio.charset.StandardCharsets.UTF_8)), callback);
                });
                return true;
            }
        });
        jetty.start();
        port = ((org.eclipse.jetty.server.ServerConnector) jetty.getConnectors()[0]).getLocalPort();
        return jetty::stop;
    }

    static AutoCloseable nettyH2() throws Exception {
        io.netty.channel.EventLoopGroup loops = new io.netty.channel.MultiThreadIoEventLoopGroup(2,
                io.netty.channel.nio.NioIoHandler.newFactory());
        io.netty.channel.Channel server = itkit.NettyH2.server(loops,
                (path, answer) -> POOL.execute(() -> answer.accept(answer())));
        h2 = new itkit.NettyH2.Client(loops, ((InetSocketAddress) server.localAddress()).getPort());
        return () -> {
            h2.close();
            server.close().sync();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        };
    }

    /** The HTTP/2 client's connection, when the server is {@code netty-h2}: each request a stream of its own. */
    static itkit.NettyH2.Client h2;

    /** One request, on a kept-alive connection (one stream of the HTTP/2 connection); returns its status. */
    static int request() throws Exception {
        if (h2 != null) {
            return h2.get("/page?n=" + sent++);
        }
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/page?n=" + sent++)
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

    /** Waits (bounded) until the generations count every request sent: a request counts as its server ends it. */
    static void awaitCounted() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (counted() < sent && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // paces the reads; the wait is bounded
        }
    }

    /** The requests every generation's MBean counts. */
    static long counted() throws Exception {
        long counted = 0;
        for (ObjectName generation : SERVER.queryNames(new ObjectName("io.modulets:type=Generation,*"), null)) {
            counted += (Long) SERVER.getAttribute(generation, "Requests");
        }
        return counted;
    }

    /** A generation's outcomes as its MBean shows them. */
    static String outcomes(int generation) throws Exception {
        ObjectName name = generation(generation);
        return "generation " + generation + " requests " + SERVER.getAttribute(name, "Requests")
                + " 5xx " + SERVER.getAttribute(name, "ServerErrors")
                + " timed " + SERVER.getAttribute(name, "RequestsTimed")
                + " failed " + SERVER.getAttribute(name, "TasksFailed")
                + " thrown " + SERVER.getAttribute(name, "ExceptionsThrown");
    }
}
