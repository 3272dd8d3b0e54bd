package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The response statuses the agent reads where a server's request ends (DESIGN §2.12), on real servers from Maven
 * Central: embedded Tomcat 11, a Jetty 12 servlet in its ee10 and ee8 layers (counted once: as Jetty core requests),
 * a Jetty 12 core handler (some requests answered from a pool after its call returned), Undertow 2, Netty 4.2's HTTP/1
 * codec and Reactor Netty 1.3 on it, Netty 4.2's HTTP/2 (h2c streams) (apps/statuses, ServersApp). Each request
 * counts once against generation 1, its 5xx and 4xx apart: a 500 the application sets, and one the container
 * answers for a servlet that throws (no task fails: the container catches it).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServerStatusesIT {
    private static final String SERVERS = "(jetty-|tomcat-|jakarta\\.servlet-api-|slf4j-api-|undertow-|xnio-|jboss-"
            + "|wildfly-|smallrye-|netty-|reactor-|reactive-streams-).*\\.jar";
    private static Path shellJar;
    private static Path v1;
    private static List<Path> servers;

    @BeforeAll
    static void build() throws IOException {
        Path jars = WorkDirs.forClass(ServerStatusesIT.class);
        servers = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(jar -> jar.getFileName().toString().matches(SERVERS))
                .filter(jar -> !jar.getFileName().toString().startsWith("spring-"))
                .toList();
        v1 = new JarBuilder().source("cs.mod.Work", "package cs.mod; public class Work { }")
                .manifest("Implementation-Version", "1.0")
                .build(jars.resolve("v1.jar"));
        shellJar = new JarBuilder().classpath(servers.toArray(Path[]::new))
                .source("cs.ServersApp", AppSources.read("apps/statuses/shell/cs/ServersApp.java"))
                .source("itkit.NettyH2", AppSources.read("apps/common/itkit/NettyH2.java"))
                .build(jars.resolve("shell.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void eachRequestCountsOnceWithItsStatusClass(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(v1, modules.resolve("mod.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=cs.mod,modules=" + modules + ",store=" + work.resolve("store"))
                .classpath(Stream.concat(Stream.of(shellJar), servers.stream()).toArray(Path[]::new))
                .mainClass("cs.ServersApp")
                .timeout(Duration.ofMinutes(3))
                .outputIn(work)
                .name("server-statuses")
                .run();
        List<String> out = r.stdoutLines();
        String counted = " got 200 200 404 500 500 counted requests 5 5xx 2 4xx 1 failed 0 timed 5";
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(out.contains("done")),
                () -> assertTrue(out.contains("tomcat" + counted), "Tomcat"),
                () -> assertTrue(out.contains("jetty" + counted), "Jetty ee10"),
                // the handler that throws lets its exception out of Server.handle: Jetty answers 500, the run fails
                () -> assertTrue(out.contains("jetty-core" + counted.replace("failed 0", "failed 1")), "Jetty core"),
                () -> assertTrue(out.contains("jetty-ee8" + counted), "Jetty ee8"),
                () -> assertTrue(out.contains("undertow" + counted), "Undertow"),
                () -> assertTrue(out.contains("netty" + counted), "Netty"),
                () -> assertTrue(out.contains("netty-h2" + counted), "Netty HTTP/2"),
                () -> assertTrue(out.contains("reactor-netty" + counted), "Reactor Netty"),
                () -> assertTrue(r.stderrLines().stream().noneMatch(l -> l.contains("is not read")),
                        "every server's status was read"));
    }
}
