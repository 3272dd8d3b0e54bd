package war;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded Jetty 12 serving one webapp (the first argument: its directory, as a WAR unpacks) in a WebAppContext,
 * as Jetty's documentation shows it; then answers WarIT's commands on stdin ("ping", "gc") until stdin closes.
 */
public final class JettyWarApp {
    public static void main(String[] args) throws Exception {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        WebAppContext webapp = new WebAppContext(args[0], "/");
        server.setHandler(webapp);
        server.start();
        System.out.println("ready " + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("gc")) {
                System.gc();
                System.out.println("gc done");
            } else if (line.equals("ping")) {
                System.out.println("pong");
            }
        }
        Runtime.getRuntime().halt(0);
    }
}
