package sv;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * An embedded Jetty 12 core handler that answers from its demand callback: it reads the version when it
 * is handled, then reads the request's body as Jetty hands it over (Request.demand) and reads the version
 * again, and answers, once the body's last chunk has come. A request named hold-* says so when it is handled,
 * and the test sends its body later. {@code /write?size=N} answers from a write's callback instead: it reads the
 * version, writes N bytes, and when Jetty has sent them (a client that does not read holds them up) reads the
 * version again in the write's callback and writes it last. {@code /fail} goes on in its idle-timeout and failure
 * listeners: it reads the version, registers both and says it holds; the test's command "idle ID" gives that
 * request's connection a short idle timeout, whose listener reads the version again and lets the request fail,
 * and the failure listener reads it once more and fails the request. Under {@code /ctx/} the same handler runs
 * inside a ContextHandler.
 */
public final class JettyDemandApp {
    /** The connection of each /fail request held, by id, for the test's "idle ID". */
    private static final java.util.Map<String, org.eclipse.jetty.io.EndPoint> HELD =
            new java.util.concurrent.ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServerConnector connector = (ServerConnector) server.getConnectors()[0];
        // dispatch at the headers, before any content, whatever this Jetty's default is
        connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()
                .setDelayDispatchUntilContent(false);
        java.util.function.Supplier<Handler> handlers = () -> new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String id = Request.extractQueryParameters(request).getValue("id");
                String first = sv.mod.Version.version();
                if (id.startsWith("hold")) {
                    System.out.println("holding " + id + " start=" + first + " on " + Thread.currentThread().getName());
                }
                if (Request.getPathInContext(request).equals("/fail")) {
                    request.addIdleTimeoutListener(timeout -> {
                        System.out.println("idle " + id + " start=" + first + " end=" + sv.mod.Version.version()
                                + " on " + Thread.currentThread().getName());
                        return true;
                    });
                    request.addFailureListener(failure -> {
                        System.out.println("failed " + id + " start=" + first + " end=" + sv.mod.Version.version()
                                + " on " + Thread.currentThread().getName());
                        callback.failed(failure);
                    });
                    HELD.put(id, request.getConnectionMetaData().getConnection().getEndPoint());
                    System.out.println("listening " + id + " start=" + first);
                    return true;
                }
                if (Request.getPathInContext(request).equals("/write")) {
                    int size = Integer.parseInt(Request.extractQueryParameters(request).getValue("size"));
                    response.write(false, ByteBuffer.allocate(size), Callback.from(() -> {
                        String end = sv.mod.Version.version();
                        System.out.println("written " + id + " on " + Thread.currentThread().getName());
                        Content.Sink.write(response, true, "start=" + first + " end=" + end, callback);
                    }, callback::failed));
                    return true;
                }
                new Object() {
                    void read() {
                        while (true) {
                            Content.Chunk chunk = request.read();
                            if (chunk == null) {
                                request.demand(this::read);
                                return;
                            }
                            if (Content.Chunk.isFailure(chunk)) {
                                callback.failed(chunk.getFailure());
                                return;
                            }
                            boolean last = chunk.isLast();
                            chunk.release();
                            if (last) {
                                String end = sv.mod.Version.version();
                                Content.Sink.write(response, true, "start=" + first + " end=" + end, callback);
                                return;
                            }
                        }
                    }
                }.read();
                return true;
            }
        };
        // the same handler under a context (/ctx/...), whose request wraps the listeners in lambdas of Jetty's
        server.setHandler(new Handler.Sequence(
                new org.eclipse.jetty.server.handler.ContextHandler(handlers.get(), "/ctx"), handlers.get()));
        server.start();
        System.out.println("ready " + connector.getLocalPort());
        Gates.commands(line -> {
            if (line.startsWith("idle ")) {
                HELD.remove(line.substring("idle ".length())).setIdleTimeout(50);
            }
        });
        server.stop();
    }
}
