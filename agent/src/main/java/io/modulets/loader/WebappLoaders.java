package io.modulets.loader;

import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.modulets.config.Log;

/**
 * Servlet containers' per-webapp class loaders (a WAR in Tomcat or Jetty), which the agent does not
 * support: there may be several, each replaced when its webapp reloads, each looking in its own
 * {@code WEB-INF} before its parent. A generation has one parent ({@link ApplicationLoader}), so
 * swappable code cannot see a webapp's classes and libraries, and a swappable class packed in
 * {@code WEB-INF} is defined by the webapp itself and never swaps. Said once, in one line, when such a
 * loader first defines a class of a {@code WEB-INF} (an embedded server's webapp loader with no
 * {@code WEB-INF} defines none of its own, only what the container injects, such as Tomcat's
 * {@code JdbcLeakPrevention} as it stops; Spring Boot's embedded Tomcat uses a subclass of its own).
 */
public final class WebappLoaders {
    /** The loaders' classes, by name, with the container they belong to. */
    private static final Map<String, String> CONTAINERS = Map.of(
            "org.apache.catalina.loader.ParallelWebappClassLoader", "Tomcat",
            "org.apache.catalina.loader.WebappClassLoader", "Tomcat",
            "org.eclipse.jetty.webapp.WebAppClassLoader", "Jetty",
            "org.eclipse.jetty.ee8.webapp.WebAppClassLoader", "Jetty",
            "org.eclipse.jetty.ee9.webapp.WebAppClassLoader", "Jetty",
            "org.eclipse.jetty.ee10.webapp.WebAppClassLoader", "Jetty",
            "org.eclipse.jetty.ee11.webapp.WebAppClassLoader", "Jetty");

    private static final AtomicBoolean SAID = new AtomicBoolean();

    private WebappLoaders() {
    }

    /** Called as a shell class is defined by {@code loader}; cheap once said. */
    public static void defining(ClassLoader loader, String className, ProtectionDomain domain) {
        if (SAID.get()) {
            return;
        }
        String kind = loader.getClass().getName();
        String container = CONTAINERS.get(kind);
        if (container != null && fromWebInf(domain) && SAID.compareAndSet(false, true)) {
            Log.warn("%s", line(container, kind, className.replace('/', '.')));
        }
    }

    private static boolean fromWebInf(ProtectionDomain domain) {
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        return location != null && location.toString().contains("/WEB-INF/");
    }

    static String line(String container, String kind, String className) {
        return container + "'s webapp class loader (" + kind + ") defines " + className + ": a webapp's own"
                + " classes and libraries (WEB-INF) are not supported: swappable code does not see them, and a"
                + " swappable class in WEB-INF is the webapp's and never swaps; put the application on the class path"
                + " (an embedded server) or run it as a Spring Boot jar (docs/SERVERS.md)";
    }
}
