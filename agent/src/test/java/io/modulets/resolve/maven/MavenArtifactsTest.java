package io.modulets.resolve.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import io.modulets.resolve.Coordinates;
import io.modulets.resolve.Repository;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching from repositories made here: a file repository, and one served over HTTP on loopback behind
 * basic authentication, reached through a settings.xml mirror. Every test has its own settings file and
 * local repository (never the user's).
 */
class MavenArtifactsTest {
    private static final Coordinates APP = Coordinates.parse("com.acme:jobs:1.2");
    private static final byte[] JAR = "the jar's bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final MavenArtifacts maven = new MavenArtifacts();

    @Test
    void aJarWithMatchingChecksumsIsFetchedIntoTheLocalRepository() throws IOException {
        Path remote = publish(dir.resolve("remote"), APP, JAR, true);
        Path settings = settings("");
        Path jar = maven.fetch(APP, new Repository("team", remote.toUri().toString()), settings);
        assertEquals(dir.resolve("local/com/acme/jobs/1.2/jobs-1.2.jar"), jar);
        assertArrayEquals(JAR, Files.readAllBytes(jar));
    }

    @Test
    void aBadChecksumIsARefusalAndLeavesNoJar() throws IOException {
        Path remote = publish(dir.resolve("remote"), APP, JAR, true);
        Path jarFile = remote.resolve("com/acme/jobs/1.2/jobs-1.2.jar");
        Files.write(jarFile, "tampered".getBytes(StandardCharsets.UTF_8));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> maven.fetch(APP, new Repository("team", remote.toUri().toString()), settings("")));
        assertTrue(e.getMessage().startsWith("cannot fetch com.acme:jobs:1.2: bad checksum"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertFalse(Files.exists(dir.resolve("local/com/acme/jobs/1.2/jobs-1.2.jar")), "nothing is kept");
    }

    @Test
    void aJarWithoutChecksumsIsRefused() throws IOException {
        Path remote = publish(dir.resolve("remote"), APP, JAR, false);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> maven.fetch(APP, new Repository("team", remote.toUri().toString()), settings("")));
        assertTrue(e.getMessage().startsWith("cannot fetch com.acme:jobs:1.2: bad checksum"), e.getMessage());
    }

    @Test
    void anUnknownArtifactIsOneLine() throws IOException {
        Path remote = publish(dir.resolve("remote"), APP, JAR, true);
        Coordinates other = Coordinates.parse("com.acme:jobs:9.9");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> maven.fetch(other, new Repository("team", remote.toUri().toString()), settings("")));
        assertTrue(e.getMessage().startsWith("cannot fetch com.acme:jobs:9.9: not found"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void anUnreachableRepositoryIsOneLine() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Repository nowhere = new Repository("team", "http://127.0.0.1:" + port + "/maven");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> maven.fetch(APP, nowhere, settings("")));
        assertTrue(e.getMessage().startsWith("cannot fetch com.acme:jobs:1.2: "), e.getMessage());
        assertTrue(e.getMessage().contains("Connect"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aMirrorOfCentralWithTheServersCredentials() throws IOException {
        Path remote = publish(dir.resolve("remote"), APP, JAR, true);
        List<String> users = new CopyOnWriteArrayList<>();
        HttpServer http = serve(remote, users);
        try {
            String mirror = "<mirrors><mirror><id>corp</id><mirrorOf>*</mirrorOf><url>http://127.0.0.1:"
                    + http.getAddress().getPort() + "/maven</url></mirror></mirrors>";
            // without credentials: refused by the server
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> maven.fetch(APP, null, settings(mirror)));
            assertTrue(e.getMessage().contains("401"), e.getMessage());

            String server = "<servers><server><id>corp</id><username>deployer</username><password>s3cret</password>"
                    + "</server></servers>";
            Path jar = maven.fetch(APP, null, settings(mirror + server));
            assertArrayEquals(JAR, Files.readAllBytes(jar));
            assertTrue(users.contains("deployer"), "the mirror was asked, as the server's user: " + users);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void unreadableSettingsAreOneLine() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad-settings.xml"), "<settings><mirrors>");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> maven.fetch(APP, new Repository("team", "file:///nowhere"), bad));
        assertTrue(e.getMessage().startsWith("cannot read " + bad + ": "), e.getMessage());
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> maven.fetch(APP, new Repository("team", "file:///nowhere"), dir.resolve("none.xml")));
        assertEquals("no settings file " + dir.resolve("none.xml"), missing.getMessage());
    }

    /** A settings.xml with this test's local repository and {@code body}. */
    private Path settings(String body) throws IOException {
        return Files.writeString(dir.resolve("settings-" + System.nanoTime() + ".xml"),
                "<settings><localRepository>" + dir.resolve("local") + "</localRepository>" + body + "</settings>");
    }

    /** The artifact's jar and pom in a repository's layout, with .sha1 and .md5 files unless not {@code checksums}. */
    static Path publish(Path repository, Coordinates a, byte[] jar, boolean checksums) throws IOException {
        Path version = Files.createDirectories(repository.resolve(a.groupId().replace('.', '/'))
                .resolve(a.artifactId()).resolve(a.version()));
        String base = a.artifactId() + "-" + a.version();
        String pom = "<project><modelVersion>4.0.0</modelVersion><groupId>" + a.groupId() + "</groupId><artifactId>"
                + a.artifactId() + "</artifactId><version>" + a.version() + "</version></project>";
        write(version.resolve(base + ".jar"), jar, checksums);
        write(version.resolve(base + ".pom"), pom.getBytes(StandardCharsets.UTF_8), checksums);
        return repository;
    }

    private static void write(Path file, byte[] bytes, boolean checksums) throws IOException {
        Files.write(file, bytes);
        if (checksums) {
            Files.writeString(file.resolveSibling(file.getFileName() + ".sha1"), digest("SHA-1", bytes));
            Files.writeString(file.resolveSibling(file.getFileName() + ".md5"), digest("MD5", bytes));
        }
    }

    private static String digest(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code root} over HTTP on loopback under /maven, for user deployer / s3cret; records who asked. */
    private static HttpServer serve(Path root, List<String> users) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        HttpContext context = http.createContext("/maven", exchange -> {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring("/maven/".length())).normalize();
            users.add(exchange.getPrincipal().getUsername());
            boolean found = file.startsWith(root) && Files.isRegularFile(file);
            byte[] body = found ? Files.readAllBytes(file) : new byte[0];
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(found ? 200 : 404, head || !found ? -1 : body.length);
            if (!head && found) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        context.setAuthenticator(new BasicAuthenticator("maven") {
            @Override
            public boolean checkCredentials(String user, String password) {
                return "deployer".equals(user) && "s3cret".equals(password);
            }
        });
        http.start();
        return http;
    }
}
