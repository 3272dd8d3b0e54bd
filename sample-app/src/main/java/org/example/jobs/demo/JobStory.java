package org.example.jobs.demo;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The job server's story (from the Python modulets experiment this project began as), told to
 * one job server JVM: register users, deploy version 2 of the mail module while their jobs wait
 * for replies, register more users, reply to every job, and read back from the SMTP server which
 * job sent which kind of mail. The demo prints it; the integration test asserts it. Nothing here
 * judges: {@link Outcome} is what was observed.
 */
public final class JobStory {
    public static final String SWAPPABLE = "org.example.jobs.mail";
    public static final String PLAIN_RETURN_PATH = "bounces@jobs.example.org";
    public static final String CONFIRMATION = "Please confirm your registration";
    public static final String WELCOME = "Welcome";
    static final String SERVER_CLASS = "org.example.jobs.JobServer";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Pattern STATUS = Pattern.compile(
            "mail=(.+) registered=(\\d+) waiting=(\\d+) done=(\\d+) failed=(\\d+)");

    /**
     * How to run the story: {@code java} is the JVM to start the server with, {@code agentJar}
     * the modulets agent ({@code null}: the same command line without {@code -javaagent});
     * {@code versions} holds mail-1.jar and mail-2.jar; {@code work} is a fresh directory.
     * {@code swapWait} bounds the wait for the server to show version 2 after the deploy.
     */
    public record Setup(String java, Path agentJar, Path sampleJar, Path versions, Path work,
                        int early, int late, Duration swapWait) {
    }

    /** What the story says as it goes: the demo prints it, a test may ignore it. */
    public interface Narrator extends Consumer<String> {
    }

    /** One mail as the SMTP server received it. */
    public record Mail(int job, String subject, String recipient, String returnPath) {
        public boolean verp() {
            return !returnPath.equals(PLAIN_RETURN_PATH);
        }

        /** The VERP return path that encodes this mail's own recipient. */
        public String ownVerpReturnPath() {
            return "bounces+" + recipient.replace('@', '=') + "@jobs.example.org";
        }
    }

    /** What the job server said on {@code GET /status}. */
    public record Status(String mail, int registered, int waiting, int done, int failed) {
        static Status parse(String text) throws IOException {
            Matcher m = STATUS.matcher(text);
            if (!m.matches()) {
                throw new IOException("unexpected status from the job server: " + text);
            }
            return new Status(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
        }
    }

    /**
     * What happened: jobs 1..early were registered before the deploy, the next {@code late}
     * after it. {@code swapMillis} is how long the server took to show version 2 (-1: not
     * within the wait). {@code generations} is what the agent logged about generations.
     */
    public record Outcome(List<String> command, int early, int late, Status atStart, Status afterDeploy,
                          long swapMillis, List<Mail> mails, List<String> generations, int exitCode,
                          String serverOutput) {
        public boolean startedAfterDeploy(int job) {
            return job > early;
        }

        public List<Mail> mailsOf(int job) {
            return mails.stream().filter(m -> m.job() == job).toList();
        }
    }

    private final Setup setup;
    private final Consumer<String> narrator;
    private final long start = System.nanoTime();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private URI server;

    private JobStory(Setup setup, Consumer<String> narrator) {
        this.setup = setup;
        this.narrator = narrator;
    }

    public static Outcome run(Setup setup, Consumer<String> narrator) throws IOException, InterruptedException {
        return new JobStory(setup, narrator).run();
    }

    private void say(String line) {
        narrator.accept(String.format("%5.1f s  %s", (System.nanoTime() - start) / 1e9, line));
    }

    private Outcome run() throws IOException, InterruptedException {
        Path modules = Files.createDirectories(setup.work().resolve("modules"));
        Files.copy(MailVersions.jar(setup.versions(), 1), modules.resolve("mail.jar"), StandardCopyOption.REPLACE_EXISTING);
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        List<String> command = command(modules, smtp.getSmtp().getPort());
        say("$ " + abbreviated(command));
        try (ServerProcess process = ServerProcess.start(command)) {
            try {
                server = URI.create("http://127.0.0.1:" + process.awaitPort(STEP_TIMEOUT) + "/");
                Status atStart = status();
                say("job server up (pid " + process.pid() + "); /status: mail=" + atStart.mail());
                int total = setup.early() + setup.late();
                register(1, setup.early());
                awaitStatus(s -> s.waiting() == setup.early(), "the first " + setup.early() + " jobs to send their confirmation", process);
                say("registered users 1-" + setup.early() + "; their jobs sent the confirmation and wait for the reply");

                deploy(modules);
                long deployed = System.nanoTime();
                Status afterDeploy = pollStatus(s -> !s.mail().equals(atStart.mail()), setup.swapWait());
                long swapMillis = afterDeploy.mail().equals(atStart.mail()) ? -1 : (System.nanoTime() - deployed) / 1_000_000;
                say(swapMillis >= 0
                        ? "deployed mail-2.jar (renamed over modules/mail.jar); after " + swapMillis + " ms /status shows mail=" + afterDeploy.mail()
                        : "deployed mail-2.jar (renamed over modules/mail.jar); after " + setup.swapWait().toMillis()
                                + " ms /status still shows mail=" + afterDeploy.mail() + ": nothing activated it");

                register(setup.early() + 1, total);
                awaitStatus(s -> s.waiting() == total, "all " + total + " jobs to send their confirmation", process);
                say("registered users " + (setup.early() + 1) + "-" + total + "; " + total + " jobs wait for their reply");
                for (int job = 1; job <= total; job++) {
                    post("reply", Integer.toString(job), 200);
                }
                awaitStatus(s -> s.done() == total, "all " + total + " jobs to finish", process);
                say("replied to all " + total + " jobs; each sent its welcome mail and finished");
                smtp.waitForIncomingEmail(STEP_TIMEOUT.toMillis(), 2 * total);
                List<String> generations = generations(process);
                post("stop", "", 200);
                int exit = process.awaitExit(STEP_TIMEOUT);
                return new Outcome(process.command(), setup.early(), setup.late(), atStart, afterDeploy, swapMillis,
                        mails(smtp), generations, exit, process.output());
            } catch (IOException e) {
                throw new IOException(e.getMessage() + (e.getMessage().contains("job server stdout") ? "" : "\n" + process.output()), e);
            }
        } finally {
            smtp.stop();
        }
    }

    /** The same command line with and without the agent: the modules jar is on the class path too. */
    private List<String> command(Path modules, int smtpPort) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(setup.java());
        if (setup.agentJar() != null) {
            cmd.add("-javaagent:" + setup.agentJar() + "=packages=" + SWAPPABLE + ",modules=" + modules
                    + ",store=" + setup.work().resolve("store"));
        }
        List<String> classpath = new ArrayList<>();
        classpath.add(setup.sampleJar().toString());
        Path lib = setup.sampleJar().resolveSibling("lib");
        try (Stream<Path> jars = Files.list(lib)) {
            jars.filter(p -> p.toString().endsWith(".jar")).sorted().map(Path::toString).forEach(classpath::add);
        } catch (IOException e) {
            throw new IOException("the sample jar's libraries are missing (" + lib + "): build with mvn -q -DskipTests package", e);
        }
        classpath.add(modules.resolve("mail.jar").toString());
        // The JDK HttpServer leaves Nagle's algorithm on: each small answer then waits ~40 ms for
        // the client's delayed ACK, which made 400 requests take 20 s.
        cmd.add("-Dsun.net.httpserver.nodelay=true");
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classpath));
        cmd.add(SERVER_CLASS);
        cmd.add(Integer.toString(smtpPort));
        cmd.add("60");   // seconds a job waits for its reply
        cmd.add("120");  // the server's lifetime, should the demo be lost
        return cmd;
    }

    /** The command with its long class path named by its parts. */
    private static String abbreviated(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        int cp = shown.indexOf("-cp");
        String[] entries = shown.get(cp + 1).split(File.pathSeparator);
        shown.set(cp + 1, entries[0] + File.pathSeparator + "<lib/*.jar: " + (entries.length - 2) + " jars>"
                + File.pathSeparator + entries[entries.length - 1]);
        return String.join(" ", shown);
    }

    private void register(int from, int to) throws IOException, InterruptedException {
        for (int job = from; job <= to; job++) {
            String answer = post("register", String.format("user%03d@example.org", job), 202);
            if (!answer.equals(Integer.toString(job))) {
                throw new IOException("registration " + job + " got job number " + answer);
            }
        }
    }

    /** Deploys as a user would: write under a temporary name, then rename over the old jar. */
    private void deploy(Path modules) throws IOException {
        Path tmp = modules.resolve(".mail.jar.tmp");
        Files.copy(MailVersions.jar(setup.versions(), 2), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, modules.resolve("mail.jar"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The generations the server's agent has. Today: the agent's log lines about them.
     *
     * <p>SWITCH TO THE CLI HERE: when {@code java -jar modulets-agent.jar} can show the generations
     * of a running JVM, run it on {@code process.pid()} (the server is still up at this point,
     * before {@code /stop}) and return its lines instead of the log's.
     */
    private static List<String> generations(ServerProcess process) {
        List<String> lines = new ArrayList<>();
        for (String line : process.stderr()) {
            int at = line.indexOf("modulets: generation ");
            if (at >= 0) {
                lines.add(line.substring(at));
            }
        }
        return lines;
    }

    private static List<Mail> mails(GreenMail smtp) throws IOException {
        List<Mail> mails = new ArrayList<>();
        try {
            for (MimeMessage message : smtp.getReceivedMessages()) {
                String job = message.getHeader("X-Job", null);
                String returnPath = message.getHeader("Return-Path", null);
                mails.add(new Mail(job == null ? -1 : Integer.parseInt(job.trim()), message.getSubject(),
                        ((InternetAddress) message.getRecipients(MimeMessage.RecipientType.TO)[0]).getAddress(),
                        returnPath == null ? "" : returnPath.trim().replaceAll("^<|>$", "")));
            }
        } catch (MessagingException | RuntimeException e) {
            throw new IOException("reading the SMTP server's mails failed: " + e, e);
        }
        return mails;
    }

    private Status status() throws IOException, InterruptedException {
        return Status.parse(send(HttpRequest.newBuilder(server.resolve("status")).GET(), 200));
    }

    /** Polls until {@code done} holds or {@code timeout} passed; returns the last status either way. */
    private Status pollStatus(Predicate<Status> done, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Status status = status();
        while (!done.test(status) && status.failed() == 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(POLL.toMillis());
            status = status();
        }
        return status;
    }

    private void awaitStatus(Predicate<Status> done, String what, ServerProcess process) throws IOException, InterruptedException {
        Status status = pollStatus(done, STEP_TIMEOUT);
        if (!done.test(status)) {
            throw new IOException("waited " + STEP_TIMEOUT.toSeconds() + " s for " + what + "; last status: " + status
                    + "\n" + process.output());
        }
    }

    private String post(String path, String body, int expected) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(server.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)), expected);
    }

    private String send(HttpRequest.Builder request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IOException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + " " + response.body());
        }
        return response.body();
    }
}
