package sv;

import java.io.IOException;
import java.net.InetSocketAddress;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded Jetty 12 with one servlet of the ee10 layer (ServersIT compiles the same source against the ee8
 * layer, javax, as Jetty generates its ee8 sources from its ee9 ones): /start serves through AsyncContext.start, which
 * Jetty runs on its pool; /dispatch reads the version in the initial dispatch, serves (and holds) in
 * AsyncContext.start, then dispatches back to the servlet, which reads the version again in the async dispatch
 * that Jetty runs on its pool and answers.
 */
public final class JettyServletApp {
    public static void main(String[] args) throws Exception {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                String id = request.getParameter("id");
                if (request.getDispatcherType() == DispatcherType.ASYNC) {
                    String first = (String) request.getAttribute("first");
                    String served = (String) request.getAttribute("served");
                    String last = sv.mod.Version.version();
                    // one answer when all four reads agree, all of them when they do not
                    boolean same = served.equals("start=" + first + " end=" + first);
                    response.getWriter().write(same ? "start=" + first + " end=" + last
                            : "dispatch start=" + first + " async " + served + " dispatch end=" + last);
                    return;
                }
                String first = sv.mod.Version.version();
                AsyncContext async = request.startAsync();
                async.setTimeout(0);
                boolean dispatch = request.getRequestURI().startsWith("/dispatch");
                async.start(() -> {
                    try {
                        String served = Gates.serve(id);
                        if (dispatch) {
                            request.setAttribute("first", first);
                            request.setAttribute("served", served);
                            async.dispatch();
                        } else {
                            boolean same = served.startsWith("start=" + first + " ");
                            async.getResponse().getWriter().write(same ? served
                                    : "dispatch start=" + first + " async " + served);
                            async.complete();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        });
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        server.setHandler(context);
        server.start();
        System.out.println("ready " + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        Gates.commands(line -> { });
        server.stop();
    }
}
