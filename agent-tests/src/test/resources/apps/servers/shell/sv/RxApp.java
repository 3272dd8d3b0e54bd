package sv;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.schedulers.Schedulers;

/**
 * The JDK's HttpServer (no executor) whose handler returns at once and answers from an RxJava 3 chain, each
 * step on another of RxJava's schedulers: the version is read on the request's thread, again after
 * Single.timer on computation(), the request holds after observeOn(io()), and the version is read again after
 * delay on single(), after observeOn(newThread()) and, at the end, after delay on from(an application pool).
 * A step that read another version than the first shows as "first/other" (Gates.same).
 */
public final class RxApp {
    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            String id = query.substring(query.indexOf("id=") + 3);
            String first = sv.mod.Version.version();
            // RxJava's Schedulers are first touched here, by the first request, as in most applications: its
            // schedulers (and the io() evictor, a periodic task) are made inside that request
            Scheduler fromPool = Schedulers.from(pool);
            Single.timer(10, TimeUnit.MILLISECONDS, Schedulers.computation())
                    .map(tick -> Gates.same(first, sv.mod.Version.version()))
                    .observeOn(Schedulers.io())
                    .map(start -> Gates.held(id, start))
                    .delay(10, TimeUnit.MILLISECONDS, Schedulers.single())
                    .map(start -> Gates.same(start, sv.mod.Version.version()))
                    .observeOn(Schedulers.newThread())
                    .map(start -> Gates.same(start, sv.mod.Version.version()))
                    .delay(10, TimeUnit.MILLISECONDS, fromPool)
                    .map(start -> "start=" + start + " end=" + sv.mod.Version.version())
                    .subscribe(answer -> answer(exchange, 200, answer), failure -> answer(exchange, 500,
                            failure.toString()));
        });
        server.start();
        System.out.println("ready " + server.getAddress().getPort());
        Gates.commands(line -> { });
        server.stop(0);
        pool.shutdown();
    }

    private static void answer(HttpExchange exchange, int status, String answer) {
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (java.io.IOException e) {
            exchange.close();
        }
    }
}
