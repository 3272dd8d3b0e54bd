package modulets.bench.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real server's cost under the agent, as a user measures it: the whole process, started with and
 * without {@code -javaagent} in alternation. Each run reports the time from the start of the process
 * to its "ready PORT" line, then the throughput and p99 latency of {@code REQUESTS} requests sent by
 * {@code CLIENTS} keep-alive clients, then the process's CPU time so far (start-up and the load). Besides the ratio
 * of the medians, each pair's own requests/s ratio is printed, sorted: how far apart they are is the run's noise. With
 * {@code WARMUP} requests (default 0) sent first and not measured, the throughput and p99 are those of a warm
 * server, and the server's CPU time per measured request is reported too (steady state, without the start-up).
 * With {@code VERSION_2_JAR}, after the warm-up one request is held in the app (ServersIT's {@code hold-} ids) while
 * version 2 is deployed, so the measured requests run with two live generations (the agent's run only; the run
 * without the agent measures its one version); the warm-up is sent again after the deploy, so that what the deploy
 * makes the JIT redo (docs/PERFORMANCE.md, the activation wave) is not measured.
 * The app is one of ServersIT's (its shell jar and class path are given), whose requests call the
 * swappable {@code sv.mod.Version} at their start and end. With {@code -jar} as MAIN_CLASS, the class path
 * is a Spring Boot executable jar, run with {@code java -jar} (its own copy of the version in BOOT-INF/lib).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.app.ServerStartup AGENT_JAR SHELL_CLASSPATH
 *      MAIN_CLASS VERSION_JAR [RUNS] [REQUESTS] [WARMUP] [VERSION_2_JAR]
 * </pre>
 */
public final class ServerStartup {
    private static final int CLIENTS = 4;

    private ServerStartup() {
    }

    record Run(double readyMs, double requestsPerSecond, double p99Ms, double cpuMs, double cpuPerRequestUs) {
    }

    public static void main(String[] args) throws Exception {
        Path agent = Path.of(args[0]);
        String classPath = args[1];
        String mainClass = args[2];
        Path version = Path.of(args[3]);
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        int requests = args.length > 5 ? Integer.parseInt(args[5]) : 20_000;
        int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        Path second = args.length > 7 ? Path.of(args[7]) : null;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Run> without = new ArrayList<>();
        List<Run> with = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path work = Files.createTempDirectory("server-startup");
            Path modules = Files.createDirectories(work.resolve("modules"));
            Files.copy(version, modules.resolve("version.jar"), StandardCopyOption.REPLACE_EXISTING);
            boolean jar = mainClass.equals("-jar");
            without.add(run(jar ? List.of(java, "-jar", classPath)
                    : List.of(java, "-cp", classPath + ":" + version, mainClass), warmup, requests, null));
            String agentOption = "-javaagent:" + agent + "=packages=sv.mod,modules=" + modules + ",store="
                    + work.resolve("store");
            with.add(run(jar ? List.of(java, agentOption, "-jar", classPath)
                    : List.of(java, agentOption, "-cp", classPath, mainClass), warmup, requests,
                    second == null ? null : new Deploy(second, modules)));
        }
        System.out.printf(Locale.ROOT, "%s, %d runs each, %d requests by %d clients after %d not measured, %s, JDK %s%n",
                mainClass, runs, requests, CLIENTS, warmup, second == null ? "one generation"
                        : "two live generations with the agent", Runtime.version());
        System.out.printf(Locale.ROOT, "%-14s %12s %12s %12s %12s %14s%n", "median", "ready (ms)", "req/s", "p99 (ms)",
                "CPU (ms)", "CPU/req (us)");
        print("without agent", without);
        print("with agent", with);
        Run a = median(without);
        Run b = median(with);
        System.out.printf(Locale.ROOT, "%-14s %11.2fx %11.3fx %11.2fx %11.2fx %13.3fx%n", "ratio",
                b.readyMs / a.readyMs, b.requestsPerSecond / a.requestsPerSecond, b.p99Ms / a.p99Ms, b.cpuMs / a.cpuMs,
                b.cpuPerRequestUs / a.cpuPerRequestUs);
        // The ratio of the medians hides how far apart the pairs are: each pair's own ratio, sorted, shows the noise.
        double[] pairs = new double[runs];
        for (int i = 0; i < runs; i++) {
            pairs[i] = with.get(i).requestsPerSecond / without.get(i).requestsPerSecond;
        }
        Arrays.sort(pairs);
        System.out.printf(Locale.ROOT, "requests/s ratio of each pair, sorted:%s%n",
                Arrays.stream(pairs).mapToObj(r -> String.format(Locale.ROOT, " %.3f", r))
                        .collect(Collectors.joining()));
    }

    private static void print(String name, List<Run> runs) {
        Run m = median(runs);
        System.out.printf(Locale.ROOT, "%-14s %12.0f %12.0f %12.2f %12.0f %14.1f%n", name, m.readyMs,
                m.requestsPerSecond, m.p99Ms, m.cpuMs, m.cpuPerRequestUs);
    }

    private static Run median(List<Run> runs) {
        return new Run(median(runs, Run::readyMs), median(runs, Run::requestsPerSecond), median(runs, Run::p99Ms),
                median(runs, Run::cpuMs), median(runs, Run::cpuPerRequestUs));
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> field) {
        double[] values = runs.stream().mapToDouble(field).sorted().toArray();
        return values[values.length / 2];
    }

    /** Version 2's jar, and the modules directory to deploy it to. */
    record Deploy(Path jar, Path modules) {
    }

    private static Run run(List<String> command, int warmup, int requests, Deploy deploy) throws Exception {
        long start = System.nanoTime();
        // the agent logs to stderr: read with the app's output, for its "generation 2 ... is current" line
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        int port = -1;
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("ready ")) {
                port = Integer.parseInt(line.substring("ready ".length()).trim());
                break;
            }
        }
        double readyMs = (System.nanoTime() - start) / 1e6;
        if (port < 0) {
            throw new IOException("no ready line from " + command);
        }
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch secondCurrent = new CountDownLatch(1);
        Thread drain = new Thread(() -> out.lines().forEach(line -> {
            if (line.startsWith("holding hold-bench")) {
                held.countDown();
            } else if (line.contains("modulets: generation 2 ") && line.contains(" is current")) {
                secondCurrent.countDown();
            }
        }));
        drain.setDaemon(true);
        drain.start();
        URI uri = URI.create("http://127.0.0.1:" + port + "/x?id=bench");
        load(uri, new long[warmup]);
        CompletableFuture<HttpResponse<String>> holding = null;
        if (deploy != null) {
            holding = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/x?id=hold-bench")).build(),
                    HttpResponse.BodyHandlers.ofString());
            await(held, "the held request");
            Path next = deploy.modules().resolve("version.jar.new");
            Files.copy(deploy.jar(), next, StandardCopyOption.REPLACE_EXISTING);
            Files.move(next, deploy.modules().resolve("version.jar"), StandardCopyOption.ATOMIC_MOVE);
            await(secondCurrent, "generation 2 current");
            // the same warm-up again: what the deploy made the JIT redo (the activation wave) is not measured
            load(uri, new long[warmup]);
        }
        double cpuBefore = cpuMs(process);
        long[] latencies = new long[requests];
        double seconds = load(uri, latencies);
        // read while the process lives (a dead process has no info): start-up and the load, not the exit
        double cpuMs = cpuMs(process);
        try (Writer in = process.outputWriter()) {
            if (holding != null) {
                in.write("release hold-bench\n");
                in.flush();
                String body = holding.get(60, TimeUnit.SECONDS).body();
                if (!body.equals("start=1 end=1")) {
                    throw new IOException("the request held across the deploy answered " + body);
                }
            }
        } // closing stdin ends the app
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Arrays.sort(latencies);
        return new Run(readyMs, requests / seconds, latencies[(int) (requests * 0.99)] / 1e6, cpuMs,
                (cpuMs - cpuBefore) * 1e3 / requests);
    }

    private static void await(CountDownLatch latch, String what) throws Exception {
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IOException("no " + what + " within 60 s");
        }
    }

    private static double cpuMs(Process process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(Double.NaN);
    }

    /** Sends latencies.length requests by CLIENTS keep-alive clients, records each one's latency; returns seconds. */
    private static double load(URI uri, long[] latencies) throws Exception {
        int requests = latencies.length;
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long began = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int first = c;
            done.add(clients.submit(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
                for (int i = first; i < requests; i += CLIENTS) {
                    long t = System.nanoTime();
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    latencies[i] = System.nanoTime() - t;
                    if (response.statusCode() != 200) {
                        throw new IOException("status " + response.statusCode());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        clients.shutdown();
        return seconds;
    }
}
