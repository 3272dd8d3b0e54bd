package io.modulets.loader;

import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Map;

/**
 * Servlet containers' per-webapp class loaders (a WAR in Tomcat or Jetty): recognized by name as they
 * define a class of their webapp's own {@code WEB-INF}, which makes the first of them what swappable code
 * sees ({@link ApplicationLoader#definingInWebapp}). An embedded server's webapp loader with no {@code
 * WEB-INF} defines none of its own, only what the container injects (Tomcat's {@code JdbcLeakPrevention}
 * as it stops), and is never adopted; Spring Boot's embedded Tomcat uses a subclass of its own.
 */
public final class WebappLoaders {
    /** The loaders' classes, by name, with the container they belong to. */
    private static final Map<String, String> CONTAINERS = Map.of(
            "org.apache.catalina.loader.ParallelWebappClassLoader", "Tomcat",
            "org.apache.catalina.loader.WebappClassLoader", "Tomcat",
            "org.eclipse.jetty.webapp.WebAppClassLoader", "Jetty",
            "org.eclipse.jetty.ee.webapp.WebAppClassLoader", "Jetty",
            "org.eclipse.jetty.ee8.webapp.WebAppClassLoader", "Jetty",
            "org.eclipse.jetty.ee9.webapp.WebAppClassLoader", "Jetty",
            "org.eclipse.jetty.ee10.webapp.WebAppClassLoader", "Jetty",
            "org.eclipse.jetty.ee11.webapp.WebAppClassLoader", "Jetty");

    private WebappLoaders() {
    }

    /** Called as a shell class is defined by {@code loader}: a map lookup by the loader's class name. */
    public static void defining(ClassLoader loader, ProtectionDomain domain) {
        String container = CONTAINERS.get(loader.getClass().getName());
        if (container != null && fromWebInf(domain)) {
            ApplicationLoader.definingInWebapp(loader, container);
        }
    }

    private static boolean fromWebInf(ProtectionDomain domain) {
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        return location != null && location.toString().contains("/WEB-INF/");
    }
}
