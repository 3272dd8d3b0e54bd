package sv;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/**
 * The JDK's HttpServer without an executor: each request runs on its dispatcher thread ("/x"), or in
 * CompletableFuture continuations that answer it later ("/continuations").
 */
public final class HttpServerApp {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            String id = query.substring(query.indexOf("id=") + 3);
            byte[] body;
            try {
                body = Gates.serve(id).getBytes(StandardCharsets.UTF_8);
            } catch (InterruptedException e) {
                throw new java.io.IOException(e);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        // Answered in continuations (Gates.serveInContinuations) on a pool of the application's: the handler
        // returns at once, and the last step sends the response.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        server.createContext("/continuations", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            String id = query.substring(query.indexOf("id=") + 3);
            Gates.serveInContinuations(id, pool).whenComplete((answer, failure) -> {
                byte[] body = (failure == null ? answer : failure.toString()).getBytes(StandardCharsets.UTF_8);
                try {
                    exchange.sendResponseHeaders(failure == null ? 200 : 500, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                } catch (java.io.IOException e) {
                    exchange.close();
                }
            });
        });
        server.start();
        System.out.println("ready " + server.getAddress().getPort());
        Gates.commands(line -> { });
        server.stop(0);
        pool.shutdown();
    }
}
