package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * A canary judged on what a server's users see (DESIGN §4, "Outcomes" and "Canaries"): the child (apps/statuses)
 * is the JDK's HttpServer, whose swappable handler catches its own errors and answers them with a 500, so no
 * exception leaves its code and no task fails. With {@code canary=50%,canaryMargin=5%,canaryMinTasks=50}, a
 * release that answers 500 to one request in ten, as the current one does, serves 10,000 requests and is not
 * aborted; a release that answers 500 to one in two is aborted by the agent, and the line names the 5xx signal.
 * The counts per generation, read through JMX, add up to the statuses the client got; 404s count apart; the
 * periodic JFR event shows the same counts. A release as good, but whose report page takes twenty times as long
 * (100 ms against 5 ms: the machine's delays, in both p99s, must not bring the two within 1.5x), is aborted by the
 * latency rule ({@code 1.5x}, set through JMX), the line naming it; every request is timed.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RequestOutcomesIT {
    private static Path shellJar;
    private static Path jars;

    @BeforeAll
    static void build() throws IOException {
        jars = WorkDirs.forClass(RequestOutcomesIT.class);
        Path v1 = version("v1.jar", 1, 10, 5);
        version("good.jar", 2, 10, 5);
        version("bad.jar", 9, 2, 5);
        version("slow.jar", 4, 10, 100);
        shellJar = new JarBuilder().classpath(v1)
                .source("cs.App", AppSources.read("apps/statuses/shell/cs/App.java"))
                .source("itkit.Operator", AppSources.read("apps/common/itkit/Operator.java"))
                .build(jars.resolve("shell.jar"));
    }

    /**
     * A handler that fails one request in {@code every} (its own count: the rate holds whatever its share of the
     * requests), catches the failure and answers it 500; a missing page is a 404; a report takes {@code reportMillis}.
     */
    private static Path version(String jar, int n, int every, int reportMillis) throws IOException {
        return new JarBuilder()
                .source("cs.mod.Handler", "package cs.mod; public class Handler {"
                        + " private static final java.util.concurrent.atomic.AtomicInteger CALLS ="
                        + " new java.util.concurrent.atomic.AtomicInteger();"
                        + " public static void handle(com.sun.net.httpserver.HttpExchange exchange)"
                        + " throws java.io.IOException {"
                        + "  int status; String body;"
                        + "  if (exchange.getRequestURI().getPath().equals(\"/missing\")) {"
                        + "   status = 404; body = \"missing\";"
                        + "  } else {"
                        + "   if (exchange.getRequestURI().getPath().equals(\"/report\")) {"
                        + "    try { Thread.sleep(" + reportMillis + "); }"
                        + "    catch (InterruptedException e) { Thread.currentThread().interrupt(); } }"
                        + "   try { body = work(); status = 200; }"
                        + "   catch (IllegalStateException e) { body = e.getMessage(); status = 500; }"
                        + "  }"
                        + "  byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);"
                        + "  exchange.sendResponseHeaders(status, bytes.length);"
                        + "  try (java.io.OutputStream out = exchange.getResponseBody()) { out.write(bytes); }"
                        + " }"
                        + " static String work() {"
                        + "  if (CALLS.incrementAndGet() % " + every + " == 0) {"
                        + "   throw new IllegalStateException(\"failed\"); }"
                        + "  return \"" + n + "\"; } }")
                .manifest("Implementation-Version", n + ".0")
                .build(jars.resolve(jar));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aCanaryAnsweringMore5xxIsAbortedAndOneAnsweringAsManyIsNot(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(jars.resolve("v1.jar"), modules.resolve("mod.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=cs.mod,modules=" + modules + ",store=" + work.resolve("store")
                        + ",quiet=100ms,canary=50%,canaryMargin=5%,canaryMinTasks=50")
                .classpath(shellJar)
                .mainClass("cs.App")
                .args(jars, modules)
                .timeout(Duration.ofMinutes(4))
                .outputIn(work)
                .name("statuses")
                .run();
        List<String> out = r.stdoutLines();
        String line = "canary generation 3 \\(9\\.0, \\w+\\) aborted: 5xx responses to \\d+(\\.\\d)?% of its [\\d,]+"
                + " requests, current generation 2's to \\d+(\\.\\d)?% of [\\d,]+; margin 5%, the difference at least"
                + " \\d+(\\.\\d)?% \\(99% confidence\\)";
        String slow = "canary generation 4 \\(4\\.0, \\w+\\) aborted: p99 latency of its [\\d,]+ requests"
                + " \\d+\\.\\d\\d ms, current generation 2's \\d+\\.\\d\\d ms of [\\d,]+; limit 1\\.5x";
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(out.contains("done")),
                () -> assertTrue(out.stream().noneMatch(l -> l.startsWith("FAILED"))),
                // (1) the good release: the same 5xx rate as current, 10,000 requests, not aborted
                () -> assertTrue(out.contains("good canary 2")),
                () -> assertTrue(out.contains("good aborted no")),
                () -> assertTrue(out.contains("good canary now 2 state canary")),
                () -> assertOneInTen(out, "good generation 1"),
                () -> assertOneInTen(out, "good generation 2"),
                () -> assertEquals(answered(out, "good", 500),
                        count(out, "good generation 1", 2) + count(out, "good generation 2", 2),
                        "every 500 the client got was counted once, against the generation that answered it"),
                () -> assertEquals(answered(out, "good", 404),
                        count(out, "good generation 1", 3) + count(out, "good generation 2", 3), "and every 404"),
                () -> assertEquals(10_000, count(out, "good generation 1", 1) + count(out, "good generation 2", 1),
                        "every request counted once"),
                () -> assertTrue(out.contains("good promoted 2")),
                // (2) the bad release: aborted by the agent on its 5xx share, no exception left its code
                () -> assertTrue(out.contains("bad canary 3")),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches(
                        "bad notification modulets: " + line + " data 3")), "the JMX notification"),
                () -> assertTrue(r.stderrLines().stream().anyMatch(l -> l.matches(".*modulets: " + line)),
                        "the log line"),
                () -> assertTrue(out.contains("bad canary now 0 current 2"), "the current generation stays current"),
                () -> assertTrue(count(out, "bad generation 3", 1) >= 50, "at least the minimum before it is judged"),
                () -> assertTrue(count(out, "bad generation 3", 2) * 100 >= count(out, "bad generation 3", 1) * 40,
                        "about one in two answered 500"),
                () -> assertEquals(0, count(out, "bad generation 3", 4), "no task failed"),
                () -> assertEquals(0, count(out, "bad generation 3", 5), "no exception left its code"),
                () -> assertTrue(out.stream().anyMatch(l -> l.startsWith("jfr generation 2 requests "
                        + count(out, "slow generation 2", 1) + " 5xx " + count(out, "slow generation 2", 2) + " 4xx "
                        + count(out, "slow generation 2", 3) + " timed " + count(out, "slow generation 2", 1)
                        + " p99 ")),
                        "the periodic JFR event shows what the MBean does, every request timed"),
                () -> assertEquals(answered(out, "bad", 500),
                        count(out, "bad generation 3", 2) + count(out, "bad generation 2", 2)
                                - count(out, "good generation 2", 2),
                        "every 500 counted once, against the generation that answered it"),
                // (3) the slow release: as good, twenty times as slow, aborted by the latency rule set through JMX
                () -> assertTrue(out.contains("slow canary 4")),
                () -> assertTrue(out.contains("slow policy abort above the current generation's failure,"
                        + " thrown-exception, 5xx or failed-job rate + 5% (99% confidence) after 50 ended tasks, or at"
                        + " a p99 latency above 1.5x the current generation's after 50 timed requests or task runs"
                        + " each")),
                () -> assertTrue(out.stream().anyMatch(l -> l.matches("slow notification modulets: " + slow
                        + " data 4")), "the JMX notification names the latency rule"),
                () -> assertTrue(r.stderrLines().stream().anyMatch(l -> l.matches(".*modulets: " + slow)),
                        "the log line"),
                () -> assertTrue(out.contains("slow canary now 0 current 2"), "the current generation stays current"),
                () -> assertEquals(0, count(out, "slow generation 4", 4), "no task failed"),
                () -> assertTrue(latency(out, "slow generation 4", 1) >= 50, "at least the minimum timed"),
                () -> assertEquals(count(out, "slow generation 4", 1), latency(out, "slow generation 4", 1),
                        "every request timed"),
                () -> assertTrue(latency(out, "slow generation 4", 3) >= 100_000_000, "its p99 at least 100 ms"),
                () -> assertTrue(latency(out, "slow generation 4", 3) > 1.5 * latency(out, "slow generation 2", 3),
                        "above 1.5 times the current's"));
    }

    /** Group {@code group} of a generation's latency line: 1 requests timed, 2 p50, 3 p99 (ns). */
    private static long latency(List<String> out, String prefix, int group) {
        Pattern p = Pattern.compile(Pattern.quote(prefix) + " timed (\\d+) p50 (\\d+) p99 (\\d+)");
        for (String l : out) {
            Matcher m = p.matcher(l);
            if (m.matches()) {
                return Long.parseLong(m.group(group));
            }
        }
        throw new AssertionError("no line matches " + p + " in " + out);
    }

    /** A good generation answered about half the requests, one in ten of the pages with a 500, nothing escaping. */
    private static void assertOneInTen(List<String> out, String prefix) {
        long requests = count(out, prefix, 1);
        long serverErrors = count(out, prefix, 2);
        long pages = requests - count(out, prefix, 3);
        assertAll(String.join("\n", out),
                () -> assertTrue(requests > 4000, "about half of the 10,000 requests: " + requests),
                () -> assertTrue(Math.abs(serverErrors - pages / 10) <= 1, serverErrors + " 500s of " + pages),
                () -> assertEquals(0, count(out, prefix, 4), "no task failed"),
                () -> assertEquals(0, count(out, prefix, 5), "no exception left its code"));
    }

    /** The client's count of a status in a phase. */
    private static long answered(List<String> out, String phase, int status) {
        Matcher m = Pattern.compile(phase + " answered 200 (\\d+) 404 (\\d+) 500 (\\d+)").matcher("");
        for (String l : out) {
            if (m.reset(l).matches()) {
                return Long.parseLong(m.group(status == 200 ? 1 : status == 404 ? 2 : 3));
            }
        }
        throw new AssertionError("no line '" + phase + " answered' in " + out);
    }

    /** Group {@code group} of a generation's outcomes line: 1 requests, 2 5xx, 3 4xx, 4 failed, 5 thrown. */
    private static long count(List<String> out, String prefix, int group) {
        Pattern p = Pattern.compile(Pattern.quote(prefix)
                + " requests (\\d+) 5xx (\\d+) 4xx (\\d+) failed (\\d+) thrown (\\d+)");
        for (String l : out) {
            Matcher m = p.matcher(l);
            if (m.matches()) {
                return Long.parseLong(m.group(group));
            }
        }
        throw new AssertionError("no line matches " + p + " in " + out);
    }
}
