package sv;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A Reactor Netty server (what Spring WebFlux runs on), as its reference shows one: a route whose answer
 * is a Mono served on Reactor's boundedElastic scheduler (blocking work off the event loop).
 */
public final class ReactorApp {
    public static void main(String[] args) throws Exception {
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .route(routes -> routes.get("/x", (request, response) -> response.sendString(
                        Mono.fromCallable(() -> Gates.serve(id(request))).subscribeOn(Schedulers.boundedElastic()))))
                .bindNow();
        System.out.println("ready " + server.port());
        Gates.commands(line -> { });
        server.disposeNow();
    }

    private static String id(HttpServerRequest request) {
        String uri = request.uri();
        return uri.substring(uri.indexOf("id=") + "id=".length());
    }
}
