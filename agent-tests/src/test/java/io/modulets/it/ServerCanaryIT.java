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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.FailingWork;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * A canary judged on the statuses of servers whose requests end after their first method returns (DESIGN §2.12),
 * on real servers from Maven Central (apps/statuses, sc.CanaryApp): a Jetty 12 core handler that answers from an
 * application pool, and Netty 4.2's HTTP/2 (h2c with prior knowledge), each request a stream answered from an
 * application pool. The application answers 500 when its swappable code says the work failed (one request in ten on
 * generation 1); no exception leaves the swappable code and no task fails. With
 * {@code canary=50%,canaryMargin=5%,canaryMinTasks=50}, a release that fails one request in two is aborted by the
 * agent on its 5xx share, the line naming that signal; the two generations' counts add up to what the client got,
 * every request timed.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServerCanaryIT {
    private static final String SERVERS = "(jetty-|slf4j-api-|netty-).*\\.jar";
    private static Path shellJar;
    private static Path jars;
    private static List<Path> servers;

    @BeforeAll
    static void build() throws IOException {
        jars = WorkDirs.forClass(ServerCanaryIT.class);
        servers = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(jar -> jar.getFileName().toString().matches(SERVERS))
                .toList();
        Path v1 = FailingWork.jar(jars.resolve("v1.jar"), "sc.mod", 1, 10);
        FailingWork.jar(jars.resolve("bad.jar"), "sc.mod", 9, 2);
        shellJar = new JarBuilder().classpath(Stream.concat(Stream.of(v1), servers.stream()).toArray(Path[]::new))
                .source("sc.CanaryApp", AppSources.read("apps/statuses/shell/sc/CanaryApp.java"))
                .source("itkit.Operator", AppSources.read("apps/common/itkit/Operator.java"))
                .source("itkit.NettyH2", AppSources.read("apps/common/itkit/NettyH2.java"))
                .build(jars.resolve("shell.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aJettyCoreCanaryAnsweringMore5xxIsAborted(Jdk jdk, TestInfo info) throws IOException {
        assertAborted(run(jdk, info, "jetty-core"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aNettyHttp2CanaryAnsweringMore5xxIsAborted(Jdk jdk, TestInfo info) throws IOException {
        assertAborted(run(jdk, info, "netty-h2"));
    }

    private static ChildJvm.Result run(Jdk jdk, TestInfo info, String server) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(jars.resolve("v1.jar"), modules.resolve("mod.jar"));
        return ChildJvm.on(jdk)
                .agent("packages=sc.mod,modules=" + modules + ",store=" + work.resolve("store")
                        + ",quiet=100ms,canary=50%,canaryMargin=5%,canaryMinTasks=50")
                .classpath(Stream.concat(Stream.of(shellJar), servers.stream()).toArray(Path[]::new))
                .mainClass("sc.CanaryApp")
                .args(jars, modules, server)
                .timeout(Duration.ofMinutes(3))
                .outputIn(work)
                .name(server)
                .run();
    }

    private static void assertAborted(ChildJvm.Result r) {
        List<String> out = r.stdoutLines();
        String line = "canary generation 2 \\(9\\.0, \\w+\\) aborted: 5xx responses to \\d+(\\.\\d)?% of its [\\d,]+"
                + " requests, current generation 1's to \\d+(\\.\\d)?% of [\\d,]+; margin 5%, the difference at least"
                + " \\d+(\\.\\d)?% \\(99% confidence\\)";
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(out.contains("done")),
                () -> assertTrue(out.stream().noneMatch(l -> l.startsWith("FAILED"))),
                () -> assertTrue(out.contains("canary 2")),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches("notification modulets: " + line + " data 2")),
                        "aborted by the agent on its 5xx share"),
                () -> assertTrue(r.stderrLines().stream().anyMatch(l -> l.matches(".*modulets: " + line)),
                        "the log line"),
                () -> assertTrue(out.contains("canary now 0 current 1"), "the current generation stays current"),
                () -> assertTrue(count(out, 2, 1) >= 50, "at least the minimum before it is judged"),
                () -> assertEquals(answered(out, 0), count(out, 1, 1) + count(out, 2, 1),
                        "every request the client sent counted once"),
                () -> assertEquals(answered(out, 500), count(out, 1, 2) + count(out, 2, 2),
                        "every 500 the client got counted once, against the generation that answered it"),
                () -> assertTrue(count(out, 2, 2) * 100 >= count(out, 2, 1) * 40, "about one in two answered 500"),
                () -> assertEquals(count(out, 1, 1), count(out, 1, 3), "every request of generation 1 timed"),
                () -> assertEquals(count(out, 2, 1), count(out, 2, 3), "every request of generation 2 timed"),
                () -> assertEquals(0, count(out, 2, 4), "no task failed"),
                () -> assertEquals(0, count(out, 2, 5), "no exception left its code"));
    }

    /** The client's count: 0 the requests sent, else those answered with that status (200 or 500). */
    private static long answered(List<String> out, int status) {
        Matcher m = Pattern.compile("answered (\\d+) 200 (\\d+) 500 (\\d+)").matcher("");
        for (String l : out) {
            if (m.reset(l).matches()) {
                return Long.parseLong(m.group(status == 0 ? 1 : status == 200 ? 2 : 3));
            }
        }
        throw new AssertionError("no line 'answered' in " + out);
    }

    /** Group {@code group} of a generation's outcomes line: 1 requests, 2 5xx, 3 timed, 4 failed, 5 thrown. */
    private static long count(List<String> out, int generation, int group) {
        Pattern p = Pattern.compile("generation " + generation
                + " requests (\\d+) 5xx (\\d+) timed (\\d+) failed (\\d+) thrown (\\d+)");
        for (String l : out) {
            Matcher m = p.matcher(l);
            if (m.matches()) {
                return Long.parseLong(m.group(group));
            }
        }
        throw new AssertionError("no line matches " + p + " in " + out);
    }
}
