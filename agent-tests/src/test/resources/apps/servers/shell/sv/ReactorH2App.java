package sv;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A Reactor Netty server speaking HTTP/2 over cleartext (h2c: HTTP/1.1 with the upgrade, or HTTP/2 from the
 * first byte), as Spring WebFlux configures it with {@code server.http2.enabled}. "/x" answers from a Mono;
 * "/body" reads the version as it begins and again once the request body has all arrived, on the event loop,
 * and answers with both; "/hold" reads it as it begins and again when the client resets its stream.
 */
public final class ReactorH2App {
    public static void main(String[] args) throws Exception {
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
                .route(routes -> routes
                        .get("/x", (request, response) -> response.sendString(
                                Mono.fromCallable(() -> Gates.serve(id(request)))))
                        .get("/hold", (request, response) -> {
                            // a request held until the client resets its stream: it reads the version again then
                            String id = id(request);
                            String start = sv.mod.Version.version();
                            System.out.println("began " + id + " start=" + start);
                            return response.sendString(Mono.<String>never().doOnCancel(() -> System.out.println(
                                    "reset " + id + " start=" + start + " end=" + sv.mod.Version.version())));
                        })
                        .post("/body", (request, response) -> {
                            String start = sv.mod.Version.version();
                            System.out.println("began " + id(request) + " start=" + start);
                            return response.sendString(request.receive().aggregate().asString()
                                    .map(body -> "start=" + start + " end=" + sv.mod.Version.version()));
                        }))
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
