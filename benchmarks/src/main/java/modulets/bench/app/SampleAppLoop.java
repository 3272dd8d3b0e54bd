package modulets.bench.app;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import modulets.bench.Cli;
import modulets.bench.Compare;

/**
 * Throughput of the sample app's request loop: the job server of {@code sample-app}
 * ({@code org.example.jobs.JobServer}, the demo's shell) started as the demo starts it, with and
 * without the agent, and driven by {@link #CLIENTS} client threads. One job is two requests:
 * {@code POST /register} (the server starts a job on its pool; the job sends its confirmation mail
 * through the swappable mail module, a real SMTP conversation) and {@code POST /reply} (the job
 * sends its welcome mail and ends). The clock stops when {@code /status} reports every job done;
 * the figure is requests per second. Mail goes to {@link SmtpSink}. A warm-up of jobs comes first.
 * There is no TTL setup: the app holds no TransmittableThreadLocal, so TTL would carry nothing.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.app.SampleAppLoop [--jobs 2000] [--warmup 500]
 * </pre>
 * The sample jar is {@code -Dmodulets.sample.jar}, else {@code sample-app/target/modulets-sample.jar}
 * beside this module (its {@code lib/} folder beside it).
 */
public final class SampleAppLoop {
    public static final int CLIENTS = 4;
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern DONE = Pattern.compile(".* done=(\\d+) failed=(\\d+)");

    private SampleAppLoop() {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, SampleAppLoop::cli);
    }

    private static void cli(String[] args) throws Exception {
        int jobs = 2000;
        int warmup = 500;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("usage: [--jobs 2000] [--warmup 500]");
            }
        }
        Map<String, Double> rates = measure(List.of("none", "modulets"), warmup, jobs);
        System.out.printf(Locale.ROOT, "sample app request loop, %d jobs (%d requests) after %d warm-up jobs (JDK %s)%n",
                jobs, 2 * jobs, warmup, Runtime.version());
        rates.forEach((setup, rate) -> System.out.printf(Locale.ROOT, "%-10s %10.0f requests/s%n", setup, rate));
    }

    /** Requests per second of each setup ({@code none} or {@code modulets}). */
    public static Map<String, Double> measure(List<String> setups, int warmup, int jobs) throws Exception {
        Path sampleJar = sampleJar();
        Path work = Files.createTempDirectory("modulets-sample-loop");
        try (SmtpSink smtp = new SmtpSink()) {
            Path modules = Files.createDirectories(work.resolve("modules"));
            Files.copy(mailJar(sampleJar, work.resolve("versions")), modules.resolve("mail.jar"));
            Map<String, Double> rates = new LinkedHashMap<>();
            for (String setup : setups) {
                List<String> command = command(setup, sampleJar, modules, work.resolve("store"), smtp.port());
                rates.put(setup, run(command, warmup, jobs));
            }
            return rates;
        } finally {
            Compare.deleteTree(work);
        }
    }

    private static Path sampleJar() {
        String property = System.getProperty("modulets.sample.jar");
        Path jar = property != null ? Path.of(property)
                : Compare.ownJar().getParent().resolve("../../sample-app/target/modulets-sample.jar").normalize();
        if (!Files.isRegularFile(jar) || !Files.isDirectory(jar.resolveSibling("lib"))) {
            throw new IllegalStateException("no sample app at " + jar + " (with lib/ beside it): build it, or set -Dmodulets.sample.jar");
        }
        return jar.toAbsolutePath();
    }

    private static List<Path> classPath(Path sampleJar) throws IOException {
        List<Path> jars = new ArrayList<>(List.of(sampleJar));
        try (Stream<Path> lib = Files.list(sampleJar.resolveSibling("lib"))) {
            lib.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
        }
        return jars;
    }

    /** Version 1 of the mail module, compiled by the sample app's own {@code MailVersions}. */
    private static Path mailJar(Path sampleJar, Path versions) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (Path jar : classPath(sampleJar)) {
            urls.add(jar.toUri().toURL());
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> mailVersions = loader.loadClass("org.example.jobs.demo.MailVersions");
            mailVersions.getMethod("writeAll", Path.class).invoke(null, versions);
        }
        return versions.resolve("mail-1.jar");
    }

    /** The demo's command line (JobStory), with or without the agent in its normal configuration. */
    private static List<String> command(String setup, Path sampleJar, Path modules, Path store, int smtpPort)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        switch (setup) {
            case "none" -> { }
            case "modulets" -> cmd.add("-javaagent:" + Compare.agentJar() + "=packages=org.example.jobs.mail,modules="
                    + modules + ",store=" + store);
            default -> throw new IllegalArgumentException("unknown setup " + setup + " (none, modulets)");
        }
        List<String> classPath = new ArrayList<>();
        classPath(sampleJar).forEach(p -> classPath.add(p.toString()));
        classPath.add(modules.resolve("mail.jar").toString());
        cmd.add("-Dsun.net.httpserver.nodelay=true"); // as the demo: no delayed-ACK wait per answer
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), "org.example.jobs.JobServer",
                Integer.toString(smtpPort), "60", "600"));
        return cmd;
    }

    /** Starts the server, warms it up, measures {@code jobs} jobs, stops it. Requests per second. */
    private static double run(List<String> command, int warmup, int jobs) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process server = builder.start();
        List<String> output = new ArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.matches()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the server ended
            }
            port.completeExceptionally(new IOException("the job server ended before it listened"));
        }, "job-server-output");
        reader.setDaemon(true);
        reader.start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try {
            URI base = URI.create("http://127.0.0.1:" + port.get(60, TimeUnit.SECONDS) + "/");
            drive(http, base, 0, warmup);
            awaitDone(http, base, warmup);
            long start = System.nanoTime();
            drive(http, base, warmup, jobs);
            awaitDone(http, base, warmup + jobs);
            double seconds = (System.nanoTime() - start) / 1e9;
            post(http, base.resolve("stop"), "");
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the job server did not stop");
            }
            return 2 * jobs / seconds;
        } catch (Exception e) {
            synchronized (output) {
                throw new IllegalStateException(e + "\n" + String.join("\n", output), e);
            }
        } finally {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Jobs {@code first+1 .. first+count}, each registered and then replied to, by {@link #CLIENTS} threads. */
    private static void drive(HttpClient http, URI base, int first, int count) throws Exception {
        AtomicInteger next = new AtomicInteger(first);
        int last = first + count;
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int user; (user = next.incrementAndGet()) <= last; ) {
                        String job = post(http, base.resolve("register"), "user" + user + "@example.org");
                        post(http, base.resolve("reply"), job);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static void awaitDone(HttpClient http, URI base, int total) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            String status = http.send(HttpRequest.newBuilder(base.resolve("status")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = DONE.matcher(status);
            if (!m.matches()) {
                throw new IOException("unexpected status: " + status);
            }
            if (Integer.parseInt(m.group(2)) > 0) {
                throw new IOException("jobs failed: " + status);
            }
            if (Integer.parseInt(m.group(1)) >= total) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("not all " + total + " jobs done within 2 minutes: " + status);
            }
            Thread.sleep(2);
        }
    }

    private static String post(HttpClient http, URI uri, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().trim();
    }
}
