package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Deploys;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * A modular application run as the user runs it, unmodified: {@code --module-path
 * app.jar:api.jar:pricing.jar -m com.acme.app/com.acme.app.Main}, the application module {@code requires
 * com.acme.pricing}, and one {@code -javaagent} flag whose modules directory holds the same pricing
 * module. Each generation defines {@code com.acme.pricing} in a module layer of its own, with its
 * {@code exports}, {@code opens}, {@code provides} and resources; the module path's copy never loads a
 * class, not even through its {@code Module}. One child per JDK: a request held across a deploy sees
 * generation 1 at its start and at its end (its class, its service provider and only it, its resource and
 * a field read through {@code opens}), a request made after the deploy sees generation 2 in each of them,
 * and once the held request ended generation 1 unloads.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ModularAppIT {
    private static final Duration LINE = Duration.ofSeconds(60);

    private static Path api;
    private static Path pricing1;
    private static Path pricing2;
    private static Path app;

    @BeforeAll
    static void buildJars() throws IOException {
        Path shared = WorkDirs.forClass(ModularAppIT.class);
        api = new JarBuilder()
                .source("module-info", "module com.acme.api { exports com.acme.api; }")
                .source("com.acme.api.Greeter", "package com.acme.api; public interface Greeter { String greet(); }")
                .build(shared.resolve("api.jar").toAbsolutePath());
        pricing1 = pricing(shared, 1);
        pricing2 = pricing(shared, 2);
        app = new JarBuilder()
                .source("module-info", "module com.acme.app { requires com.acme.pricing; requires com.acme.api;"
                        + " requires jdk.httpserver; uses com.acme.api.Greeter; }")
                .source("com.acme.app.Main", MAIN)
                .modulePath(api, pricing1)
                .build(shared.resolve("app.jar").toAbsolutePath());
    }

    /** The swappable module of one version: its version in a class, a provider, a resource and an opened field. */
    private static Path pricing(Path dir, int version) throws IOException {
        return new JarBuilder()
                .source("module-info", "module com.acme.pricing { requires com.acme.api; exports com.acme.pricing;"
                        + " opens com.acme.pricing.model;"
                        + " provides com.acme.api.Greeter with com.acme.pricing.PricingGreeter; }")
                .source("com.acme.pricing.Pricing", "package com.acme.pricing; public class Pricing {"
                        + " public static int version() { return " + version + "; }"
                        + " public static Object quote() { return new com.acme.pricing.model.Quote(); }"
                        + " public static String rate() throws java.io.IOException {"
                        + " try (java.io.InputStream in = Pricing.class.getResourceAsStream(\"rate.properties\")) {"
                        + " return in == null ? \"no-resource\" : new String(in.readAllBytes()).trim(); } } }")
                .source("com.acme.pricing.model.Quote", "package com.acme.pricing.model; public class Quote {"
                        + " private final int amount = " + (10 * version) + "; }")
                .source("com.acme.pricing.PricingGreeter", "package com.acme.pricing; public class PricingGreeter"
                        + " implements com.acme.api.Greeter { public String greet() { return \"hello" + version
                        + "\"; } }")
                .resource("com/acme/pricing/rate.properties", "rate" + version)
                .modulePath(api)
                .build(dir.resolve("pricing-" + version + "/pricing.jar").toAbsolutePath());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aHeldRequestKeepsItsGenerationAndNewRequestsGetTheNextOne(Jdk jdk, TestInfo info) throws Exception {
        Path dir = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(dir.resolve("modules"));
        Files.copy(pricing1, modules.resolve("pricing.jar"));
        ChildJvm child = ChildJvm.on(jdk)
                .agent("packages=com.acme.pricing,modules=" + modules + ",store=" + dir.resolve("store"))
                .module("com.acme.app/com.acme.app.Main", app, api, pricing1);
        try (InteractiveJvm jvm = InteractiveJvm.start(child, dir, "modular")) {
            jvm.send("ask");
            assertEquals("answer 1 hello1 rate1 10 com.acme.pricing", jvm.expect("answer", LINE), jvm.describe());
            jvm.send("hold");
            assertEquals("start 1 hello1 rate1 10 com.acme.pricing", jvm.expect("start", LINE), jvm.describe());

            Deploys.renameInto(pricing2, modules, "pricing.jar");
            jvm.awaitLog("generation 2 \\(.*\\) is current", "ask", "answer", LINE);
            jvm.send("ask");
            assertEquals("answer 2 hello2 rate2 20 com.acme.pricing", jvm.expect("answer", LINE), jvm.describe());

            jvm.send("release");
            assertEquals("end 1 hello1 rate1 10 com.acme.pricing", jvm.expect("end", LINE), jvm.describe());
            // the module path's copy never loads a class, also when asked through its Module
            jvm.send("bootcopy");
            assertEquals("bootcopy ClassNotFoundException", jvm.expect("bootcopy", LINE), jvm.describe());
            // no task needs generation 1 any more: its layer, its module and the shell modules' read edges
            // to them do not keep it loaded
            jvm.awaitLog("generation 1 \\(.*\\) unloaded", "gc", "collected", LINE);
        }
    }

    /**
     * The application: an HttpServer whose requests run on a pool (each a root task), driven by stdin:
     * {@code ask} makes a request and prints what it saw, {@code hold} makes one that prints what it saw at
     * its start and waits for {@code release} to print it again at its end. What a request sees: the
     * version of the swappable class, the greetings of every {@code Greeter} that {@code ServiceLoader}
     * finds (through the context class loader: the generation's provider, and not the module path's
     * copy's), the resource the swappable module reads, a private field of its object read through
     * {@code opens}, and the module the swappable class is in.
     */
    private static final String MAIN = """
            package com.acme.app;

            import com.sun.net.httpserver.HttpServer;
            import java.io.*;
            import java.net.*;
            import java.util.ServiceLoader;
            import java.util.concurrent.*;

            public class Main {
                static final CountDownLatch release = new CountDownLatch(1);

                static String seen(String what) throws Exception {
                    String greeting = ServiceLoader.load(com.acme.api.Greeter.class).stream()
                            .map(p -> p.get().greet()).reduce((a, b) -> a + "+" + b).orElse("no-provider");
                    String rate = com.acme.pricing.Pricing.rate();
                    Object quote = com.acme.pricing.Pricing.quote();
                    java.lang.reflect.Field amount = quote.getClass().getDeclaredField("amount");
                    amount.setAccessible(true);
                    return what + " " + com.acme.pricing.Pricing.version() + " " + greeting + " " + rate + " "
                            + amount.get(quote) + " " + com.acme.pricing.Pricing.class.getModule().getName();
                }

                public static void main(String[] args) throws Exception {
                    HttpServer server = HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                    server.setExecutor(Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r);
                        t.setDaemon(true);
                        return t;
                    }));
                    server.createContext("/", exchange -> {
                        String body;
                        try {
                            if (exchange.getRequestURI().getPath().equals("/hold")) {
                                System.out.println(seen("start"));
                                release.await();
                                body = seen("end");
                            } else {
                                body = seen("answer");
                            }
                        } catch (Throwable e) {
                            body = "failed " + e;
                        }
                        System.out.println(body);
                        byte[] bytes = body.getBytes();
                        exchange.sendResponseHeaders(200, bytes.length);
                        exchange.getResponseBody().write(bytes);
                        exchange.close();
                    });
                    server.start();
                    int port = server.getAddress().getPort();
                    ExecutorService clients = Executors.newCachedThreadPool();
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
                    for (String line; (line = in.readLine()) != null; ) {
                        switch (line) {
                            case "ask" -> get(port, "/ask");
                            case "hold" -> clients.submit(() -> get(port, "/hold"));
                            case "release" -> release.countDown();
                            case "bootcopy" -> System.out.println("bootcopy " + bootCopy());
                            case "gc" -> {
                                System.gc();
                                System.out.println("collected");
                            }
                            default -> System.out.println("unknown " + line);
                        }
                    }
                    server.stop(0);
                    System.exit(0);
                }

                /** A class of the module path's copy of the swappable module, asked for through that module. */
                static String bootCopy() {
                    try {
                        Module copy = ModuleLayer.boot().findModule("com.acme.pricing").orElseThrow();
                        Class<?> c = Class.forName(copy, "com.acme.pricing.Pricing");
                        return c == null ? "null" : "loaded by " + c.getClassLoader();
                    } catch (Throwable e) {
                        return e.getClass().getSimpleName();
                    }
                }

                static String get(int port, String path) throws IOException {
                    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                            .openConnection();
                    c.setConnectTimeout(20000);
                    c.setReadTimeout(60000);
                    return new String(c.getInputStream().readAllBytes());
                }
            }
            """;
}
