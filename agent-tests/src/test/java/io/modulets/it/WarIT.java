package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Deploys;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * A WAR in a servlet container, with the agent in the container's JVM options: in a standalone Tomcat 11, its
 * distribution from Maven Central as it ships, started as its scripts start it (Bootstrap on bootstrap.jar, the
 * container's own loaders for lib/ and the webapp), and in Jetty 12's WebAppContext (ee10). The webapp's servlet
 * (WEB-INF/classes) calls swappable code that reads a library of the webapp (WEB-INF/lib), and WEB-INF/lib also
 * holds the WAR's own copy of the swappable jar, as a WAR built against it has. A request held across a deploy
 * reads version 1 at its start and end while a later one reads 2, and generation 1 retires once the held one ends.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WarIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Jetty 12's jars and what they need, by file name. */
    private static final String JETTY = "(jetty-|jakarta\\.servlet-api-|slf4j-api-).*\\.jar";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static Path tomcat;
    /** The webapp's directory, as Tomcat unpacks a WAR into webapps/. */
    private static Path webapp;
    /** web.mod.Version, versions 1 and 2, which read web.lib.Word of the webapp. */
    private static Path v1;
    private static Path v2;
    /** JettyWarApp, the embedded Jetty that serves the webapp in a WebAppContext. */
    private static Path jettyApp;

    @BeforeAll
    static void build() throws IOException {
        tomcat = Path.of(System.getProperty("tomcat.home"));
        Path dir = WorkDirs.forClass(WarIT.class);
        webapp = dir.resolve("ROOT");
        Path webInf = webapp.resolve("WEB-INF");
        Path word = new JarBuilder().source("web.lib.Word", "package web.lib;\n"
                + "public class Word { public static String of(int n) { return \"v\" + n; } }")
                .build(Files.createDirectories(webInf.resolve("lib")).resolve("word.jar"));
        v1 = version(dir, word, 1);
        v2 = version(dir, word, 2);
        Files.copy(v1, webInf.resolve("lib/web-version.jar")); // the WAR's own copy, which it was built against
        Path classes = new JarBuilder().classpath(v1, tomcat.resolve("lib/servlet-api.jar"))
                .source("web.Hello", AppSources.read("apps/war/web/Hello.java"))
                .source("web.Console", AppSources.read("apps/war/web/Console.java"))
                .build(dir.resolve("classes.jar"));
        unzip(classes, webInf.resolve("classes"));
        Files.writeString(webInf.resolve("web.xml"), webXml(""));
        jettyApp = new JarBuilder().classpath(jetty().toArray(Path[]::new))
                .source("war.JettyWarApp", AppSources.read("apps/war/shell/war/JettyWarApp.java"))
                .build(dir.resolve("jetty-app.jar"));
    }

    /** The webapp's deployment descriptor: its servlet, and {@code more} (a listener). */
    private static String webXml(String more) {
        return """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  %s
                  <servlet><servlet-name>hello</servlet-name><servlet-class>web.Hello</servlet-class></servlet>
                  <servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/*</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(more);
    }

    /** Jetty 12 and its webapp layer, from this JVM's class path (Maven resolved them, test scope). */
    private static List<Path> jetty() {
        return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)).map(Path::of)
                .filter(jar -> jar.getFileName().toString().matches(JETTY))
                .toList();
    }

    private static Path version(Path dir, Path word, int n) throws IOException {
        return new JarBuilder().classpath(word)
                .source("web.mod.Version", "package web.mod;\n"
                        + "public class Version { public static String version() { return web.lib.Word.of(" + n
                        + "); } }")
                .manifest("Implementation-Version", n + ".0")
                .build(dir.resolve("web-version-" + n + ".jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aStandaloneTomcatsWarKeepsARequestsVersionAndSwappableCodeSeesTheWebapp(Jdk jdk, TestInfo info)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(v1, modules.resolve("web-version.jar"));
        Path base = catalinaBase(work);
        ChildJvm child = ChildJvm.on(jdk)
                .classpath(tomcat.resolve("bin/bootstrap.jar"), tomcat.resolve("bin/tomcat-juli.jar"))
                .jvmOptions("-Dcatalina.home=" + tomcat, "-Dcatalina.base=" + base,
                        "-Djava.io.tmpdir=" + base.resolve("temp"))
                .mainClass("org.apache.catalina.startup.Bootstrap").args("start")
                .agent("packages=web.mod,modules=" + modules + ",store=" + work.resolve("store")
                        + ",loops=web.Console$Commands");
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "tomcat")) {
            story(jvm, modules);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aJettyWebAppContextsWarKeepsARequestsVersionAndSwappableCodeSeesTheWebapp(Jdk jdk, TestInfo info)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(v1, modules.resolve("web-version.jar"));
        List<Path> classPath = new java.util.ArrayList<>(List.of(jettyApp));
        classPath.addAll(jetty());
        ChildJvm child = ChildJvm.on(jdk).classpath(classPath.toArray(Path[]::new)).mainClass("war.JettyWarApp")
                .args(webapp).agent("packages=web.mod,modules=" + modules + ",store=" + work.resolve("store"));
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "jetty")) {
            story(jvm, modules);
        }
    }

    /**
     * A request held across a deploy reads version 1 at its start and end, one after it reads 2, and generation 1
     * retires once the held one ends.
     */
    private static void story(InteractiveJvm jvm, Path modules) throws Exception {
        int port = Integer.parseInt(jvm.expect("ready ", WAIT).substring("ready ".length()));
        CompletableFuture<HttpResponse<String>> held = CLIENT.sendAsync(request(port, "/?id=hold-1"),
                HttpResponse.BodyHandlers.ofString());
        jvm.expect("holding hold-1", WAIT);
        Deploys.renameInto(v2, modules, "web-version.jar");
        jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
        assertEquals("start=v2 end=v2 by name=v2", get(port, "/?id=new-1"),
                "a request after the deploy runs version 2, which reads the webapp's library\n" + jvm.describe());
        get(port, "/release?id=hold-1");
        assertEquals("start=v1 end=v1 by name=v1", held.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).body(),
                "the request in flight keeps version 1\n" + jvm.describe());
        jvm.awaitLog("generation 1 \\(1\\.0, \\w+\\) retired", "ping", "pong", WAIT);
    }

    /** A CATALINA_BASE of the distribution's configuration, its HTTP connector on a free port, the webapp as ROOT. */
    private static Path catalinaBase(Path work) throws IOException {
        Path base = work.resolve("tomcat");
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> files = Files.list(tomcat.resolve("conf"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, Files.createDirectories(base.resolve("conf")).resolve(file.getFileName()));
            }
        }
        Path serverXml = base.resolve("conf/server.xml");
        String config = Files.readString(serverXml);
        // the shutdown port off, the HTTP connector on a port the system picks (the webapp prints it)
        Files.writeString(serverXml, config.replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace("<Connector port=\"8080\"", "<Connector port=\"0\" address=\"127.0.0.1\""));
        try (Stream<Path> files = Files.walk(webapp)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = base.resolve("webapps/ROOT").resolve(webapp.relativize(file).toString());
                Files.copy(file, Files.createDirectories(target.getParent()).resolve(target.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        // Tomcat has no main of the test's: the webapp's listener prints the port and answers the test's commands
        Files.writeString(base.resolve("webapps/ROOT/WEB-INF/web.xml"),
                webXml("<listener><listener-class>web.Console</listener-class></listener>"));
        return base;
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build();
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> answer = CLIENT.send(request(port, path), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer::body);
        return answer.body();
    }

    private static void unzip(Path jar, Path into) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                if (entry.isDirectory() || entry.getName().startsWith("META-INF/")) {
                    continue;
                }
                Path target = into.resolve(entry.getName());
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target);
                }
            }
        }
    }
}
