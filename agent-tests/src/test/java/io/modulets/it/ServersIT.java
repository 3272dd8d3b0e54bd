package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.Artifacts;
import io.modulets.testkit.BootJar;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Deploys;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WithoutTheAgent;
import io.modulets.testkit.WorkDirs;

/**
 * Real servers and schedulers, unmodified, from Maven Central (DESIGN §2.1, "requests and jobs"): embedded Jetty 12
 * (a core handler, one answering from its demand callback, and ee10 servlets going on in AsyncContext.start and
 * dispatch), embedded Tomcat 11 (a plain servlet and an async one), embedded Undertow 2.3 (a blocking handler and a
 * Runnable dispatched to its workers), Quartz 2.5, the JDK's HttpServer, a Spring Boot 4 web app and Spring's
 * {@code @Scheduled} and {@code @Async} jobs in a Spring Boot 4 application, Netty 4.2
 * (answering on its event loop, and from another thread; and a pipelined connection), WebSocket messages on Netty,
 * Tomcat, Jetty (also one read as a stream) and Undertow, Reactor Netty 1.3 and
 * Vert.x 5 (in its handler, in executeBlocking, in a timer), Kotlin coroutines (kotlinx 1.11, on four dispatchers,
 * resumed after delay; the server compiled by the Kotlin compiler), RxJava 3 (a chain across its schedulers, under
 * the JDK's HttpServer), each run with nothing but {@code packages} and {@code modules}. A request or job in flight
 * across a deploy reads the old version at its start and at its end; every one started after the deploy reads the
 * new one; the old generation retires once the one in flight ends, and unloads. The same story without the agent
 * fails the same checks. Its tests run side by side (agent-tests/pom.xml): each has a child JVM, a port and a work
 * directory of its own, and most of a test's time is its child's start and waits.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
class ServersIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * A child's start to its "ready" line: Spring Boot's executable jar, with the agent, on a machine shared with
     * other builds while the tests run two at a time, was seen to take 55 s.
     */
    private static final Duration START = Duration.ofSeconds(120);
    private static final String[] APPS = {"Gates", "JettyApp", "TomcatApp", "QuartzApp",
        "HttpServerApp", "LoopApp", "UndertowApp", "NettyApp", "ReactorApp", "spring.SpringApp", "JettyServletApp",
        "JettyDemandApp", "jobs.SpringJobsApp", "VertxApp", "GrpcApp", "RxApp", "ReactorJdkApp", "ReactorH2App",
        "NettyH2App"};
    /** The jars each app needs, from this JVM's class path (Maven resolved them, test scope). */
    private static final String PLAIN = "(jetty-|tomcat-|quartz-|slf4j-api-).*\\.jar";
    private static final String SPRING = "(spring-|logback-|log4j-|jul-to-slf4j-|slf4j-api-|jackson-|snakeyaml-"
            + "|micrometer-|jakarta\\.annotation-|jspecify-|commons-logging-|tomcat-).*\\.jar";
    /** Jetty's servlet layer and the servlet API it was built on (Tomcat's embedded copy is newer). */
    private static final String JETTY_SERVLET = "(jetty-|jakarta\\.servlet-api-|slf4j-api-).*\\.jar";
    private static final String UNDERTOW = "(undertow-|xnio-|jboss-|wildfly-|smallrye-).*\\.jar";
    private static final String NETTY = "netty-.*\\.jar";
    private static final String REACTOR = "(netty-|reactor-|reactive-streams-|jspecify-).*\\.jar";
    private static final String VERTX_JARS = "(netty-|vertx-).*\\.jar";
    private static final String RXJAVA = "(rxjava-|reactive-streams-).*\\.jar";
    /** gRPC's shaded Netty transport, its stubs and what they need. */
    private static final String GRPC = "(grpc-|guava-|failureaccess-|perfmark-|gson-|annotations-|error_prone_"
            + "|j2objc-|animal-sniffer-).*\\.jar";
    private static final String KOTLIN = "(kotlinx-coroutines-core-jvm-|kotlin-stdlib-|annotations-).*\\.jar";
    /** The Kotlin compiler and what it runs with (test scope, as the frameworks). */
    private static final String KOTLIN_COMPILER = "(kotlin-|kotlinx-coroutines-core-jvm-|annotations-).*\\.jar";
    /** The Kotlin coroutine server (apps/servers/kotlin), compiled when a test first needs it. */
    private static Path kotlinApp;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String BOOT_LOADER = "spring-boot-loader-.*\\.jar";
    private static Path v1;
    private static Path v2;
    private static Path shellJar;
    private static List<Path> frameworks;
    /** Jetty 9.4 and its servlet API (agent-tests/pom.xml copies them), with the Jetty 9 app built against them. */
    private static List<Path> jetty9;
    /** The swappable package with a Spring component too, versions 1 and 2, for the executable jar. */
    private static Path bootV1;
    private static Path bootV2;
    /** SpringApp as a Spring Boot executable jar, with bootV1 in BOOT-INF/lib as Spring Boot's build puts it. */
    private static Path bootJar;

    /**
     * A server (how the test reaches it), the path of the request the story sends, and what the agent
     * needs beyond packages and modules (nothing, but for a framework whose requests it does not know).
     */
    enum Server {
        JETTY("sv.JettyApp", "/x", PLAIN),
        TOMCAT("sv.TomcatApp", "/sync", PLAIN),
        TOMCAT_ASYNC("sv.TomcatApp", "/async", PLAIN),
        QUARTZ("sv.QuartzApp", null, PLAIN),
        JDK_HTTP_SERVER("sv.HttpServerApp", "/x", PLAIN),
        UNDERTOW_BLOCKING("sv.UndertowApp", "/blocking", UNDERTOW),
        UNDERTOW_ASYNC("sv.UndertowApp", "/async", UNDERTOW),
        NETTY_ON_EVENT_LOOP("sv.NettyApp", "/x", NETTY),
        /** Served on a pool of the application's, and answered from the pool's thread. */
        NETTY_FROM_POOL("sv.NettyApp", "/later", NETTY),
        /** Answered after a task of Netty's HashedWheelTimer, whose worker thread the first request starts. */
        NETTY_TIMER("sv.NettyApp", "/wheel", NETTY),
        /** Reactor Netty 1.3 (Spring WebFlux's server), a route served on Reactor's boundedElastic scheduler. */
        REACTOR_NETTY("sv.ReactorApp", "/x", REACTOR),
        /**
         * A request's continuations: answered after Mono.delay's timer, publishOn(boundedElastic), where it holds,
         * and delayElement, each step on one of Reactor's schedulers.
         */
        REACTOR_DELAYED("sv.ReactorApp", "/delayed", REACTOR),
        /**
         * The JDK's continuations: the HttpServer's handler returns at once; steps run by
         * CompletableFuture.delayedExecutor on an application pool, under orTimeout, and the last one answers.
         */
        JDK_CONTINUATIONS("sv.HttpServerApp", "/continuations", PLAIN),
        /**
         * RxJava 3 (tested by its own methods): the HttpServer's handler returns at once and answers from a chain
         * whose steps run on RxJava's schedulers (computation, io, where it holds, single, newThread, from a pool).
         */
        RXJAVA_SCHEDULERS("sv.RxApp", "/x", RXJAVA),
        /**
         * Reactor without Reactor Netty (tested by its own methods): the HttpServer's handler answers from a Mono
         * chain (delayElement, publishOn(boundedElastic()), where it holds, delayElement).
         */
        REACTOR_ON_JDK_SERVER("sv.ReactorJdkApp", "/x", REACTOR),
        SPRING_BOOT("sv.spring.SpringApp", "/x", SPRING),
        SPRING_BOOT_VIRTUAL_THREADS("sv.spring.SpringApp", "/x", SPRING),
        /** {@code java -jar app.jar}: Spring Boot's own loader loads the application from nested jars. */
        SPRING_BOOT_JAR("sv.spring.SpringApp", "/x", SPRING),
        /** Jetty 12's ee10 servlets (tested by their own methods): served in AsyncContext.start. */
        JETTY_SERVLET_START("sv.JettyServletApp", "/start", JETTY_SERVLET),
        /** Then AsyncContext.dispatch back to the servlet, which answers in the async dispatch. */
        JETTY_SERVLET_DISPATCH("sv.JettyServletApp", "/dispatch", JETTY_SERVLET),
        /** The same dispatch in Jetty 12's ee8 servlets (javax; the nested layer, as ee9). */
        JETTY_EE8_SERVLET_DISPATCH("sv.JettyEe8ServletApp", "/dispatch", JETTY_SERVLET),
        /** The same dispatch in Jetty 9.4 (the shape of Jetty 10 and 11), from beside the test class path. */
        JETTY_9_SERVLET_DISPATCH("sv.Jetty9ServletApp", "/dispatch", null),
        /** Spring's @Scheduled(fixedDelay) on Boot's ThreadPoolTaskScheduler: a periodic task of the JDK's pool. */
        SPRING_FIXED_DELAY("sv.jobs.SpringJobsApp", "fixed-delay", SPRING),
        /** @Scheduled(cron): Spring schedules each run from the end of the one before (its ReschedulingRunnable). */
        SPRING_CRON("sv.jobs.SpringJobsApp", "cron", SPRING),
        /** With virtual threads: Boot's SimpleAsyncTaskScheduler hands each cron run to a new thread. */
        SPRING_CRON_VIRTUAL_THREADS("sv.jobs.SpringJobsApp", "cron", SPRING),
        /** @Async, called by the application's main thread, on Boot's applicationTaskExecutor. */
        SPRING_ASYNC("sv.jobs.SpringJobsApp", "async", SPRING),
        /** Vert.x 5 (tested by its own methods): answered in the request handler, on the event loop. */
        VERTX("sv.VertxApp", "/x", VERTX_JARS),
        /** Served in executeBlocking on Vert.x's worker pool, answered from the event loop. */
        VERTX_EXECUTE_BLOCKING("sv.VertxApp", "/blocking", VERTX_JARS),
        /** Served in a timer the handler sets on its event loop. */
        VERTX_TIMER("sv.VertxApp", "/timer", VERTX_JARS),
        /**
         * Kotlin coroutines (tested by their own methods): the JDK's HttpServer's handler launches a coroutine on
         * Dispatchers.Default that reads, suspends in delay, reads again and holds, then reads after a delay in a
         * withContext(Dispatchers.IO) block and after one in a child coroutine (async), and answers.
         */
        KOTLIN_DEFAULT("sv.CoroutineAppKt", "/default", KOTLIN),
        /** The same coroutine on Dispatchers.IO. */
        KOTLIN_IO("sv.CoroutineAppKt", "/io", KOTLIN),
        /** On an application pool's dispatcher (asCoroutineDispatcher): resumed there by kotlinx's timer thread. */
        KOTLIN_POOL("sv.CoroutineAppKt", "/pool", KOTLIN),
        /** On a dispatcher over virtual threads (a new virtual thread at each step). */
        KOTLIN_VIRTUAL_THREADS("sv.CoroutineAppKt", "/virtual", KOTLIN);

        final String mainClass;
        final String path;
        final String jars;
        final String arguments;

        Server(String mainClass, String path, String jars) {
            this(mainClass, path, jars, "");
        }

        Server(String mainClass, String path, String jars, String arguments) {
            this.mainClass = mainClass;
            this.path = path;
            this.jars = jars;
            this.arguments = arguments;
        }

        List<Path> classPath() {
            if (this == JETTY_9_SERVLET_DISPATCH) {
                return jetty9;
            }
            return frameworks.stream().filter(jar -> jar.getFileName().toString().matches(jars)).toList();
        }

        boolean runsOn(Jdk jdk) {
            return !virtualThreads() || jdk.major() >= 21;
        }

        boolean virtualThreads() {
            return this == SPRING_BOOT_VIRTUAL_THREADS || this == SPRING_CRON_VIRTUAL_THREADS
                    || this == KOTLIN_VIRTUAL_THREADS;
        }

        /** A scheduler's job (the test sends "job ..."), not an HTTP request. */
        boolean jobs() {
            return this == QUARTZ || springJobs();
        }

        /** Spring's scheduling and @Async (tested by their own methods). */
        boolean springJobs() {
            return mainClass.equals("sv.jobs.SpringJobsApp");
        }

        boolean vertx() {
            return mainClass.equals("sv.VertxApp");
        }

        boolean coroutines() {
            return mainClass.equals("sv.CoroutineAppKt");
        }

        /** Tested by the story of a method of their own. */
        boolean ownMethod() {
            return jettyServlet() || springJobs() || vertx() || coroutines() || this == RXJAVA_SCHEDULERS
                    || this == REACTOR_ON_JDK_SERVER;
        }

        boolean jettyServlet() {
            return this == JETTY_SERVLET_START || this == JETTY_SERVLET_DISPATCH || this == JETTY_EE8_SERVLET_DISPATCH
                    || this == JETTY_9_SERVLET_DISPATCH;
        }

        boolean executableJar() {
            return this == SPRING_BOOT_JAR;
        }

        /** The JDK's HttpServer without executor serves one request at a time, on its dispatcher. */
        boolean servesWhileOneHolds() {
            return this != JDK_HTTP_SERVER;
        }
    }

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(ServersIT.class);
        v1 = version(dir, 1);
        v2 = version(dir, 2);
        frameworks = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(jar -> jar.getFileName().toString()
                        .matches(String.join("|", PLAIN, SPRING, UNDERTOW, NETTY, REACTOR, JETTY_SERVLET, VERTX_JARS,
                                KOTLIN, GRPC, RXJAVA)))
                .filter(jar -> !jar.getFileName().toString().matches(BOOT_LOADER))
                .toList();
        JarBuilder shell = new JarBuilder().classpath(Stream.concat(Stream.of(v1), frameworks.stream())
                .toArray(Path[]::new));
        for (String app : APPS) {
            shell.source("sv." + app, AppSources.read("apps/servers/shell/sv/" + app.replace('.', '/') + ".java"));
        }
        // the ee10 servlet app again for Jetty's ee8 layer, made as Jetty makes its ee8 sources from its ee9 ones
        String jettyServletApp = AppSources.read("apps/servers/shell/sv/JettyServletApp.java")
                .replace("jakarta.servlet.", "javax.servlet.");
        shell.source("sv.JettyEe8ServletApp", jettyServletApp.replace(".ee10.", ".ee8.")
                .replace("JettyServletApp", "JettyEe8ServletApp"));
        shellJar = shell.build(dir.resolve("shell.jar"));
        // and for Jetty 9.4, whose servlet layer is the core of the server, built against it alone
        List<Path> jetty9Jars;
        try (Stream<Path> jars = Files.list(Path.of(System.getProperty("jetty9.dir")))) {
            jetty9Jars = jars.sorted().toList();
        }
        jetty9 = new ArrayList<>(jetty9Jars);
        jetty9.add(0, new JarBuilder().classpath(Stream.concat(Stream.of(v1, shellJar), jetty9Jars.stream())
                        .toArray(Path[]::new))
                .source("sv.Jetty9ServletApp", jettyServletApp.replace(".ee10.", ".")
                        .replace("JettyServletApp", "Jetty9ServletApp"))
                .build(dir.resolve("jetty9-app.jar")));        bootV1 = bootVersion(dir, 1);
        bootV2 = bootVersion(dir, 2);
        Path loader = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(jar -> jar.getFileName().toString().matches(BOOT_LOADER)).findFirst().orElseThrow();
        BootJar boot = new BootJar().loader(loader).classes(shellJar, "sv.spring.SpringApp").library(bootV1);
        Server.SPRING_BOOT_JAR.classPath().forEach(boot::library);
        bootJar = boot.build(dir.resolve("app.jar"));
    }

    /**
     * The Kotlin server, compiled once by the Kotlin compiler from Maven Central in a child JVM (about half a
     * minute on a busy machine, so only for the tests that run it), against kotlinx, the shell and version 1.
     */
    private static synchronized Path kotlinApp() throws IOException {
        if (kotlinApp == null) {
            Path dir = shellJar.getParent(); // the class's shared directory (forClass would empty it)
            Path source = dir.resolve("CoroutineApp.kt");
            Files.writeString(source, AppSources.read("apps/servers/kotlin/sv/CoroutineApp.kt"));
            Path classes = dir.resolve("kotlin-app");
            Path[] compiler = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                    .filter(jar -> jar.getFileName().toString().matches(KOTLIN_COMPILER)).toArray(Path[]::new);
            List<String> libraries = new ArrayList<>(List.of(shellJar.toString(), v1.toString()));
            Server.KOTLIN_DEFAULT.classPath().forEach(jar -> libraries.add(jar.toString()));
            ChildJvm.Result compiled = ChildJvm.on(Jdks.running()).classpath(compiler)
                    .mainClass("org.jetbrains.kotlin.cli.jvm.K2JVMCompiler")
                    .args("-no-stdlib", "-no-reflect", "-jvm-target", "17", "-cp",
                            String.join(File.pathSeparator, libraries), "-d", classes, source)
                    .outputIn(dir).name("kotlinc").timeout(Duration.ofMinutes(3)).run();
            assertEquals(0, compiled.exitCode(), compiled::describe);
            kotlinApp = classes;
        }
        return kotlinApp;
    }

    /**
     * Version n, and a Spring component that needs the application's classes and libraries: a class of
     * BOOT-INF/classes (sv.Gates) and Spring's Environment (BOOT-INF/lib).
     */
    private static Path bootVersion(Path dir, int n) throws IOException {
        return new JarBuilder()
                .classpath(Stream.concat(Stream.of(shellJar), frameworks.stream()).toArray(Path[]::new))
                .source("sv.mod.Version", "package sv.mod; public class Version {"
                        + " public static String version() { return \"" + n + "\"; } }")
                .source("sv.mod.Greeting", "package sv.mod;\n"
                        + "@org.springframework.stereotype.Component\n"
                        + "public class Greeting implements java.util.function.Supplier<String> {\n"
                        + "    private final org.springframework.core.env.Environment environment;\n"
                        + "    public Greeting(org.springframework.core.env.Environment environment) {\n"
                        + "        this.environment = environment;\n"
                        + "    }\n"
                        + "    public String get() {\n"
                        + "        return \"bean \" + Version.version() + \" in \"\n"
                        + "                + environment.getProperty(\"spring.application.name\")\n"
                        + "                + \", sees \" + sv.Gates.class.getName();\n"
                        + "    }\n"
                        + "}\n")
                .manifest("Implementation-Version", n + ".0")
                .directoryEntries()
                .build(dir.resolve("boot-version-" + n + ".jar"));
    }

    private static Path version(Path dir, int n) throws IOException {
        return new JarBuilder()
                .source("sv.mod.Version", "package sv.mod; public class Version {"
                        + " public static String version() { return \"" + n + "\"; } }")
                .manifest("Implementation-Version", n + ".0")
                .build(dir.resolve("version-" + n + ".jar"));
    }

    static Stream<Arguments> jdksAndServers() {
        List<Arguments> all = new ArrayList<>();
        for (Jdk jdk : Jdks.all()) {
            for (Server server : Server.values()) {
                if (server.runsOn(jdk) && !server.ownMethod()) {
                    all.add(Arguments.of(jdk, server));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("jdksAndServers")
    void aRequestInFlightKeepsItsVersionAndEveryLaterOneRunsTheNewOne(Jdk jdk, Server server, TestInfo info)
            throws Exception {
        story(jdk, server, info, true);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("servers")
    @WithoutTheAgent
    void withoutTheAgentTheSameStoryFails(Server server, TestInfo info) {
        failsWithoutTheAgent(server, info);
    }

    /**
     * In a Spring Boot executable jar, swappable code sees what it would see without the agent: the context
     * starts with a swappable {@code @Component} made from a class of {@code BOOT-INF/classes} and Spring's
     * {@code Environment} of {@code BOOT-INF/lib}, found by scanning the jar's own copy of the swappable
     * package. Like every object, the singleton keeps its generation's code (DESIGN §2.3) while every request
     * after a deploy runs the new version; it keeps that generation loaded, and the log says so once, with
     * its path from a shell static field (DESIGN §6).
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aSwappableComponentInASpringBootJarSeesTheApplicationsClassesAndLibraries(Jdk jdk, TestInfo info)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(bootV1, modules.resolve("version.jar"));
        ChildJvm child = ChildJvm.on(jdk).jar(bootJar).args("platform", "beans")
                .agent("packages=sv.mod,modules=" + modules + ",quiet=50ms,store=" + work.resolve("store"));
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child")) {
            int port = Integer.parseInt(jvm.expect("ready ", START).substring("ready ".length()));
            String bean = "bean 1 in sv-spring, sees sv.Gates";
            assertEquals(bean, get(port, "/bean"), "the swappable component\n" + jvm.describe());
            List<String> copy = jvm.stderrLines().stream().filter(line -> line.contains("holds swappable classes"))
                    .toList();
            assertEquals(1, copy.size(), "the jar's own copy is named once\n" + jvm.describe());
            assertTrue(copy.get(0).endsWith("app.jar/!BOOT-INF/lib/boot-version-1.jar holds swappable classes"
                    + " (package sv.mod); Spring Boot's class loader never loads them, the generations' are used"),
                    copy::toString);
            Deploys.renameInto(bootV2, modules, "version.jar");
            jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
            assertEquals("start=2 end=2", get(port, "/x?id=after"), "a request after the deploy\n" + jvm.describe());
            assertEquals(bean, get(port, "/bean"), "the singleton keeps its generation's code\n" + jvm.describe());
            // ... and keeps generation 1 loaded: the pin report names the path from a shell static, once
            jvm.awaitLog("generation 1 \\(.*\\) retired at .* survived a full collection", "gc", "gc done", WAIT);
            jvm.send("gc");
            jvm.expect("gc done", WAIT);
            List<String> pinned = jvm.allLines().stream().filter(line -> line.contains("held by shell code: static "))
                    .toList();
            assertEquals(1, pinned.size(), "said once\n" + jvm.describe());
            assertTrue(pinned.get(0).contains(".beanFactory.singletonObjects[\"greeting\"] is a sv.mod.Greeting"),
                    pinned::toString);
            assertTrue(pinned.get(0).contains("; objects keep their code: call swappable code from the request, not"
                    + " through a bean (Spring makes a bean of any scope from the class it resolved at startup;"
                    + " docs/SERVERS.md, Objects keep their code)"), pinned::toString);
        }
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer::body);
        return answer.body();
    }

    /**
     * A loop thread the agent does not know (a home-made poller started at boot) is a task bound to
     * generation 1 for its whole life, and so is everything it hands out: the agent says so in one line
     * naming the thread, its Runnable and the setting; with that setting, the next run swaps.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aLoopThreadBoundByMistakeIsNamedInOneLineAndLoopsFixesIt(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        String warning = "generation 1 \\(1\\.0, \\w+\\) has been draining for more than 1 s: 1 thread is bound to"
                + " it: thread 'home-made-poller' \\(running a sv\\.LoopApp\\$Poller\\); a thread that only loops"
                + " and hands out work must not be bound: name its class or its Runnable's in loops=";
        try (InteractiveJvm jvm = loopApp(jdk, work.resolve("unknown"), "")) {
            assertEquals("start=1 end=1", job(jvm, "after-deploy"), "the poller hands out generation 1's binding");
            jvm.awaitLog(warning, "ping", "pong", WAIT);
            long lines = jvm.stderrLines().stream().filter(line -> line.contains("has been draining")).count();
            assertEquals(1, lines, "said once\n" + jvm.describe());
            ChildJvm.Result status = ChildJvm.on(jdk).jar(Artifacts.agentJar()).args("status", jvm.pid())
                    .outputIn(work).name("status").timeout(WAIT).run();
            assertTrue(status.stdoutLines().stream().anyMatch(line -> line.startsWith("drain warning   generation 1 (")
                    && line.contains("thread 'home-made-poller' (running a sv.LoopApp$Poller)")), status::describe);
        }
        try (InteractiveJvm jvm = loopApp(jdk, work.resolve("named"), ",loops=sv.LoopApp$Poller")) {
            assertEquals("start=2 end=2", job(jvm, "after-deploy"), "named a loop, the poller is never bound");
            jvm.awaitLog("generation 1 \\(1\\.0, \\w+\\) retired", "ping", "pong", WAIT);
        }
    }

    /** LoopApp on generation 1, with generation 2 deployed and current. */
    private static InteractiveJvm loopApp(Jdk jdk, Path work, String arguments) throws Exception {
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(v1, modules.resolve("version.jar"));
        InteractiveJvm jvm = InteractiveJvm.start(ChildJvm.on(jdk).classpath(shellJar).mainClass("sv.LoopApp")
                .agent("packages=sv.mod,modules=" + modules + ",quiet=50ms,drainWarning=1s,store="
                        + work.resolve("store") + arguments), work, "child");
        try {
            jvm.expect("ready ", START);
            assertEquals("start=1 end=1", job(jvm, "before-deploy"));
            Deploys.renameInto(v2, modules, "version.jar");
            jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
            return jvm;
        } catch (Exception | AssertionError e) {
            jvm.close();
            throw e;
        }
    }

    private static String job(InteractiveJvm jvm, String id) throws Exception {
        jvm.send("job " + id);
        return jvm.expect("done " + id, WAIT).substring(("done " + id + " ").length());
    }

    static Stream<Server> servers() {
        return Stream.of(Server.values()).filter(server -> server.runsOn(Jdks.running()) && !server.ownMethod());
    }

    static Stream<Arguments> jdksAndVertx() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of(Server.values()).filter(Server::vertx)
                .map(server -> Arguments.of(jdk, server)));
    }

    /**
     * Vert.x 5, with nothing but packages and modules: a request answered in its handler on the event loop,
     * one served in {@code executeBlocking} on the worker pool, and one served in a timer its handler sets,
     * held across a deploy, read version 1 at their start and end; later requests read 2; generation 1
     * retires and unloads.
     */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("jdksAndVertx")
    void aVertxRequestInFlightKeepsItsVersionAndEveryLaterOneRunsTheNewOne(Jdk jdk, Server server, TestInfo info)
            throws Exception {
        story(jdk, server, info, true);
    }

    /**
     * HTTP/2 (Netty's codec, here Vert.x's server after the JDK client's h2c upgrade): each stream is a
     * request. A request whose body is still coming when the deploy happens read version 1 at its start; a
     * request started after the deploy, a stream of the same connection, reads 2; the body's last frame
     * arrives after the deploy, and the code that answers in the body's end handler, on the event loop, reads
     * version 1 still; generation 1 retires and unloads once the stream is closed.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aVertxHttp2StreamKeepsItsVersionToItsLastFrame(Jdk jdk, TestInfo info) throws Exception {
        http2BodyStory(jdk, info, true, Server.VERTX.classPath(), "sv.VertxApp");
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void aVertxHttp2StreamWithoutTheAgentFails(TestInfo info) {
        assertFailsWithoutTheAgent(
                () -> http2BodyStory(Jdks.running(), info, false, Server.VERTX.classPath(), "sv.VertxApp"),
                "started after the deploy");
    }

    /**
     * The same story on Reactor Netty's HTTP/2 over cleartext (what Spring WebFlux runs with
     * {@code server.http2.enabled}): Reactor runs each stream as a child channel of the connection
     * ({@code Http2FrameCodec} and {@code Http2MultiplexHandler}), and its body arrives through the stream
     * channel's reads as {@code aggregate()} collects it.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aReactorNettyHttp2StreamKeepsItsVersionToItsLastFrame(Jdk jdk, TestInfo info) throws Exception {
        http2BodyStory(jdk, info, true, Server.REACTOR_NETTY.classPath(), "sv.ReactorH2App");
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void aReactorNettyHttp2StreamWithoutTheAgentFails(TestInfo info) {
        assertFailsWithoutTheAgent(
                () -> http2BodyStory(Jdks.running(), info, false, Server.REACTOR_NETTY.classPath(),
                        "sv.ReactorH2App"),
                "started after the deploy");
    }

    private void http2BodyStory(Jdk jdk, TestInfo info, boolean withAgent, List<Path> jars, String mainClass)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        ChildJvm child = storyChild(jdk, work, modules, jars, mainClass, withAgent);
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child");
             SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>()) {
            int port = Integer.parseInt(jvm.expect("ready ", START).substring("ready ".length()));
            // the request that upgrades the connection (h2c); every later one is a stream of it
            assertEquals("start=1 end=1", send(h2, port, "/x?id=upgrade"), jvm::describe);
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/body?id=body-1"))
                    .timeout(WAIT).POST(HttpRequest.BodyPublishers.fromPublisher(body)).build();
            CompletableFuture<HttpResponse<String>> held = h2.sendAsync(post, HttpResponse.BodyHandlers.ofString());
            assertEquals("began body-1 start=1", jvm.expect("began body-1", WAIT),
                    "the request in flight starts on version 1\n" + jvm.describe());
            Deploys.renameInto(v2, modules, "version.jar");
            if (withAgent) {
                jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
            } else {
                jvm.send("ping");
                jvm.expect("pong", WAIT);
            }
            assertEquals("start=2 end=2", send(h2, port, "/x?id=new-1"),
                    "a stream started after the deploy, while one is in flight, runs version 2\n" + jvm.describe());
            body.submit(ByteBuffer.wrap("the body".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            body.close();
            HttpResponse<String> answer = held.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(HttpClient.Version.HTTP_2, answer.version(), "the server upgraded the connection");
            assertEquals("start=1 end=1", answer.body(),
                    "the stream in flight keeps version 1 to its last frame\n" + jvm.describe());
            if (withAgent) {
                awaitRetiredAndUnloaded(jvm);
            }
            assertEquals("start=2 end=2", send(h2, port, "/x?id=new-2"),
                    "a stream started after the deploy runs version 2\n" + jvm.describe());
        }
    }

    /**
     * h2c's upgrade on Netty 4.2 (HttpServerUpgradeHandler and Http2ServerUpgradeCodec, each stream a child channel
     * of Http2MultiplexHandler): the HTTP/1.1 request that upgrades a cleartext connection goes on as HTTP/2 stream
     * 1. One held across a deploy reads version 1 as it begins and again when the client resets it after the deploy;
     * a stream opened on the same connection after the deploy reads 2; generation 1 drains until stream 1 closes,
     * then retires and unloads.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aNettyH2cUpgradeRequestKeepsItsVersionAsStreamOne(Jdk jdk, TestInfo info) throws Exception {
        h2cUpgradeStory(jdk, info, true, Server.NETTY_ON_EVENT_LOOP.classPath(), "sv.NettyH2App");
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void aNettyH2cUpgradeRequestWithoutTheAgentFails(TestInfo info) {
        assertFailsWithoutTheAgent(
                () -> h2cUpgradeStory(Jdks.running(), info, false, Server.NETTY_ON_EVENT_LOOP.classPath(),
                        "sv.NettyH2App"),
                "opened after the deploy");
    }

    /**
     * The same story on Reactor Netty 1.3 with {@code HttpProtocol.H2C} (CleartextHttp2ServerUpgradeHandler in front
     * of the same upgrade): a route that never answers reads the version again when its stream is reset and Reactor
     * cancels the route's publisher.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aReactorNettyH2cUpgradeRequestKeepsItsVersionAsStreamOne(Jdk jdk, TestInfo info) throws Exception {
        h2cUpgradeStory(jdk, info, true, Server.REACTOR_NETTY.classPath(), "sv.ReactorH2App");
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void aReactorNettyH2cUpgradeRequestWithoutTheAgentFails(TestInfo info) {
        assertFailsWithoutTheAgent(
                () -> h2cUpgradeStory(Jdks.running(), info, false, Server.REACTOR_NETTY.classPath(),
                        "sv.ReactorH2App"),
                "opened after the deploy");
    }

    private void h2cUpgradeStory(Jdk jdk, TestInfo info, boolean withAgent, List<Path> jars, String mainClass)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        ChildJvm child = storyChild(jdk, work, modules, jars, mainClass, withAgent);
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child")) {
            int port = Integer.parseInt(jvm.expect("ready ", START).substring("ready ".length()));
            try (H2cClient h2c = H2cClient.upgrade(port, "/hold?id=up-1", WAIT)) {
                assertEquals("began up-1 start=1", jvm.expect("began up-1", WAIT),
                        "the upgrading request starts on version 1\n" + jvm.describe());
                deploy(jvm, modules, withAgent);
                assertEquals("start=2 end=2", h2c.get("/x?id=new-1"),
                        "a stream opened after the deploy, while stream 1 is in flight, runs version 2\n"
                                + jvm.describe());
                if (withAgent) {
                    assertTrue(jvm.stderrLines().stream().noneMatch(line -> line.contains("generation 1 (1.0")
                            && line.contains(" retired")), "generation 1 drains while stream 1 is in flight\n"
                            + jvm.describe());
                }
                h2c.reset(1);
                assertEquals("reset up-1 start=1 end=1", jvm.expect("reset up-1", WAIT),
                        "the upgrading request, reset after the deploy, keeps version 1 to its end\n"
                                + jvm.describe());
                if (withAgent) {
                    awaitRetiredAndUnloaded(jvm);
                }
                assertEquals("start=2 end=2", h2c.get("/x?id=new-2"),
                        "a stream opened after the deploy runs version 2\n" + jvm.describe());
            }
        }
    }

    /**
     * Netty's periodic tasks (scheduleWithFixedDelay, scheduleAtFixedRate on an EventExecutor) are a JDK scheduled
     * pool's (DESIGN §2.1). One the main thread schedules at startup, on an executor of the application's, binds
     * afresh at each run: a run held across a deploy reads version 1 at its start and end, the next run reads 2. One
     * a request schedules on its event loop runs on the request's generation at every run, also after the deploy,
     * and keeps it live until it is cancelled; then generation 1 retires and unloads.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void nettyPeriodicTasksBindAsAScheduledPoolsDo(Jdk jdk, TestInfo info) throws Exception {
        nettyPeriodicStory(jdk, info, true);
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void nettyPeriodicTasksWithoutTheAgentFail(TestInfo info) {
        assertFailsWithoutTheAgent(() -> nettyPeriodicStory(Jdks.running(), info, false), "started after the deploy");
    }

    /** The same story without the agent fails where the agent keeps the promise: {@code broken} is in its message. */
    private static void assertFailsWithoutTheAgent(org.junit.jupiter.api.function.Executable withoutTheAgent,
                                                   String broken) {
        AssertionError failed = assertThrows(AssertionError.class, withoutTheAgent);
        assertTrue(failed.getMessage().contains(broken), failed::getMessage);
    }

    private void nettyPeriodicStory(Jdk jdk, TestInfo info, boolean withAgent) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        ChildJvm child = storyChild(jdk, work, modules, Server.NETTY_ON_EVENT_LOOP.classPath(), "sv.NettyApp",
                withAgent).args("periodic");
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child")) {
            int port = Integer.parseInt(jvm.expect("ready ", START).substring("ready ".length()));
            assertEquals("scheduled p-1 start=1", get(port, "/periodic?id=p-1"), jvm::describe);
            jvm.send("periodic hold-root");
            assertEquals("holding hold-root start=1", jvm.expect("holding hold-root", WAIT).replaceAll(" on .*", ""),
                    "a run of the periodic task scheduled at startup starts on version 1\n" + jvm.describe());
            deploy(jvm, modules, withAgent);
            assertEquals("start=2 end=2", get(port, "/x?id=new-1"),
                    "a request started after the deploy runs version 2\n" + jvm.describe());
            jvm.send("release hold-root");
            assertEquals("ran hold-root start=1 end=1", jvm.expect("ran hold-root", WAIT),
                    "a run held across the deploy keeps version 1 to its end\n" + jvm.describe());
            jvm.send("periodic root-after");
            assertEquals("ran root-after start=2 end=2", jvm.expect("ran root-after", WAIT),
                    "the next run binds afresh, to version 2\n" + jvm.describe());
            jvm.send("tick p-1");
            assertEquals("tick p-1 start=1 now=1", jvm.expect("tick p-1", WAIT),
                    "a periodic task a request scheduled runs the request's version at every run\n" + jvm.describe());
            if (withAgent) {
                assertTrue(jvm.stderrLines().stream().noneMatch(line -> line.contains("generation 1 (1.0")
                        && line.contains(" retired")), "generation 1 drains while the request's periodic task may"
                        + " run again\n" + jvm.describe());
            }
            jvm.send("stop p-1");
            jvm.expect("stopped p-1", WAIT);
            if (withAgent) {
                awaitRetiredAndUnloaded(jvm);
            }
        }
    }

    /**
     * A stream channel of Netty's Http2MultiplexHandler whose reads are paused (auto-read off, as under
     * back-pressure) queues the frames that arrive meanwhile, and delivers them when it reads again, outside the
     * codec's frame listener. A POST whose handler paused its reads as it began, on version 1, gets its body after
     * a deploy, read when a thread that runs no task (the application's main thread) resumes the reads: it reads 1
     * at its end too, while a stream opened after the deploy reads 2; generation 1 retires and unloads once the
     * stream is answered.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aPausedNettyHttp2StreamReadsItsLaterFramesOnItsVersion(Jdk jdk, TestInfo info) throws Exception {
        pausedStreamStory(jdk, info, true);
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void aPausedNettyHttp2StreamWithoutTheAgentFails(TestInfo info) {
        assertFailsWithoutTheAgent(() -> pausedStreamStory(Jdks.running(), info, false), "opened after the deploy");
    }

    private void pausedStreamStory(Jdk jdk, TestInfo info, boolean withAgent) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        ChildJvm child = storyChild(jdk, work, modules, Server.NETTY_ON_EVENT_LOOP.classPath(), "sv.NettyH2App",
                withAgent);
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child")) {
            int port = Integer.parseInt(jvm.expect("ready ", START).substring("ready ".length()));
            try (H2cClient h2c = H2cClient.upgrade(port, "/x?id=first", WAIT)) {
                assertEquals("start=1 end=1", h2c.body(1), jvm::describe);
                int post = h2c.open("POST", "/body?id=body-1", false);
                assertEquals("began body-1 start=1", jvm.expect("began body-1", WAIT),
                        "the request in flight starts on version 1\n" + jvm.describe());
                deploy(jvm, modules, withAgent);
                assertEquals("start=2 end=2", h2c.get("/x?id=new-1"),
                        "a stream opened after the deploy, while one is paused, runs version 2\n" + jvm.describe());
                h2c.data(post, "the body", true);
                h2c.ping(); // the body's frame is read from the connection, and waits in the paused stream channel
                jvm.send("resume body-1");
                assertEquals("read body-1 start=1 end=1", jvm.expect("read body-1", WAIT),
                        "the paused stream's body, read after the deploy, is read on version 1\n" + jvm.describe());
                assertEquals("start=1 end=1", h2c.body(post), jvm::describe);
                if (withAgent) {
                    awaitRetiredAndUnloaded(jvm);
                }
                assertEquals("start=2 end=2", h2c.get("/x?id=new-2"),
                        "a stream opened after the deploy runs version 2\n" + jvm.describe());
            }
        }
    }

    /** Deploys version 2 and waits for it to be current (without the agent, for the child to answer). */
    private static void deploy(InteractiveJvm jvm, Path modules, boolean withAgent) throws Exception {
        Deploys.renameInto(v2, modules, "version.jar");
        if (withAgent) {
            jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
        } else {
            jvm.send("ping");
            jvm.expect("pong", WAIT);
        }
    }

    /**
     * gRPC on grpc-netty-shaded, which carries Netty relocated: its event loops are loops and its HTTP/2
     * streams requests, as Netty's own. A client-streaming call whose first message came before the deploy
     * and whose end comes after it reads version 1 at both (each message is handled on gRPC's executor,
     * handed the work from the stream's frames); a call made after the deploy reads 2; generation 1 retires and
     * unloads once the first call's stream closes.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aGrpcCallKeepsItsVersionToItsEnd(Jdk jdk, TestInfo info) throws Exception {
        grpcStory(jdk, info, true);
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void aGrpcCallWithoutTheAgentFails(TestInfo info) {
        assertFailsWithoutTheAgent(() -> grpcStory(Jdks.running(), info, false), "started after the deploy");
    }

    private void grpcStory(Jdk jdk, TestInfo info, boolean withAgent) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        List<Path> grpc = frameworks.stream().filter(jar -> jar.getFileName().toString().matches(GRPC)).toList();
        ChildJvm child = storyChild(jdk, work, modules, grpc, "sv.GrpcApp", withAgent);
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child")) {
            jvm.expect("ready ", START);
            jvm.send("call first");
            assertEquals("done first start=1 end=1", jvm.expect("done first", WAIT), jvm::describe);
            jvm.send("begin call-1");
            assertEquals("began call-1 start=1", jvm.expect("began call-1", WAIT),
                    "the call in flight starts on version 1\n" + jvm.describe());
            Deploys.renameInto(v2, modules, "version.jar");
            if (withAgent) {
                jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
            } else {
                jvm.send("ping");
                jvm.expect("pong", WAIT);
            }
            jvm.send("call new-1");
            assertEquals("done new-1 start=2 end=2", jvm.expect("done new-1", WAIT),
                    "a call started after the deploy, while one is in flight, runs version 2\n" + jvm.describe());
            jvm.send("finish call-1");
            assertEquals("done call-1 start=1 end=1", jvm.expect("done call-1", WAIT),
                    "the call in flight keeps version 1 to its end\n" + jvm.describe());
            if (withAgent) {
                awaitRetiredAndUnloaded(jvm);
            }
            jvm.send("call new-2");
            assertEquals("done new-2 start=2 end=2", jvm.expect("done new-2", WAIT),
                    "a call started after the deploy runs version 2\n" + jvm.describe());
            if (withAgent) {
                // each call's stream counted once, with the :status gRPC's relocated Netty wrote (DESIGN §2.12)
                jvm.send("requests 4");
                assertEquals("requests 4 5xx 0", jvm.expect("requests", WAIT), jvm::describe);
            }
        }
    }

    private static String send(HttpClient client, int port, String pathAndQuery) throws Exception {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + pathAndQuery)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer::body);
        assertEquals(HttpClient.Version.HTTP_2, answer.version(), "the server upgraded the connection");
        return answer.body();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @EnumSource(value = Server.class, names = {"VERTX", "VERTX_EXECUTE_BLOCKING", "VERTX_TIMER"})
    @WithoutTheAgent
    void aVertxRequestWithoutTheAgentFails(Server server, TestInfo info) {
        failsWithoutTheAgent(server, info);
    }

    static Stream<Arguments> jdksAndCoroutines() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of(Server.values())
                .filter(server -> server.coroutines() && server.runsOn(jdk)).map(server -> Arguments.of(jdk, server)));
    }

    /**
     * Kotlin coroutines (kotlinx-coroutines-core 1.11), with nothing but packages and modules: a request handled
     * in a coroutine on Dispatchers.Default, Dispatchers.IO, an application pool's dispatcher or one over virtual
     * threads, held across a deploy, reads version 1 before its first delay, after it and after the second
     * (kotlinx's own threads resume it: its timer, its workers); a request begun after the deploy reads 2 at
     * every step; generation 1 retires only after the held coroutine's last step, and unloads.
     */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("jdksAndCoroutines")
    void aCoroutineInFlightKeepsItsVersionAcrossItsSuspensions(Jdk jdk, Server server, TestInfo info)
            throws Exception {
        story(jdk, server, info, true);
    }

    /** Without the agent nothing is swapped, on any dispatcher: one of them shows the story fails then. */
    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void aCoroutineWithoutTheAgentFails(TestInfo info) {
        failsWithoutTheAgent(Server.KOTLIN_DEFAULT, info);
    }

    /**
     * RxJava 3.1, with nothing but packages and modules: a request of the JDK's HttpServer, the first to touch
     * RxJava's Schedulers (whose io() evictor is then scheduled inside it), answered from a chain that reads the
     * version on the request's thread, after Single.timer on computation(), holds after observeOn(io()), and reads
     * it after delay on single(), after observeOn(newThread()) and after delay on from(an application pool). One
     * held across a deploy reads version 1 at every step; one begun after the deploy reads 2 at every step;
     * generation 1 retires only after the held request's last step, and unloads.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void anRxJavaRequestInFlightKeepsItsVersionOnEveryScheduler(Jdk jdk, TestInfo info) throws Exception {
        story(jdk, Server.RXJAVA_SCHEDULERS, info, true);
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void anRxJavaRequestWithoutTheAgentFails(TestInfo info) {
        failsWithoutTheAgent(Server.RXJAVA_SCHEDULERS, info);
    }

    /**
     * Project Reactor 3.8 without Reactor Netty: a request of the JDK's HttpServer, the first to ask for Reactor's
     * boundedElastic scheduler (whose evictor is then scheduled inside it), answered from a Mono chain that reads
     * the version on the request's thread, after delayElement, holds after publishOn(boundedElastic()), and reads
     * it after another delayElement. One held across a deploy reads version 1 at every step; one begun after the
     * deploy reads 2; generation 1 retires only after the held request's last step, and unloads.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aReactorRequestOnAnotherServerKeepsItsVersionOnEveryScheduler(Jdk jdk, TestInfo info) throws Exception {
        story(jdk, Server.REACTOR_ON_JDK_SERVER, info, true);
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void aReactorRequestOnAnotherServerWithoutTheAgentFails(TestInfo info) {
        failsWithoutTheAgent(Server.REACTOR_ON_JDK_SERVER, info);
    }

    static Stream<Arguments> jdksAndSpringJobs() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of(Server.values())
                .filter(server -> server.springJobs() && server.runsOn(jdk)).map(server -> Arguments.of(jdk, server)));
    }

    static Stream<Server> springJobs() {
        return Stream.of(Server.values()).filter(server -> server.springJobs() && server.runsOn(Jdks.running()));
    }

    /**
     * Spring's jobs in a Spring Boot 4 application, with Boot's own scheduler and executor: a run of an
     * {@code @Scheduled} method (fixed delay; cron, which Spring schedules anew from the end of each run), and
     * an {@code @Async} call, held across a deploy, reads version 1 at its start and its end; a run started
     * after the deploy, while it holds, reads 2, and so does one after it; generation 1 retires and unloads.
     */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("jdksAndSpringJobs")
    void aSpringJobRunInFlightKeepsItsVersionAndEveryLaterOneRunsTheNewOne(Jdk jdk, Server server, TestInfo info)
            throws Exception {
        story(jdk, server, info, true);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("springJobs")
    @WithoutTheAgent
    void aSpringJobWithoutTheAgentFails(Server server, TestInfo info) {
        failsWithoutTheAgent(server, info);
    }

    static Stream<Arguments> jdksAndJettyServlets() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of(Server.values()).filter(Server::jettyServlet)
                .map(server -> Arguments.of(jdk, server)));
    }

    /**
     * Jetty 12's servlet layer: a request goes on after its first dispatch returns, on Jetty's pool threads
     * (AsyncContext.start, then AsyncContext.dispatch back to the servlet), and keeps its version there; the
     * old generation retires once the request completes.
     */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("jdksAndJettyServlets")
    void jettyServletAsyncRequestKeepsItsVersionOnEveryThreadItRuns(Jdk jdk, Server server, TestInfo info)
            throws Exception {
        story(jdk, server, info, true);
    }

    /**
     * A Jetty core handler that answers from its {@code Request.demand} callback, which Jetty runs when the
     * body arrives, on its own thread, after the handler returned: held across a deploy (its body is sent
     * after it), it reads version 1 when handled and in the callback; requests after read 2. The same for one
     * that goes on in a write's callback, which Jetty runs once the bytes are sent (a client that reads only
     * after the deploy holds them up). The same for one that goes on in its idle-timeout and failure listeners
     * ({@code Request.addIdleTimeoutListener}, {@code addFailureListener}), which Jetty runs on its own threads when
     * the connection, idle, times out after the deploy; one registered after it reads 2. Demand callbacks and
     * listeners again under a ContextHandler, whose request wraps them in Jetty's own. Generation 1 retires and
     * unloads once all are answered.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void jettyCoreDemandCallbackKeepsItsRequestsVersion(Jdk jdk, TestInfo info) throws Exception {
        demandStory(jdk, info, true);
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void jettyCoreDemandCallbackWithoutTheAgentFails(TestInfo info) {
        assertFailsWithoutTheAgent(() -> demandStory(Jdks.running(), info, false), "started after the deploy");
    }

    private void demandStory(Jdk jdk, TestInfo info, boolean withAgent) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        ChildJvm child = storyChild(jdk, work, modules, Server.JETTY.classPath(), "sv.JettyDemandApp", withAgent);
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child");
             SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>();
             SubmissionPublisher<ByteBuffer> bodyInContext = new SubmissionPublisher<>()) {
            int port = Integer.parseInt(jvm.expect("ready ", START).substring("ready ".length()));
            CompletableFuture<HttpResponse<String>> held = post(jvm, port, "/demand", "hold-1", body);
            // the same under a ContextHandler, whose request wraps the demand callback in a task of Jetty's
            CompletableFuture<HttpResponse<String>> heldInContext = post(jvm, port, "/ctx/demand", "hold-ctx",
                    bodyInContext);
            // more than loopback's socket buffers take: Jetty completes the write once this client reads
            try (java.net.Socket unread = new java.net.Socket("127.0.0.1", port);
                 java.net.Socket listened = listen(jvm, port, "/fail", "listen-1", "1");
                 java.net.Socket inContext = listen(jvm, port, "/ctx/fail", "listen-ctx", "1")) {
                unread.getOutputStream().write(("GET /write?id=hold-2&size=" + (64 << 20) + " HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals("holding hold-2 start=1", jvm.expect("holding hold-2", WAIT).replaceAll(" on .*", ""),
                        "the request in flight starts on version 1\n" + jvm.describe());
                Deploys.renameInto(v2, modules, "version.jar");
                if (withAgent) {
                    jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
                }
                assertEquals("start=2 end=2", start(jvm, Server.JETTY, port, "new-1").result(WAIT),
                        "a request started after the deploy, while one is in flight, runs version 2\n"
                                + jvm.describe());
                assertFalse(jvm.allLines().stream().anyMatch(line -> line.startsWith("written hold-2")),
                        "the write was sent before the deploy: the story needs it held up\n" + jvm.describe());
                // the connection idles: Jetty runs the listeners on its own threads, after the deploy
                jvm.send("idle listen-1");
                assertEquals("idle listen-1 start=1 end=1", jvm.expect("idle listen-1", WAIT).replaceAll(" on .*", ""),
                        "the request in flight keeps version 1 in its idle-timeout listener\n" + jvm.describe());
                assertEquals("failed listen-1 start=1 end=1",
                        jvm.expect("failed listen-1", WAIT).replaceAll(" on .*", ""),
                        "the request in flight keeps version 1 in its failure listener\n" + jvm.describe());
                jvm.send("idle listen-ctx");
                assertEquals("idle listen-ctx start=1 end=1", jvm.expect("idle listen-ctx", WAIT)
                        .replaceAll(" on .*", ""), "the same under a ContextHandler\n" + jvm.describe());
                assertEquals("failed listen-ctx start=1 end=1", jvm.expect("failed listen-ctx", WAIT)
                        .replaceAll(" on .*", ""), "the same under a ContextHandler\n" + jvm.describe());
                try (java.net.Socket after = listen(jvm, port, "/fail", "listen-2", "2")) {
                    jvm.send("idle listen-2");
                    assertEquals("failed listen-2 start=2 end=2",
                            jvm.expect("failed listen-2", WAIT).replaceAll(" on .*", ""),
                            "a request started after the deploy runs version 2 in its listeners\n" + jvm.describe());
                }
                body.submit(ByteBuffer.wrap("the body".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                body.close();
                HttpResponse<String> answer = held.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals("start=1 end=1", answer.body(),
                        "the request in flight keeps version 1 in its demand callback\n" + jvm.describe());
                bodyInContext.submit(ByteBuffer.wrap("the body".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                bodyInContext.close();
                assertEquals("start=1 end=1", heldInContext.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).body(),
                        "the same under a ContextHandler\n" + jvm.describe());
                unread.setSoTimeout((int) WAIT.toMillis());
                byte[] all = unread.getInputStream().readAllBytes();
                String tail = new String(all, Math.max(0, all.length - 200), Math.min(all.length, 200),
                        java.nio.charset.StandardCharsets.US_ASCII);
                java.util.regex.Matcher versions = java.util.regex.Pattern.compile("start=\\d+ end=\\d+")
                        .matcher(tail);
                assertTrue(versions.find(), "no answer at the end of " + all.length + " bytes: " + tail);
                assertEquals("start=1 end=1", versions.group(),
                        "the request in flight keeps version 1 in its write's callback\n" + jvm.describe());
            }
            if (withAgent) {
                awaitRetiredAndUnloaded(jvm);
            }
        }
    }

    /** A POST of {@code path} whose body {@code body} sends later, once the handler says it holds. */
    private static CompletableFuture<HttpResponse<String>> post(InteractiveJvm jvm, int port, String path, String id,
                                                                SubmissionPublisher<ByteBuffer> body)
            throws InterruptedException {
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path + "?id=" + id))
                .timeout(WAIT).POST(HttpRequest.BodyPublishers.fromPublisher(body)).build();
        CompletableFuture<HttpResponse<String>> held = CLIENT.sendAsync(post, HttpResponse.BodyHandlers.ofString());
        assertEquals("holding " + id + " start=1", jvm.expect("holding " + id, WAIT).replaceAll(" on .*", ""),
                "the request in flight starts on version 1\n" + jvm.describe());
        return held;
    }

    /**
     * A raw connection with a {@code /fail} request of JettyDemandApp on it ({@code path}), once the request has registered its
     * listeners, having read {@code version}: the test idles it with "idle ID".
     */
    private static java.net.Socket listen(InteractiveJvm jvm, int port, String path, String id, String version)
            throws Exception {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
        socket.getOutputStream().write(("GET " + path + "?id=" + id + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("listening " + id + " start=" + version, jvm.expect("listening " + id, WAIT),
                "the request registers its listeners on version " + version + "\n" + jvm.describe());
        return socket;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @EnumSource(value = Server.class, names = {"JETTY_SERVLET_START", "JETTY_SERVLET_DISPATCH",
        "JETTY_EE8_SERVLET_DISPATCH", "JETTY_9_SERVLET_DISPATCH"})
    @WithoutTheAgent
    void jettyServletAsyncRequestWithoutTheAgentFails(Server server, TestInfo info) {
        failsWithoutTheAgent(server, info);
    }

    /**
     * A child JVM that runs {@code mainClass} on the shell and {@code jars}, with version 1 in {@code modules}: with
     * the agent on nothing but packages and modules, or without it with version 1 on its class path.
     */
    private static ChildJvm storyChild(Jdk jdk, Path work, Path modules, List<Path> jars, String mainClass,
                                       boolean withAgent) throws IOException {
        Files.copy(v1, modules.resolve("version.jar"));
        List<Path> classPath = new ArrayList<>(List.of(shellJar));
        classPath.addAll(jars);
        if (!withAgent) {
            classPath.add(modules.resolve("version.jar"));
        }
        ChildJvm child = ChildJvm.on(jdk).classpath(classPath.toArray(Path[]::new)).mainClass(mainClass);
        if (withAgent) {
            child.agent("packages=sv.mod,modules=" + modules + ",quiet=50ms,store=" + work.resolve("store"));
        }
        return child;
    }

    /** The story of {@code server} without the agent, on this JVM's JDK, fails: a request after the deploy runs 1. */
    private void failsWithoutTheAgent(Server server, TestInfo info) {
        assertFailsWithoutTheAgent(() -> story(Jdks.running(), server, info, false), "started after the deploy");
    }

    private void story(Jdk jdk, Server server, TestInfo info, boolean withAgent) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(server.executableJar() ? bootV1 : v1, modules.resolve("version.jar"));
        List<Path> classPath = new ArrayList<>(List.of(shellJar));
        classPath.addAll(server.classPath());
        if (server.coroutines()) {
            classPath.add(kotlinApp());
        }
        if (!withAgent) {
            classPath.add(modules.resolve("version.jar"));
        }
        ChildJvm child = server.executableJar() ? ChildJvm.on(jdk).jar(bootJar)
                : ChildJvm.on(jdk).classpath(classPath.toArray(Path[]::new)).mainClass(server.mainClass);
        child.args(server.virtualThreads() ? "virtual" : "platform");
        if (withAgent) {
            child.agent("packages=sv.mod,modules=" + modules + ",quiet=50ms,store=" + work.resolve("store")
                    + server.arguments);
        }
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child")) {
            int port = Integer.parseInt(jvm.expect("ready ", START).substring("ready ".length()));
            Unit held = start(jvm, server, port, "hold-1");
            assertEquals("holding hold-1 start=1", jvm.expect("holding hold-1", WAIT).replaceAll(" on .*", ""),
                    "the request in flight starts on version 1\n" + jvm.describe());
            Deploys.renameInto(server.executableJar() ? bootV2 : v2, modules, "version.jar");
            if (withAgent) {
                jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
            } else {
                jvm.send("ping");
                jvm.expect("pong", WAIT);
            }
            if (server.servesWhileOneHolds()) {
                assertEquals("start=2 end=2", start(jvm, server, port, "new-1").result(WAIT),
                        "a request started after the deploy, while one is in flight, runs version 2\n"
                                + jvm.describe());
            }
            if (withAgent && (server.coroutines() || server == Server.RXJAVA_SCHEDULERS
                    || server == Server.REACTOR_ON_JDK_SERVER)) {
                assertTrue(jvm.stderrLines().stream()
                                .noneMatch(line -> line.matches(".*generation 1 \\(.*\\) retired.*")),
                        "generation 1 drains while the held request has steps to run\n" + jvm.describe());
            }
            jvm.send("release hold-1");
            assertEquals("start=1 end=1", held.result(WAIT),
                    "the request in flight keeps version 1 to its end\n" + jvm.describe());
            assertEquals("start=2 end=2", start(jvm, server, port, "new-2").result(WAIT),
                    "a request started after the deploy runs version 2\n" + jvm.describe());
            if (withAgent) {
                awaitRetiredAndUnloaded(jvm);
                List<String> log = jvm.stderrLines();
                assertTrue(log.stream().noneMatch(line -> line.contains("draining for")),
                        () -> "no server thread stays bound to generation 1\n" + String.join("\n", log));
                assertTrue(log.stream().noneMatch(line -> line.contains("webapp class loader")),
                        () -> "an embedded server has no webapp classes of its own\n" + String.join("\n", log));
            }
        }
    }

    /**
     * Netty, with nothing but packages and modules: one keep-alive connection pipelines requests. The
     * first is served on the application's pool and held across a deploy; two more, sent on the same
     * connection after the deploy, are read, begun and served while it is in flight (their responses
     * wait for its, in order). The first reads version 1 at its start and its end, the later ones read
     * version 2; generation 1 retires once the first is answered; the connection's next request reads 2.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void nettyPipelinedRequestsOnOneConnectionEachKeepTheirOwnVersion(Jdk jdk, TestInfo info) throws Exception {
        pipelinedStory(jdk, info, true);
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void withoutTheAgentThePipelinedStoryFails(TestInfo info) {
        assertFailsWithoutTheAgent(() -> pipelinedStory(Jdks.running(), info, false), "after the deploy");
    }

    private void pipelinedStory(Jdk jdk, TestInfo info, boolean withAgent) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        ChildJvm child = storyChild(jdk, work, modules, Server.NETTY_ON_EVENT_LOOP.classPath(), "sv.NettyApp",
                withAgent);
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child");
             java.net.Socket socket = new java.net.Socket()) {
            int port = Integer.parseInt(jvm.expect("ready ", START).substring("ready ".length()));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            java.io.OutputStream out = socket.getOutputStream();
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            out.write(httpGet("/later", "hold-p"));
            out.flush();
            assertEquals("holding hold-p start=1", jvm.expect("holding hold-p", WAIT).replaceAll(" on .*", ""),
                    jvm::describe);
            Deploys.renameInto(v2, modules, "version.jar");
            if (withAgent) {
                jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
            } else {
                jvm.send("ping");
                jvm.expect("pong", WAIT);
            }
            byte[] two = concat(httpGet("/x", "pipelined-1"), httpGet("/later", "pipelined-2"));
            out.write(two);
            out.flush();
            jvm.expect("served pipelined-1", WAIT);
            jvm.expect("served pipelined-2", WAIT);
            jvm.send("release hold-p");
            assertEquals("start=1 end=1", readBody(in), "the request in flight keeps version 1 to its end\n"
                    + jvm.describe());
            assertEquals("start=2 end=2", readBody(in), "a request pipelined after the deploy runs version 2\n"
                    + jvm.describe());
            assertEquals("start=2 end=2", readBody(in), "a request pipelined after the deploy runs version 2\n"
                    + jvm.describe());
            if (withAgent) {
                awaitRetiredAndUnloaded(jvm);
            }
            out.write(httpGet("/x", "kept-alive"));
            out.flush();
            assertEquals("start=2 end=2", readBody(in), "the connection's next request, after the deploy, runs"
                    + " version 2\n" + jvm.describe());
        }
    }

    /**
     * A WebSocket's message is a root task, on Netty 4.2 (the event loop), Tomcat 11 (jakarta.websocket, on a
     * connector thread), Jetty 12.1 (Jetty's own API on its WebSocket core, on a pool thread; and a message read as a
     * stream, in a task Jetty hands its pool at the first frame, on a second connection) and Undertow 2.3 (its own
     * API: the message, read on an I/O thread, holds in a task it hands the worker pool, its child): one held across a
     * deploy reads version 1 at its start and end, the next message on the same connection reads 2, and so does a
     * request on another connection; generation 1 retires once the held message ends, and unloads while the
     * connections stay open. The opening handshake is a request like any other (its 101 answers it).
     */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("jdksAndWebSockets")
    void aWebSocketMessageKeepsItsVersionAndTheNextRunsTheNewOne(Jdk jdk, Server server, TestInfo info)
            throws Exception {
        webSocketStory(jdk, server, info, true);
    }

    static Stream<Arguments> jdksAndWebSockets() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of(Server.NETTY_ON_EVENT_LOOP, Server.TOMCAT, Server.JETTY,
                Server.UNDERTOW_BLOCKING)
                .map(server -> Arguments.of(jdk, server)));
    }

    @org.junit.jupiter.api.Test
    @WithoutTheAgent
    void aNettyWebSocketMessageWithoutTheAgentFails(TestInfo info) {
        assertFailsWithoutTheAgent(() -> webSocketStory(Jdks.running(), Server.NETTY_ON_EVENT_LOOP, info, false),
                "started after the deploy");
    }

    private void webSocketStory(Jdk jdk, Server server, TestInfo info, boolean withAgent) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        ChildJvm child = storyChild(jdk, work, modules, server.classPath(), server.mainClass, withAgent)
                .args("websocket");
        // Jetty: a second connection whose endpoint reads each message as a stream, in a task Jetty hands its pool
        boolean streamed = server == Server.JETTY;
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child");
             java.net.Socket socket = new java.net.Socket();
             java.net.Socket streaming = new java.net.Socket()) {
            int port = Integer.parseInt(jvm.expect("ready ", START).substring("ready ".length()));
            openWebSocket(socket, port, "/ws");
            java.io.OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            sendText(out, "hold-ws");
            assertEquals("holding hold-ws start=1", jvm.expect("holding hold-ws", WAIT).replaceAll(" on .*", ""),
                    "the message in flight starts on version 1\n" + jvm.describe());
            if (streamed) {
                openWebSocket(streaming, port, "/ws-stream");
                sendText(streaming.getOutputStream(), "hold-stream");
                assertEquals("holding hold-stream start=1",
                        jvm.expect("holding hold-stream", WAIT).replaceAll(" on .*", ""),
                        "the streamed message in flight starts on version 1\n" + jvm.describe());
            }
            Deploys.renameInto(v2, modules, "version.jar");
            if (withAgent) {
                jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
            }
            assertEquals("start=2 end=2", start(jvm, server, port, "new-1").result(WAIT),
                    "a request started after the deploy, while a message is in flight, runs version 2\n"
                            + jvm.describe());
            jvm.send("release hold-ws");
            assertEquals("start=1 end=1", readText(in),
                    "the message in flight keeps version 1 to its end\n" + jvm.describe());
            sendText(out, "ws-after");
            assertEquals("start=2 end=2", readText(in),
                    "a message started after the deploy runs version 2\n" + jvm.describe());
            if (streamed) {
                jvm.send("release hold-stream");
                assertEquals("start=1 end=1", readText(streaming.getInputStream()),
                        "the streamed message in flight keeps version 1 to its end\n" + jvm.describe());
                sendText(streaming.getOutputStream(), "stream-after");
                assertEquals("start=2 end=2", readText(streaming.getInputStream()),
                        "a streamed message started after the deploy runs version 2\n" + jvm.describe());
            }
            if (withAgent) {
                // while the connections stay open (Jetty's session keeps its handshake's context class loader)
                awaitRetiredAndUnloaded(jvm);
            }
        }
    }

    /**
     * Tomcat's WebSocket {@code onClose} for a session's idle timeout, which Tomcat's timeouts' thread (a loop)
     * runs outside any message, is a root task: held across a deploy, it reads version 1 at its start and end, and
     * generation 1 retires once it ends. Without the agent's hook it read version 2 at its end.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aTomcatWebSocketOnCloseAtItsIdleTimeoutKeepsItsVersion(Jdk jdk, TestInfo info) throws Exception {
        webSocketCallbackStory(jdk, info, Server.TOMCAT, "/ws-idle", "hold-close", "onClose");
    }

    /**
     * Undertow's WebSocket connection callback ({@code onConnect}), which Undertow runs on an I/O thread once the
     * handshake's 101 is written, inside the handshake's request (which ends after it): held across a deploy, it
     * reads version 1 at its start and end, and generation 1 retires once it ends.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void anUndertowWebSocketOnConnectKeepsItsVersion(Jdk jdk, TestInfo info) throws Exception {
        webSocketCallbackStory(jdk, info, Server.UNDERTOW_BLOCKING, "/ws-connect", "hold-connect", "onConnect");
    }

    /**
     * Opens a WebSocket at {@code path} whose endpoint's {@code callback} serves the unit {@code unit} (the server
     * calls it on its own, with no message sent) and prints "{@code callback} start=S end=E": it starts on
     * version 1, is held across a deploy, and ends on version 1; then generation 1 retires.
     */
    private void webSocketCallbackStory(Jdk jdk, TestInfo info, Server server, String path, String unit,
                                        String callback) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        ChildJvm child = storyChild(jdk, work, modules, server.classPath(), server.mainClass, true)
                .args("websocket");
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child");
             java.net.Socket socket = new java.net.Socket()) {
            int port = Integer.parseInt(jvm.expect("ready ", START).substring("ready ".length()));
            openWebSocket(socket, port, path);
            assertEquals("holding " + unit + " start=1", jvm.expect("holding " + unit, WAIT).replaceAll(" on .*", ""),
                    callback + " starts on version 1\n" + jvm.describe());
            Deploys.renameInto(v2, modules, "version.jar");
            jvm.awaitLog("generation 2 \\(2\\.0, \\w+\\) is current", "ping", "pong", WAIT);
            jvm.send("release " + unit);
            assertEquals(callback + " start=1 end=1", jvm.expect(callback + " ", WAIT),
                    callback + " in flight keeps version 1 to its end\n" + jvm.describe());
            jvm.awaitLog("generation 1 \\(1\\.0, \\w+\\) retired", "ping", "pong", WAIT);
        }
    }

    /** Generation 1 retires (pinged until it does), then unloads (collections until it does). */
    private static void awaitRetiredAndUnloaded(InteractiveJvm jvm) throws Exception {
        jvm.awaitLog("generation 1 \\(1\\.0, \\w+\\) retired", "ping", "pong", WAIT);
        jvm.awaitLog("generation 1 \\(1\\.0, \\w+\\) unloaded", "gc", "gc done", WAIT);
    }

    /** Connects {@code socket} and opens a WebSocket at {@code path}: its handshake answered by a 101. */
    private static void openWebSocket(java.net.Socket socket, int port, String path) throws IOException {
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), (int) WAIT.toMillis());
        socket.setSoTimeout((int) WAIT.toMillis());
        java.io.OutputStream out = socket.getOutputStream();
        java.io.InputStream in = socket.getInputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        String status = readLine(in);
        assertTrue(status.startsWith("HTTP/1.1 101"), status);
        while (!readLine(in).isEmpty()) {
            // the handshake's headers
        }
    }

    /** A client's text frame (masked, as a client's must be) of fewer than 126 bytes. */
    private static void sendText(java.io.OutputStream out, String text) throws IOException {
        byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] mask = {0x1f, 0x2e, 0x3d, 0x4c};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(frame);
        out.flush();
    }

    /** A server's text frame (unmasked) of fewer than 126 bytes. */
    private static String readText(java.io.InputStream in) throws IOException {
        int opcode = in.read() & 0x0f;
        int length = in.read() & 0x7f;
        assertEquals(1, opcode, "a text frame");
        assertTrue(length < 126, "a short frame");
        return new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] httpGet(String path, String id) {
        return ("GET " + path + "?id=" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** The body of the next response on a connection: a 200 with a Content-Length, as NettyApp answers. */
    private static String readBody(java.io.InputStream in) throws IOException {
        String status = readLine(in);
        assertTrue(status.startsWith("HTTP/1.1 200"), status);
        int length = -1;
        for (String header; !(header = readLine(in)).isEmpty(); ) {
            if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(header.substring("content-length:".length()).trim());
            }
        }
        assertTrue(length >= 0, "a Content-Length");
        return new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String readLine(java.io.InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new java.io.EOFException("the connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** A request or job the test started, and how to get what it answered. */
    private interface Unit {
        String result(Duration wait) throws Exception;
    }

    private static Unit start(InteractiveJvm jvm, Server server, int port, String id) throws IOException {
        if (server.jobs()) {
            jvm.send(server == Server.QUARTZ ? "job " + id : "job " + server.path + " " + id);
            return wait -> jvm.expect("done " + id, wait).substring(("done " + id + " ").length());
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + server.path
                + "?id=" + id)).timeout(WAIT);
        if (server.vertx()) {
            // HTTP/1.1 requests: the JDK's client asks for h2c by default, and Vert.x upgrades to HTTP/2, whose
            // streams are not hooked (docs/SERVERS.md)
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        HttpRequest request = builder.build();
        CompletableFuture<HttpResponse<String>> response = CLIENT.sendAsync(request,
                HttpResponse.BodyHandlers.ofString());
        return wait -> {
            HttpResponse<String> answer = response.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(200, answer.statusCode(), answer::body);
            return answer.body();
        };
    }
}
