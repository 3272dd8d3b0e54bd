package modulets.bench.startup;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import modulets.bench.Cli;
import modulets.bench.Compare;

/**
 * The whole process of a Spring Boot 4 web application ({@code startup.webapp.WebApp}: Spring MVC on embedded
 * Tomcat, exploded on the class path, one endpoint that calls swappable code), without an agent, with modulets and
 * with the TTL agent: the time from the JVM's start to the first answered request (this harness asks as soon as
 * the application says it serves), then, after stdin closes and the application exits, the whole process's CPU
 * time (user + system) and peak resident set from {@code /usr/bin/time}. Rounds interleave the setups in rotated
 * order after one uncounted run of each, as {@link WholeProcess} does; the figures are medians, and what an agent
 * adds is also given as a ratio, the form of its target.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.startup.WebStartup [--runs 11] [--setups none,modulets,ttl]
 * </pre>
 * The application's jars are those Maven copied to {@code benchmarks/target/spring-boot-app} (or
 * {@code -Dmodulets.spring.lib=DIR}).
 */
public final class WebStartup {
    private static final String MAIN = "modulets.bench.startup.webapp.WebApp";
    private static final Path TIME = Path.of("/usr/bin/time");
    private static final Duration LIMIT = Duration.ofMinutes(2);
    /** One client for every run: its own start-up is paid once, in the uncounted runs. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    private WebStartup() {
    }

    /** One run, or a median: ms from the JVM's start to the first answer, then the whole process's. */
    public record Figures(double firstAnswerMs, double wallMs, double cpuMs, double rssMb) {
    }

    public record Result(Map<String, Figures> medians, int runs, String loadBefore, String loadAfter) {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, WebStartup::cli);
    }

    private static void cli(String[] args) throws Exception {
        Rounds rounds = Rounds.parse(args, 11);
        int runs = rounds.runs();
        List<String> setups = rounds.setups();
        Result r = measure(setups, runs);
        System.out.printf(Locale.ROOT, "a Spring Boot web application, median of %d interleaved runs (JDK %s); load"
                + " average before %s, after %s%n", runs, Runtime.version(), r.loadBefore(), r.loadAfter());
        System.out.printf(Locale.ROOT, "%-10s %14s %9s %9s %9s%n", "setup", "1st answer ms", "wall ms", "CPU ms",
                "RSS MB");
        Figures base = r.medians().get(setups.get(0));
        r.medians().forEach((setup, f) -> System.out.printf(Locale.ROOT, "%-10s %14.0f %9.0f %9.0f %9.1f   ×%.2f / ×%.2f%n",
                setup, f.firstAnswerMs(), f.wallMs(), f.cpuMs(), f.rssMb(), f.firstAnswerMs() / base.firstAnswerMs(),
                f.cpuMs() / base.cpuMs()));
    }

    public static Result measure(List<String> setups, int runs) throws Exception {
        if (!Files.isExecutable(TIME)) {
            throw new IOException("the whole-process figure needs " + TIME + " (GNU time: apt-get install time)");
        }
        Path work = Files.createTempDirectory("modulets-web");
        try {
            Path modules = Files.createDirectories(work.resolve("modules"));
            Path app = work.resolve("app.jar");
            Startup.copyEntries("modulets/bench/startup/webapp/", app);
            Startup.copyEntries("modulets/bench/startup/webswap/", modules.resolve("greeting.jar"));
            String libraries = libraries();
            Map<String, List<String>> commands = new LinkedHashMap<>();
            for (String setup : setups) {
                String classPath = app + File.pathSeparator + libraries
                        + (setup.equals("modulets") ? "" : File.pathSeparator + modules.resolve("greeting.jar"));
                commands.put(setup, command(setup, classPath, modules, work));
            }
            String loadBefore = WholeProcess.loadAverage();
            Map<String, List<Figures>> samples = new Rounds(runs, setups)
                    .run(setup -> runOnce(commands.get(setup), work));
            String loadAfter = WholeProcess.loadAverage();
            Map<String, Figures> medians = new LinkedHashMap<>();
            samples.forEach((setup, s) -> medians.put(setup, new Figures(
                    WholeProcess.median(s.stream().mapToDouble(Figures::firstAnswerMs).toArray()),
                    WholeProcess.median(s.stream().mapToDouble(Figures::wallMs).toArray()),
                    WholeProcess.median(s.stream().mapToDouble(Figures::cpuMs).toArray()),
                    WholeProcess.median(s.stream().mapToDouble(Figures::rssMb).toArray()))));
            return new Result(medians, runs, loadBefore, loadAfter);
        } finally {
            Compare.deleteTree(work);
        }
    }

    /** The application's jars, as a class path. */
    private static String libraries() throws IOException {
        String property = System.getProperty("modulets.spring.lib");
        Path dir = property != null ? Path.of(property)
                : Compare.ownJar().getParent().resolve("spring-boot-app");
        List<String> jars = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.jar")) {
                entries.forEach(jar -> jars.add(jar.toAbsolutePath().toString()));
            }
        }
        if (jars.isEmpty()) {
            throw new IOException("no Spring Boot jars in " + dir + " (build the benchmarks, or set -Dmodulets.spring.lib)");
        }
        jars.sort(null);
        return String.join(File.pathSeparator, jars);
    }

    private static List<String> command(String setup, String classPath, Path modules, Path work) {
        List<String> cmd = new ArrayList<>(List.of(TIME.toString(), "-o", work.resolve("time.out").toString(), "-f",
                "%U %S %M"));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Djava.io.tmpdir=" + work); // Tomcat's work directories, deleted with it
        switch (setup) {
            case "none" -> { }
            case "modulets" -> cmd.add("-javaagent:" + Compare.agentJar() + "=packages=modulets.bench.startup.webswap,"
                    + "modules=" + modules + ",store=" + work.resolve("store") + ",log=warn");
            case "ttl" -> cmd.add("-javaagent:" + Compare.ttlJar());
            default -> throw new IllegalArgumentException("unknown setup " + setup + " (none, modulets, ttl)");
        }
        cmd.addAll(List.of("-cp", classPath, MAIN));
        return cmd;
    }

    private static Figures runOnce(List<String> command, Path work) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("_JAVA_OPTIONS");
        long start = System.nanoTime();
        Process process = builder.start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String port = null;
            for (String line; port == null && (line = out.readLine()) != null; ) {
                output.add(line);
                port = line.startsWith("ready ") ? line.substring("ready ".length()).trim() : null;
            }
            if (port == null) {
                throw failed(command, output, "ended before it served");
            }
            String answer = firstAnswer(port);
            double firstAnswer = (System.nanoTime() - start) / 1e6;
            if (!answer.equals("hello bench")) {
                throw failed(command, output, "answered " + answer);
            }
            process.getOutputStream().close(); // the application ends when its stdin closes
            for (String line; (line = out.readLine()) != null; ) {
                output.add(line);
            }
            if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw failed(command, output, "did not exit with 0 within " + LIMIT.toSeconds() + " s");
            }
            double wall = (System.nanoTime() - start) / 1e6;
            String[] f = Files.readString(work.resolve("time.out")).trim().split("\\s+"); // user s, system s, RSS KB
            return new Figures(firstAnswer, wall, (Double.parseDouble(f[0]) + Double.parseDouble(f[1])) * 1000,
                    Double.parseDouble(f[2]) / 1024);
        } finally {
            process.destroyForcibly();
        }
    }

    private static String firstAnswer(String port) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/greet?name=bench")).timeout(LIMIT).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? response.body() : "HTTP " + response.statusCode();
    }

    private static IllegalStateException failed(List<String> command, List<String> output, String what) {
        return new IllegalStateException("the Spring Boot application " + what + ": " + String.join(" ", command)
                + "\n" + String.join("\n", output));
    }
}
