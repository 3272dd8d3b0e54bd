package sv;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Project Reactor without Reactor Netty (as in an application on another server): the JDK's HttpServer (no
 * executor) whose handler returns at once and answers from a Mono chain, the first request being the first to ask
 * for Reactor's boundedElastic scheduler: the version read on the request's thread, again after delayElement on
 * Reactor's parallel scheduler, the request holds after publishOn(boundedElastic()), and the end is read after
 * another delayElement. A step that read another version than the first shows as "first/other" (Gates.same).
 */
public final class ReactorJdkApp {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            String id = query.substring(query.indexOf("id=") + 3);
            String first = sv.mod.Version.version();
            Mono.just(first).delayElement(Duration.ofMillis(10))
                    .map(start -> Gates.same(start, sv.mod.Version.version()))
                    .publishOn(Schedulers.boundedElastic())
                    .map(start -> Gates.held(id, start))
                    .delayElement(Duration.ofMillis(10))
                    .map(start -> "start=" + start + " end=" + sv.mod.Version.version())
                    .subscribe(answer -> {
                        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
                        try {
                            exchange.sendResponseHeaders(200, body.length);
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
    }
}
