package org.example.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.example.jobs.mail.Mailer;

/**
 * The job server of the Python modulets experiment: the shell of the demo. It never changes; the mail module
 * ({@code org.example.jobs.mail}) is the swappable code.
 *
 * <p>Usage: {@code JobServer <smtpPort> <replyTimeoutSeconds> <lifetimeSeconds>}. It listens on
 * 127.0.0.1 (a free port, printed as {@code listening on 127.0.0.1:<port>}) and serves:
 * <ul>
 * <li>{@code POST /register} (body: an e-mail address): starts a {@link ConfirmationJob} on the
 *     jobs pool and answers its number;
 * <li>{@code POST /reply} (body: a job number): the user's reply, which lets that job finish;
 * <li>{@code GET /status}: {@code mail=<what Mailer.version() says now> registered=… waiting=…
 *     done=… failed=…};
 * <li>{@code POST /stop}: stops the server; the JVM exits 0 if no job failed, else 1.
 * </ul>
 * The server stops by itself after {@code lifetimeSeconds}, so a lost client cannot leave it running.
 */
public final class JobServer {
    static final String SMTP_HOST = "127.0.0.1";

    private final int smtpPort;
    private final long replyTimeoutSeconds;
    private final Map<Integer, CompletableFuture<String>> replies = new ConcurrentHashMap<>();
    private final AtomicInteger registered = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final CountDownLatch stop = new CountDownLatch(1);
    // One thread per waiting job, as with the Python experiment's greenlets: a job blocks while it waits for its reply.
    private final ExecutorService jobs = Executors.newCachedThreadPool();

    JobServer(int smtpPort, long replyTimeoutSeconds) {
        this.smtpPort = smtpPort;
        this.replyTimeoutSeconds = replyTimeoutSeconds;
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: JobServer <smtpPort> <replyTimeoutSeconds> <lifetimeSeconds>");
            System.exit(2);
        }
        int code;
        try {
            code = new JobServer(Integer.parseInt(args[0]), Long.parseLong(args[1])).serve(Long.parseLong(args[2]));
        } catch (Throwable t) {
            say("JobServer failed: " + t);
            t.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    int serve(long lifetimeSeconds) throws IOException, InterruptedException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        ExecutorService http = Executors.newFixedThreadPool(4);
        server.setExecutor(http);
        server.createContext("/register", this::register);
        server.createContext("/reply", this::reply);
        server.createContext("/status", this::status);
        server.createContext("/stop", exchange -> {
            answer(exchange, 200, "stopping");
            stop.countDown();
        });
        server.start();
        say("listening on 127.0.0.1:" + server.getAddress().getPort());
        if (!stop.await(lifetimeSeconds, TimeUnit.SECONDS)) {
            say("no /stop within " + lifetimeSeconds + " s: stopping");
        }
        server.stop(0);
        http.shutdown();
        jobs.shutdownNow();
        jobs.awaitTermination(5, TimeUnit.SECONDS);
        say("stopped: " + counts());
        return failed.get() == 0 ? 0 : 1;
    }

    private void register(HttpExchange exchange) throws IOException {
        String email = body(exchange);
        if (!"POST".equals(exchange.getRequestMethod()) || !email.matches("[^@\\s]+@[^@\\s]+")) {
            answer(exchange, 400, "POST an e-mail address");
            return;
        }
        int job = registered.incrementAndGet();
        CompletableFuture<String> reply = new CompletableFuture<>();
        replies.put(job, reply);
        // Submitted from the request's task: the job inherits the generation the request runs on.
        jobs.execute(new ConfirmationJob(job, email, reply));
        answer(exchange, 202, Integer.toString(job));
    }

    private void reply(HttpExchange exchange) throws IOException {
        String text = body(exchange);
        CompletableFuture<String> reply = text.matches("\\d{1,9}") ? replies.remove(Integer.parseInt(text)) : null;
        if (reply == null) {
            answer(exchange, 404, "no job " + text + " waits for a reply");
            return;
        }
        reply.complete("confirmed");
        answer(exchange, 200, "ok");
    }

    private void status(HttpExchange exchange) throws IOException {
        // Unbound code would see the current generation; a request is a task bound to the
        // generation current when it arrived, which is the same thing here.
        answer(exchange, 200, "mail=" + Mailer.version() + " " + counts());
    }

    private String counts() {
        return "registered=" + registered.get() + " waiting=" + waiting.get() + " done=" + done.get() + " failed=" + failed.get();
    }

    /** One registration: send the confirmation, wait for the reply, then welcome the user. */
    private final class ConfirmationJob implements Runnable {
        private final int job;
        private final String email;
        private final CompletableFuture<String> reply;

        ConfirmationJob(int job, String email, CompletableFuture<String> reply) {
            this.job = job;
            this.email = email;
            this.reply = reply;
        }

        @Override
        public void run() {
            try {
                Mailer.send(SMTP_HOST, smtpPort, Integer.toString(job), email,
                        "Please confirm your registration", "Reply to this mail to confirm (job " + job + ").");
                waiting.incrementAndGet();
                String answer;
                try {
                    answer = reply.get(replyTimeoutSeconds, TimeUnit.SECONDS);
                } finally {
                    waiting.decrementAndGet();
                }
                // The job records what it saw with the same module it started with: mixing
                // versions would show in this second mail.
                Mailer.send(SMTP_HOST, smtpPort, Integer.toString(job), email,
                        "Welcome", "Thank you, your registration is " + answer + " (job " + job + ").");
                done.incrementAndGet();
            } catch (Exception e) {
                failed.incrementAndGet();
                say("job " + job + " (" + email + ") failed: " + e);
            }
        }
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readNBytes(1024), StandardCharsets.UTF_8).trim();
        }
    }

    private static void answer(HttpExchange exchange, int code, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
