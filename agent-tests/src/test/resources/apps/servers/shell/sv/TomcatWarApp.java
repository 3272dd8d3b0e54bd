package sv;

import java.nio.file.Files;

import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * Tomcat with a webapp whose servlet is in the webapp's own WEB-INF/classes (the first argument is the
 * webapp's directory), as a WAR deployed in Tomcat has it: Tomcat's webapp class loader defines it.
 */
public final class TomcatWarApp {
    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", args[0]);
        Tomcat.addServlet(context, "hello", "web.Hello");
        context.addServletMappingDecoded("/*", "hello");
        tomcat.start();
        System.out.println("ready " + tomcat.getConnector().getLocalPort());
        Gates.commands(line -> { });
        tomcat.stop();
        tomcat.destroy();
    }
}
