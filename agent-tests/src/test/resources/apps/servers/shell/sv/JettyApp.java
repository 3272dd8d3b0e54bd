package sv;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * An embedded Jetty 12 server with one core handler, as its documentation shows it; with "websocket", behind
 * Jetty's WebSocket upgrade handler, whose endpoint at /ws (Jetty's own API) answers each text message, and the one
 * at /ws-stream each text message it reads as a stream.
 */
public final class JettyApp {
    /** A WebSocket endpoint of Jetty's API (public: Jetty calls its methods through method handles). */
    public static final class Answering implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String text) {
            try {
                session.sendText(Gates.serve(text), org.eclipse.jetty.websocket.api.Callback.NOOP);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An annotated endpoint that reads each text message as a stream (Jetty reads it in a task of its pool). */
    @WebSocket
    public static final class Streaming {
        @OnWebSocketMessage
        public void onMessage(Session session, java.io.Reader reader) throws Exception {
            StringBuilder text = new StringBuilder();
            char[] chunk = new char[256];
            for (int n; (n = reader.read(chunk)) >= 0; ) {
                text.append(chunk, 0, n);
            }
            session.sendText(Gates.serve(text.toString()), org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        Handler.Wrapper top = new Handler.Wrapper();
        if (args.length > 0 && args[0].equals("websocket")) {
            top = WebSocketUpgradeHandler.from(server, container -> {
                // longer than the test: its connections stay open until it ends (Jetty's default is 30 s)
                container.setIdleTimeout(java.time.Duration.ofMinutes(5));
                container.addMapping("/ws", (request, response, callback) -> new Answering());
                container.addMapping("/ws-stream", (request, response, callback) -> new Streaming());
            });
        }
        server.setHandler(top);
        top.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String id = Request.extractQueryParameters(request).getValue("id");
                response.getHeaders().put("Content-Type", "text/plain");
                Content.Sink.write(response, true, Gates.serve(id), callback);
                return true;
            }
        });
        server.start();
        System.out.println("ready " + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        Gates.commands(line -> { });
        server.stop();
    }
}
