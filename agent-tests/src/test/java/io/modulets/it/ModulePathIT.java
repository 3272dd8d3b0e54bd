package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * Modular applications (a JDK {@code HttpServer} app, run with {@code --module-path … -m}) in the layouts
 * that {@code ModularAppIT} does not run: the layouts the agent cannot run (a swappable module on the
 * module path with no modules directory to make generations from, a swappable package inside the
 * application module, a swappable module whose requires the boot layer lacks) stop the JVM before main
 * with exit code 1 and one line naming the module and the fix, instead of starting and failing every
 * request; an application module that requires the swappable module only {@code static}, or an
 * automatic one with the swappable code on the class path, serves a request with the swappable code;
 * and the same jars on the class path do too, also when the swappable code calls a library module left
 * on the module path.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ModulePathIT {
    private static final String MAIN_RAN = "MAIN RAN";

    /** The swappable package in a module of its own. */
    private static Path pricing;
    /** The application module that requires it. */
    private static Path app;
    /** The same application, requiring it only at compile time ({@code requires static}). */
    private static Path appStatic;
    /** The same application as a plain jar: an automatic module on the module path. */
    private static Path appAutomatic;
    /** One module holding the application and, in a subpackage, the swappable code. */
    private static Path shop;
    /** A library module, and swappable code (no module) that calls it. */
    private static Path util;
    private static Path pricingUsingUtil;
    /** The swappable module requiring java.sql, which an application module requiring it static does not. */
    private static Path pricingSql;

    /** One setup: how the child is started in {@code dir}, and what it must print. */
    record Setup(String name, BiFunction<ChildJvm, Path, ChildJvm> start, String line) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> refused() {
        List<Setup> setups = List.of(
                new Setup("swappable module on the module path, no modules directory",
                        (child, dir) -> child.agent(args(dir, "packages=com.acme.pricing"))
                                .module("com.acme.app/com.acme.app.Main", app, pricing),
                        "modulets: the named module com.acme.pricing (" + pricing + ") holds only swappable packages"
                                + " (packages=com.acme.pricing) and there is no modules=DIR: put its jar in a modules"
                                + " directory and give modules=DIR (the jar may stay on the module path, where its"
                                + " classes are never loaded)"),
                new Setup("swappable package inside the application module",
                        (child, dir) -> child.agent(args(dir, "packages=com.acme.shop.pricing,modules="
                                        + modules(dir)))
                                .module("com.acme.shop/com.acme.shop.Main", shop),
                        "modulets: the swappable package com.acme.shop.pricing (packages=com.acme.shop.pricing) is"
                                + " inside the named module com.acme.shop (" + shop + "), with the shell package"
                                + " com.acme.shop; move the swappable packages to a module of their own, run from"
                                + " modules=DIR, or run the application from the class path"),
                new Setup("swappable module requiring a JDK module the boot layer lacks",
                        (child, dir) -> child.agent(args(dir, "packages=com.acme.pricing,modules="
                                        + modules(dir, pricingSql)))
                                .module("com.acme.app/com.acme.app.Main", appStatic),
                        "modulets: generation 1 refused: the modules com.acme.pricing do not resolve against the boot"
                                + " layer: java.lang.module.FindException: Module java.sql not found, required by"
                                + " com.acme.pricing"));
        return Jdks.all().stream().flatMap(jdk -> setups.stream().map(s -> arguments(jdk, s)));
    }

    static Stream<Arguments> onTheModulePath() {
        List<Setup> setups = List.of(
                new Setup("application module requiring the swappable module static, modules directory",
                        (child, dir) -> child.agent(args(dir, "packages=com.acme.pricing,modules=" + modules(dir)))
                                .module("com.acme.app/com.acme.app.Main", appStatic),
                        "price 42"),
                new Setup("automatic application module, swappable code on the class path",
                        // an automatic main module requires nothing: the JDK module it uses is added by hand
                        (child, dir) -> child.agent(args(dir, "packages=com.acme.pricing"))
                                .jvmOptions("--add-modules", "jdk.httpserver")
                                .classpath(pricing).module("app.automatic/com.acme.app.Main", appAutomatic),
                        "price 42"));
        return Jdks.all().stream().flatMap(jdk -> setups.stream().map(s -> arguments(jdk, s)));
    }

    static Stream<Arguments> onTheClassPath() {
        List<Setup> setups = List.of(
                new Setup("swappable package in its own jar, modules directory",
                        (child, dir) -> child.agent(args(dir, "packages=com.acme.pricing,modules=" + modules(dir)))
                                .classpath(app, pricing).mainClass("com.acme.app.Main"),
                        "price 42"),
                new Setup("swappable package inside the application jar",
                        (child, dir) -> child.agent(args(dir, "packages=com.acme.shop.pricing"))
                                .classpath(shop).mainClass("com.acme.shop.Main"),
                        "price 7"),
                new Setup("swappable code calling a library module that stays on the module path",
                        (child, dir) -> child.agent(args(dir, "packages=com.acme.pricing,modules="
                                        + modules(dir, pricingUsingUtil)))
                                .jvmOptions("--module-path", util.toString(), "--add-modules", "com.acme.util")
                                .classpath(app).mainClass("com.acme.app.Main"),
                        "price 42"));
        return Jdks.all().stream().flatMap(jdk -> setups.stream().map(s -> arguments(jdk, s)));
    }

    @BeforeAll
    static void buildJars() throws IOException {
        Path shared = WorkDirs.forClass(ModulePathIT.class);
        pricing = new JarBuilder()
                .source("module-info", "module com.acme.pricing { exports com.acme.pricing; }")
                .source("com.acme.pricing.Pricing",
                        "package com.acme.pricing; public class Pricing { public static int price() { return 42; } }")
                .build(shared.resolve("pricing.jar").toAbsolutePath());
        app = new JarBuilder()
                .source("module-info", "module com.acme.app { requires com.acme.pricing; requires jdk.httpserver; }")
                .source("com.acme.app.Main", server("com.acme.app", "com.acme.pricing.Pricing.price()"))
                .modulePath(pricing)
                .build(shared.resolve("app.jar").toAbsolutePath());
        appStatic = new JarBuilder()
                .source("module-info", "module com.acme.app {"
                        + " requires static com.acme.pricing; requires jdk.httpserver; }")
                .source("com.acme.app.Main", server("com.acme.app", "com.acme.pricing.Pricing.price()"))
                .modulePath(pricing)
                .build(shared.resolve("app-static.jar").toAbsolutePath());
        appAutomatic = new JarBuilder()
                .source("com.acme.app.Main", server("com.acme.app", "com.acme.pricing.Pricing.price()"))
                .classpath(pricing)
                .build(shared.resolve("app-automatic.jar").toAbsolutePath());
        shop = new JarBuilder()
                .source("module-info", "module com.acme.shop { requires jdk.httpserver; }")
                .source("com.acme.shop.Main", server("com.acme.shop", "com.acme.shop.pricing.Pricing.price()"))
                .source("com.acme.shop.pricing.Pricing",
                        "package com.acme.shop.pricing; public class Pricing { public static int price() { return 7; } }")
                .build(shared.resolve("shop.jar").toAbsolutePath());
        util = new JarBuilder()
                .source("module-info", "module com.acme.util { exports com.acme.util; }")
                .source("com.acme.util.Util",
                        "package com.acme.util; public class Util { public static int twice(int x) { return 2 * x; } }")
                .build(shared.resolve("util.jar").toAbsolutePath());
        pricingSql = new JarBuilder()
                .source("module-info", "module com.acme.pricing { requires java.sql; exports com.acme.pricing; }")
                .source("com.acme.pricing.Pricing", "package com.acme.pricing;"
                        + " public class Pricing { public static int price() { return java.sql.Types.INTEGER; } }")
                .build(shared.resolve("pricing-sql/pricing.jar").toAbsolutePath());
        pricingUsingUtil = new JarBuilder()
                .source("com.acme.pricing.Pricing", "package com.acme.pricing;"
                        + " public class Pricing { public static int price() { return com.acme.util.Util.twice(21); } }")
                .classpath(util)
                .build(shared.resolve("pricing-util.jar").toAbsolutePath());
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("refused")
    void stopsBeforeMainWithOneLine(Jdk jdk, Setup setup, TestInfo info) throws IOException {
        Path dir = WorkDirs.forTest(info);
        ChildJvm.Result r = setup.start().apply(ChildJvm.on(jdk), dir).outputIn(dir).name("modular").run();
        List<String> lines = r.stderrLines().stream().filter(l -> !l.isBlank()).toList();
        assertAll(r.describe(),
                () -> assertEquals(1, r.exitCode(), "exit code"),
                () -> assertFalse(r.stdout().contains(MAIN_RAN), "main must not run"),
                () -> assertEquals(List.of(setup.line()), lines, "exactly this one line on stderr"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("onTheModulePath")
    void theModulePathServesARequest(Jdk jdk, Setup setup, TestInfo info) throws IOException {
        theSameJarsOnTheClassPathServeARequest(jdk, setup, info);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("onTheClassPath")
    void theSameJarsOnTheClassPathServeARequest(Jdk jdk, Setup setup, TestInfo info) throws IOException {
        Path dir = WorkDirs.forTest(info);
        ChildJvm.Result r = setup.start().apply(ChildJvm.on(jdk), dir).outputIn(dir).name("classpath").run();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode(), "exit code"),
                () -> assertTrue(r.stdoutLines().contains(setup.line()), "the response, from the swappable code"),
                () -> assertTrue(r.stderr().contains("generation 1 ("), "the swappable code is generation 1"));
    }

    /**
     * A main that serves {@code /price} with {@code price} on the JDK's HttpServer, asks it once and
     * prints the response (each request is a root task: it resolves the swappable class in its binding).
     */
    private static String server(String pkg, String price) {
        return "package " + pkg + ";\n"
                + "import com.sun.net.httpserver.HttpServer;\n"
                + "import java.net.*;\n"
                + "public class Main {\n"
                + "    public static void main(String[] args) throws Exception {\n"
                + "        System.out.println(\"" + MAIN_RAN + "\");\n"
                + "        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),"
                + " 0), 0);\n"
                + "        server.createContext(\"/price\", exchange -> {\n"
                + "            byte[] body = (\"price \" + " + price + ").getBytes();\n"
                + "            exchange.sendResponseHeaders(200, body.length);\n"
                + "            exchange.getResponseBody().write(body);\n"
                + "            exchange.close();\n"
                + "        });\n"
                + "        server.start();\n"
                + "        try {\n"
                + "            HttpURLConnection c = (HttpURLConnection) URI.create(\"http://127.0.0.1:\""
                + " + server.getAddress().getPort() + \"/price\").toURL().openConnection();\n"
                + "            c.setConnectTimeout(20000);\n"
                + "            c.setReadTimeout(20000);\n"
                + "            System.out.println(new String(c.getInputStream().readAllBytes()));\n"
                + "        } finally {\n"
                + "            server.stop(0);\n"
                + "        }\n"
                + "    }\n"
                + "}\n";
    }

    private static String args(Path dir, String args) {
        return args + ",store=" + dir.resolve("store");
    }

    /** A modules directory holding the swappable pricing jar. */
    private static Path modules(Path dir) {
        return modules(dir, pricing);
    }

    private static Path modules(Path dir, Path jar) {
        try {
            Path modules = Files.createDirectories(dir.resolve("modules"));
            Files.copy(jar, modules.resolve(jar.getFileName()));
            return modules;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
