package sv;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * An embedded Tomcat with one servlet (how Spring Boot runs Tomcat): /sync serves on the container
 * thread, /async through AsyncContext.start, which Tomcat runs on its own pool. With "websocket", Tomcat's
 * WebSocket server too (as Spring Boot sets it up), whose endpoint at /ws answers each text message.
 */
public final class TomcatApp {
    /** A jakarta.websocket endpoint, made by Tomcat for each connection. */
    public static final class Answering extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                try {
                    session.getBasicRemote().sendText(Gates.serve(text));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /**
     * An endpoint whose session expires after half a second without a message: its onClose, run by Tomcat's
     * timeouts' thread, serves the unit "hold-close" and prints what it read.
     */
    public static final class ClosingIdle extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.setMaxIdleTimeout(500);
        }

        @Override
        public void onClose(Session session, jakarta.websocket.CloseReason reason) {
            try {
                System.out.println("onClose " + Gates.serve("hold-close"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", new File(".").getAbsolutePath());
        Wrapper servlet = Tomcat.addServlet(context, "gates", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                String id = request.getParameter("id");
                if (request.getRequestURI().startsWith("/async")) {
                    AsyncContext async = request.startAsync();
                    async.setTimeout(0);
                    async.start(() -> {
                        try {
                            async.getResponse().getWriter().write(Gates.serve(id));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        } finally {
                            async.complete();
                        }
                    });
                    return;
                }
                try {
                    response.getWriter().write(Gates.serve(id));
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        });
        servlet.setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "gates");
        if (args.length > 0 && args[0].equals("websocket")) {
            context.addServletContainerInitializer(new WsSci(), null);
            context.addServletContainerInitializer((classes, servletContext) -> {
                try {
                    ServerContainer container =
                            (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
                    container.addEndpoint(ServerEndpointConfig.Builder.create(Answering.class, "/ws").build());
                    container.addEndpoint(ServerEndpointConfig.Builder.create(ClosingIdle.class, "/ws-idle").build());
                    // idle sessions checked every second (Tomcat's default: every 10 s)
                    ((org.apache.tomcat.websocket.WsWebSocketContainer) container).setProcessPeriod(1);
                } catch (jakarta.websocket.DeploymentException e) {
                    throw new jakarta.servlet.ServletException(e);
                }
            }, null);
        }
        tomcat.start();
        System.out.println("ready " + tomcat.getConnector().getLocalPort());
        Gates.commands(line -> { });
        tomcat.stop();
        tomcat.destroy();
    }
}
