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

/** An embedded Jetty 12 server with one core handler, as its documentation shows it. */
public final class JettyApp {
    public static void main(String[] args) throws Exception {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        server.setHandler(new Handler.Abstract() {
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
