package sv;

import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * A Vert.x 5 HTTP server as its guide writes one: a verticle, deployed in four instances that share the
 * port (Vert.x spreads the connections over their event loops), whose request handler answers. /x answers
 * in the handler, on the event loop (a held request holds that loop only); /blocking serves in
 * {@code executeBlocking} on Vert.x's worker pool and answers from the event loop when it is done; /timer
 * serves in a timer the handler sets ({@code vertx.setTimer}), on the event loop; /body reads the version as it
 * begins and again in the handler of the body's end, on the event loop, and answers with both.
 */
public final class VertxApp {
    /** One instance: its own event loop, its own server on the shared port. */
    static final class Server extends VerticleBase {
        private final int port;

        Server(int port) {
            this.port = port;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1");
        }

        private void handle(HttpServerRequest request) {
            String id = request.getParam("id");
            switch (request.path()) {
                case "/blocking" -> vertx.executeBlocking(() -> serve(id))
                        .onComplete(answer -> request.response().end(answer.succeeded() ? answer.result()
                                : String.valueOf(answer.cause())));
                case "/timer" -> vertx.setTimer(1, timer -> request.response().end(serve(id)));
                case "/body" -> {
                    String start = sv.mod.Version.version();
                    System.out.println("began " + id + " start=" + start);
                    request.body().onComplete(body -> request.response()
                            .end("start=" + start + " end=" + sv.mod.Version.version()));
                }
                default -> request.response().end(serve(id));
            }
        }

        private static String serve(String id) {
            try {
                String answer = Gates.serve(id);
                System.out.println("served " + id + " " + answer);
                return answer;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // a held request blocks its event loop on purpose: no blocked-thread warnings
        Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(TimeUnit.HOURS.toMillis(1)));
        int shared = port;
        vertx.deployVerticle(() -> new Server(shared), new DeploymentOptions().setInstances(4))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.out.println("ready " + port);
        Gates.commands(line -> { });
        vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
