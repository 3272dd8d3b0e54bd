package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client of HTTP/2 over cleartext that does what the JDK's client does not let a test do: it upgrades a
 * connection with an HTTP/1.1 request ({@code Upgrade: h2c}), which the server answers as stream 1, and then
 * opens streams, sends a body's frames and resets a stream when the test says so. Headers are written with HPACK
 * literals (no table, no Huffman); the server's headers are skipped, its DATA frames read.
 */
final class H2cClient implements AutoCloseable {
    // frame types and flags (RFC 9113 §6)
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    private final Socket socket = new Socket();
    private final OutputStream out;
    private final DataInputStream in;
    private int nextStream = 3;

    private H2cClient(int port, Duration wait) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) wait.toMillis());
        socket.setSoTimeout((int) wait.toMillis());
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    /**
     * Connects and sends {@code GET path} as the HTTP/1.1 request that upgrades the connection (stream 1 from its
     * 101 on), then the client's preface.
     */
    static H2cClient upgrade(int port, String path, Duration wait) throws IOException {
        H2cClient client = new H2cClient(port, wait);
        try {
            // HTTP2-Settings: SETTINGS_MAX_CONCURRENT_STREAMS = 100, base64url
            client.out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            client.out.flush();
            String status = client.line();
            assertTrue(status.startsWith("HTTP/1.1 101"), status);
            while (!client.line().isEmpty()) {
                // the 101's headers
            }
            client.out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.frame(SETTINGS, 0, 0, new byte[0]);
            return client;
        } catch (IOException | RuntimeException | Error e) {
            client.close();
            throw e;
        }
    }

    /** Opens a stream with a request's headers ({@code method} GET or POST); returns its id. */
    int open(String method, String path, boolean endStream) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(method.equals("GET") ? 0x82 : 0x83); // :method, from the static table
        block.write(0x86); // :scheme http
        literal(block, 4, path); // :path, a literal without indexing
        literal(block, 1, "127.0.0.1"); // :authority
        int stream = nextStream;
        nextStream += 2;
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block.toByteArray());
        return stream;
    }

    /** A DATA frame of {@code stream}, the last one if {@code end}. */
    void data(int stream, String body, boolean end) throws IOException {
        frame(DATA, end ? END_STREAM : 0, stream, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Resets {@code stream} (CANCEL). */
    void reset(int stream) throws IOException {
        frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8});
    }

    /** Sends a PING and reads frames up to its acknowledgement: the server has read every frame sent before. */
    void ping() throws IOException {
        frame(PING, 0, 0, new byte[8]);
        for (;;) {
            int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            in.readInt();
            byte[] payload = in.readNBytes(length);
            assertTrue(type != GOAWAY, () -> "the server went away: " + new String(payload, StandardCharsets.UTF_8));
            if (type == PING && (flags & 0x1) != 0) {
                return;
            }
        }
    }

    /** {@code GET path} on a new stream: the body of its response. */
    String get(String path) throws IOException {
        return body(open("GET", path, true));
    }

    /** Reads frames until {@code stream}'s response has ended: its body (other streams' frames are skipped). */
    String body(int stream) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (;;) {
            int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int id = in.readInt() & 0x7fffffff;
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                throw new EOFException("the connection closed in a frame");
            }
            assertTrue(type != GOAWAY, () -> "the server went away: " + new String(payload, StandardCharsets.UTF_8));
            assertTrue(type != RST_STREAM || id != stream, "the server reset stream " + stream);
            if (type == SETTINGS && (flags & 0x1) == 0) {
                frame(SETTINGS, 0x1, 0, new byte[0]); // its settings acknowledged
            }
            if (id == stream && (type == DATA || type == HEADERS)) {
                if (type == DATA) {
                    body.write(payload);
                }
                if ((flags & END_STREAM) != 0) {
                    return body.toString(StandardCharsets.UTF_8);
                }
            }
        }
    }

    private static void literal(ByteArrayOutputStream block, int nameIndex, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        assertTrue(bytes.length < 127, "a short value");
        block.write(nameIndex); // literal header field without indexing, indexed name
        block.write(bytes.length);
        block.write(bytes, 0, bytes.length);
    }

    private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] header = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
            (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
            (byte) stream};
        out.write(header);
        out.write(payload);
        out.flush();
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("the connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
