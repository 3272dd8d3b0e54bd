package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The metrics the monitoring people already run sees (docs/REFERENCE.md, "Metrics"): the Prometheus JMX exporter
 * agent from Maven Central runs next to modulets with contrib/prometheus/modulets.yml as it ships, and every
 * {@code modulets_*} sample it serves on loopback has the name, labels and value that the agent's MBeans, read
 * over JMX at the same moment, give — after tasks and requests on generation 1, with generation 2 a canary, and
 * once it is promoted. Nothing else of the exporter is tested here.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern SAMPLE = Pattern.compile("(modulets_\\w+)(?:\\{(.*)})? (\\S+)");
    private static final Pattern TIME_FIGURE =
            Pattern.compile("modulets_generation_(run|run_mean|run_max|request)_seconds\\{(generation=\"[^\"]*\")");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    private static final String[] COUNTERS = {"TasksStarted", "TasksCompleted", "TasksFailed", "TasksThrowing",
        "ExceptionsThrown", "Requests", "ServerErrors", "ClientErrors", "JobRuns", "JobRunsFailed"};
    private static final String[] GAUGES = {"TasksRunning", "LiveTasks", "LoadedClasses"};
    private static Path shellJar;
    private static Path v1;
    private static Path v2;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(MetricsIT.class);
        v1 = version(dir, 1);
        v2 = version(dir, 2);
        shellJar = new JarBuilder().classpath(v1)
                .source("mx.Main", AppSources.read("apps/metrics/shell/mx/Main.java"))
                .build(dir.resolve("shell.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void theExporterServesWhatTheMBeansSay(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        int port = freeLoopbackPort();
        ChildJvm child = ChildJvm.on(jdk)
                .agent("packages=mx.mod,store=" + work.resolve("store"))
                .jvmOptions("-javaagent:" + Artifacts.jmxExporterJar() + "=127.0.0.1:" + port + ":"
                        + Artifacts.contrib("prometheus/modulets.yml"))
                .classpath(shellJar, v1)
                .mainClass("mx.Main");
        HttpClient http = HttpClient.newHttpClient();
        URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child");
             JMXConnector connector = JmxIT.connect(jvm)) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName manager = new ObjectName("io.modulets:type=Manager");
            run(jvm, "tasks 20 3");
            run(jvm, "requests 10 2");
            compare(jmx, http, metrics, jvm, "generation 1 after tasks and requests");

            // generation 2 as a canary for a quarter of new root tasks
            assertEquals(2, jmx.invoke(manager, "activateCanary", new Object[] {new String[] {v2.toString()}, "25%"},
                    new String[] {String[].class.getName(), String.class.getName()}));
            run(jvm, "tasks 40 0");
            run(jvm, "requests 8 1");
            Map<String, Double> canary = compare(jmx, http, metrics, jvm, "generation 2 a canary");
            assertEquals(0.25, canary.get("modulets_canary_share"), jvm.describe());
            assertEquals(2.0, canary.get("modulets_canary_generation"));
            assertEquals(1.0, canary.get("modulets_generation_state{generation=\"2\",state=\"canary\"}"));

            assertEquals(2, jmx.invoke(manager, "promote", null, null));
            run(jvm, "tasks 10 1");
            Map<String, Double> promoted = compare(jmx, http, metrics, jvm, "generation 2 promoted");
            assertEquals(2.0, promoted.get("modulets_current_generation"));
            assertEquals(0.0, promoted.get("modulets_canary_share"));
            assertEquals(1.0, promoted.get("modulets_generation_label{generation=\"2\",label=\"2.0\"}"));
        }
    }

    /**
     * Reads every MBean over JMX, scrapes, reads them again: the scrape holds exactly the samples the MBeans give
     * (no more, no fewer), each with the value they gave. The exporter's own HTTP exchange is a request and a few
     * task runs of the generation current then (docs/REFERENCE.md, "Metrics"), so a few samples move while it
     * reads: a counter must lie between the two readings, a generation's state is the one of either reading,
     * live and running tasks are gauges that move both ways (the exporter's own tasks come, the app's leave) and
     * are only checked to be a count, a run-time figure of a generation whose runs were counted meanwhile (a mean, a
     * percentile is not monotonic, so it can move and come back) is only checked to be there. Everything that did not move must be equal.
     */
    private static Map<String, Double> compare(MBeanServerConnection jmx, HttpClient http, URI metrics,
                                               InteractiveJvm jvm, String when) throws Exception {
        Map<String, Double> before = expected(jmx);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> after = expected(jmx);
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Double> scraped = new TreeMap<>();
        for (String line : response.body().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches()) {
                scraped.put(key(m.group(1), m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
        String context = when + "\nMBeans before: " + before + "\nMBeans after: " + after + "\nscrape:\n"
                + response.body() + "\n" + jvm.describe();
        // a generation's state may change while the exporter reads (draining, then retired): its sample is the one
        // before or the one after; every sample both readings have is scraped
        for (String key : scraped.keySet()) {
            assertTrue(before.containsKey(key) || after.containsKey(key), "not an MBean's: " + key + " " + context);
        }
        for (String key : before.keySet()) {
            assertTrue(!after.containsKey(key) || scraped.containsKey(key), "not scraped: " + key + " " + context);
        }
        for (Map.Entry<String, Double> sample : scraped.entrySet()) {
            String key = sample.getKey();
            double first = before.getOrDefault(key, after.get(key));
            double last = after.getOrDefault(key, first);
            double low = Math.min(first, last);
            double high = Math.max(first, last);
            double value = sample.getValue();
            if (key.startsWith("modulets_generation_live_tasks{")
                    || key.startsWith("modulets_generation_tasks_running{")) {
                // gauges that move both ways while the exporter reads: its own exchange starts tasks of the
                // generation, and tasks the app left (ended, or collected unrun) leave the count at any time
                assertTrue(value >= 0 && value == Math.rint(value), key + " = " + value + " " + context);
            } else if (low == high && !runFigureOfMovedGeneration(key, before, after)) {
                assertEquals(low, value, Math.abs(low) * 1e-12, key + " " + context);
            } else if (key.contains("_total{") || key.endsWith("_total")) {
                assertTrue(low <= value && value <= high, key + " = " + value + " " + context);
            }
        }
        return scraped;
    }

    /**
     * Whether {@code key} is a run-time or request-time figure of a generation whose runs (or requests) were counted
     * while the exporter read. A percentile is not monotonic: with runs ending during the scrape it can hold another
     * value in the middle and the same value at both readings, so equal readings prove nothing about the scrape.
     */
    private static boolean runFigureOfMovedGeneration(String key, Map<String, Double> before,
                                                      Map<String, Double> after) {
        Matcher m = TIME_FIGURE.matcher(key);
        if (!m.lookingAt()) {
            return false;
        }
        String g = "{" + m.group(2) + "}";
        String[] counts = m.group(1).equals("request")
                ? new String[] {"modulets_generation_requests_total" + g}
                : new String[] {"modulets_generation_tasks_completed_total" + g,
                                "modulets_generation_tasks_failed_total" + g};
        for (String count : counts) {
            if (!Objects.equals(before.get(count), after.get(count))) {
                return true;
            }
        }
        return false;
    }

    /** The samples the rules of contrib/prometheus/modulets.yml make of the MBeans, as docs/REFERENCE.md lists them. */
    private static Map<String, Double> expected(MBeanServerConnection jmx) throws Exception {
        Map<String, Double> samples = new TreeMap<>();
        ObjectName manager = new ObjectName("io.modulets:type=Manager");
        samples.put("modulets_current_generation", number(jmx, manager, "CurrentGeneration"));
        samples.put("modulets_canary_generation", number(jmx, manager, "Canary"));
        samples.put("modulets_canary_share", number(jmx, manager, "CanaryShare"));
        samples.put("modulets_rollback_target_generation", number(jmx, manager, "RollbackTarget"));
        samples.put("modulets_loaded_generations", number(jmx, manager, "LoadedGenerationCount"));
        samples.put("modulets_activations_total", number(jmx, manager, "ActivationCount"));
        samples.put("modulets_rejections_total", number(jmx, manager, "RejectionCount"));
        for (ObjectName generation : jmx.queryNames(new ObjectName("io.modulets:type=Generation,*"), null)) {
            String id = generation.getKeyProperty("id");
            String g = "generation=\"" + id + "\"";
            for (String counter : COUNTERS) {
                samples.put("modulets_generation_" + snake(counter) + "_total{" + g + "}",
                        number(jmx, generation, counter));
            }
            for (String gauge : GAUGES) {
                samples.put("modulets_generation_" + snake(gauge) + "{" + g + "}", number(jmx, generation, gauge));
            }
            samples.put("modulets_generation_run_seconds{" + g + ",quantile=\"0.5\"}",
                    number(jmx, generation, "P50RunNanos") / 1e9);
            samples.put("modulets_generation_run_seconds{" + g + ",quantile=\"0.99\"}",
                    number(jmx, generation, "P99RunNanos") / 1e9);
            samples.put("modulets_generation_request_seconds{" + g + ",quantile=\"0.5\"}",
                    number(jmx, generation, "P50RequestNanos") / 1e9);
            samples.put("modulets_generation_request_seconds{" + g + ",quantile=\"0.99\"}",
                    number(jmx, generation, "P99RequestNanos") / 1e9);
            samples.put("modulets_generation_run_mean_seconds{" + g + "}",
                    number(jmx, generation, "MeanRunNanos") / 1e9);
            samples.put("modulets_generation_run_max_seconds{" + g + "}", number(jmx, generation, "MaxRunNanos") / 1e9);
            samples.put("modulets_generation_state{" + g + ",state=\"" + jmx.getAttribute(generation, "State") + "\"}",
                    1.0);
            samples.put("modulets_generation_label{" + g + ",label=\"" + jmx.getAttribute(generation, "Label") + "\"}",
                    1.0);
        }
        return samples;
    }

    private static double number(MBeanServerConnection jmx, ObjectName name, String attribute) throws Exception {
        return ((Number) jmx.getAttribute(name, attribute)).doubleValue();
    }

    /** {@code name{a="1",b="2"}} with the labels sorted, as {@link #expected} writes it. */
    private static String key(String name, String labels) {
        if (labels == null || labels.isEmpty()) {
            return name;
        }
        Map<String, String> sorted = new TreeMap<>();
        Matcher m = LABEL.matcher(labels);
        while (m.find()) {
            sorted.put(m.group(1), m.group(2));
        }
        StringBuilder key = new StringBuilder(name).append('{');
        sorted.forEach((label, value) -> key.append(label).append("=\"").append(value).append("\","));
        key.setLength(key.length() - 1);
        return key.append('}').toString();
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
    }

    private static void run(InteractiveJvm jvm, String command) throws Exception {
        jvm.send(command);
        jvm.expect(command, WAIT);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path version(Path dir, int n) throws IOException {
        return new JarBuilder()
                .source("mx.mod.Work", "package mx.mod;\n"
                        + "public final class Work {\n"
                        + "    private Work() {}\n"
                        + "    public static void task(boolean fail) {\n"
                        + "        if (fail) throw new IllegalStateException(\"failing task of version " + n + "\");\n"
                        + "    }\n"
                        + "    public static int status(String path) { return path.equals(\"/fail\") ? 500 : 200; }\n"
                        + "}\n")
                .manifest("Implementation-Version", n + ".0")
                .build(dir.resolve("mod-" + n + ".jar"));
    }
}
