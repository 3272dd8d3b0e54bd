package sv;

import java.time.Duration;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A Reactor Netty server (what Spring WebFlux runs on), as its reference shows one: a route whose answer
 * is a Mono served on Reactor's boundedElastic scheduler (blocking work off the event loop), and one whose
 * answer comes in steps after Reactor's timers ("/delayed").
 */
public final class ReactorApp {
    public static void main(String[] args) throws Exception {
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .route(routes -> routes.get("/x", (request, response) -> response.sendString(
                        Mono.fromCallable(() -> Gates.serve(id(request))).subscribeOn(Schedulers.boundedElastic())))
                        .get("/delayed", (request, response) -> response.sendString(delayed(id(request)))))
                .bindNow();
        System.out.println("ready " + server.port());
        Gates.commands(line -> { });
        server.disposeNow();
    }

    /**
     * A request answered in steps: the version read when the response subscribes (on the event loop), again
     * after Mono.delay's timer (Reactor's parallel scheduler), held on boundedElastic after publishOn, and read
     * at the end after delayElement.
     */
    private static Mono<String> delayed(String id) {
        return Mono.fromCallable(sv.mod.Version::version)
                .delayElement(Duration.ofMillis(10))
                .map(first -> Gates.same(first, sv.mod.Version.version()))
                .publishOn(Schedulers.boundedElastic())
                .map(start -> Gates.held(id, start))
                .delayElement(Duration.ofMillis(10))
                .map(start -> "start=" + start + " end=" + sv.mod.Version.version());
    }

    private static String id(HttpServerRequest request) {
        String uri = request.uri();
        return uri.substring(uri.indexOf("id=") + "id=".length());
    }
}
