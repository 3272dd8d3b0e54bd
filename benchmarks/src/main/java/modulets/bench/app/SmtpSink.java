package modulets.bench.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The least SMTP server the sample app's mail module talks to: it answers every command with
 * success, reads each message to its final dot and forgets it, and counts the messages. The demo's
 * GreenMail keeps every mail for the verdict; a throughput figure wants the receiving end cheap and
 * the same for every setup. Loopback only.
 */
final class SmtpSink implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "smtp-sink");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger messages = new AtomicInteger();

    SmtpSink() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
        connections.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    int messages() {
        return messages.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.execute(() -> converse(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void converse(Socket socket) {
        try (socket;
             BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
             OutputStream out = socket.getOutputStream()) {
            socket.setTcpNoDelay(true);
            send(out, "220 sink ESMTP");
            boolean data = false;
            for (String line; (line = in.readLine()) != null; ) {
                if (data) {
                    if (line.equals(".")) {
                        data = false;
                        messages.incrementAndGet();
                        send(out, "250 queued");
                    }
                    continue;
                }
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                switch (command) {
                    case "DATA" -> {
                        data = true;
                        send(out, "354 end with .");
                    }
                    case "QUIT" -> {
                        send(out, "221 bye");
                        return;
                    }
                    default -> send(out, "250 ok"); // EHLO, HELO, MAIL, RCPT, RSET, NOOP
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to keep
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
    }
}
