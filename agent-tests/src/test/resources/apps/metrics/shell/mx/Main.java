package mx;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.sun.net.httpserver.HttpServer;

/**
 * The child of MetricsIT: a JDK HttpServer of its own on loopback (no executor: each exchange is a request the agent
 * counts, DESIGN §2.12) and a pool, both running the swappable {@code mx.mod.Work}. Commands on stdin, one line
 * each, answered by one line once everything they started has ended:
 * <ul>
 * <li>{@code tasks N F}: N root tasks on the pool, the first F of which throw; prints {@code tasks N F};</li>
 * <li>{@code requests N F}: N requests to its own server, the first F answered 500, the others 200; prints
 * {@code requests N F}.</li>
 * </ul>
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            int status = mx.mod.Work.status(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        say("ready " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            String[] command = line.trim().split(" ");
            int n = Integer.parseInt(command[1]);
            int failing = Integer.parseInt(command[2]);
            if (command[0].equals("tasks")) {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    boolean fail = i < failing;
                    runs.add(pool.submit(() -> mx.mod.Work.task(fail)));
                }
                for (Future<?> run : runs) {
                    try {
                        run.get();
                    } catch (ExecutionException expected) {
                        // the failing ones
                    }
                }
            } else {
                for (int i = 0; i < n; i++) {
                    URI uri = URI.create("http://127.0.0.1:" + port + (i < failing ? "/fail" : "/ok"));
                    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
                    connection.getResponseCode();
                    connection.disconnect();
                }
            }
            say(line.trim());
        }
        server.stop(0);
        pool.shutdown();
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
