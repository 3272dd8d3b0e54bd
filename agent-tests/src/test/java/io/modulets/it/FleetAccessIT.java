package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import io.modulets.testkit.Jdks;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * How the CLI reaches a fleet (docs/USER-GUIDE.md, "A fleet"): a child JVM with the agent and the JDK's own
 * remote management over TLS with a password file (on loopback: the only addresses a test may use), operated
 * through its service URL; and a version taken from a Maven repository made here (a file repository in Maven's
 * layout with .pom, .jar, .sha1 and .md5 files) with {@code --artifact}, whose bytes the CLI sends in that TLS
 * connection ({@code receiveJar}, {@code stageJar}: a service URL is never handed a path). The CLI is its own
 * JVM and never reads the user's ~/.m2: each run names this test's settings.xml, whose local repository is in the
 * work directory. The plain-text refusal exempts loopback, so it is RemoteJmxTest's (a unit test with an address
 * that is never contacted).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FleetAccessIT {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static final String STORE_PASSWORD = "changeit";
    private static final AtomicInteger CLI_RUNS = new AtomicInteger();
    private static Path dir;
    private static Path shellJar;
    private static Path repository;
    private static Path keyStore;
    private static Path trustStore;

    @BeforeAll
    static void build() throws Exception {
        dir = WorkDirs.forClass(FleetAccessIT.class);
        Path versions = Files.createDirectories(dir.resolve("versions"));
        for (int m : new int[] {1000, 1001}) {
            new JarBuilder().source("cli.mod.Magic", "package cli.mod; public final class Magic {"
                            + " private Magic() {} public static int get() { return " + m + "; } }")
                    .manifest("Implementation-Version", "" + m).build(versions.resolve("magic-" + m + ".jar"));
        }
        shellJar = new JarBuilder().source("cli.App", AppSources.read("apps/cli/shell/cli/App.java"))
                .classpath(versions.resolve("magic-1000.jar")).build(dir.resolve("shell.jar"));

        repository = dir.resolve("repository");
        byte[] good = Files.readAllBytes(versions.resolve("magic-1001.jar"));
        publish("com.acme", "magic", "1001", good, good);
        // published with the checksums of the good jar, then the jar replaced: what a corrupted download looks like
        publish("com.acme", "magic", "1001-tampered", Files.readAllBytes(versions.resolve("magic-1000.jar")), good);

        // The server's key pair (for 127.0.0.1), by the JDK's keytool; the CLI's trust store holds its certificate.
        keyStore = dir.resolve("server.p12");
        trustStore = dir.resolve("trust.p12");
        Files.deleteIfExists(keyStore);
        keytool("-genkeypair", "-alias", "jmx", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        KeyStore server = KeyStore.getInstance(keyStore.toFile(), STORE_PASSWORD.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("jmx", server.getCertificate("jmx"));
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, STORE_PASSWORD.toCharArray());
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void overTlsWithAPasswordFileAndFromAMavenRepository(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(dir.resolve("versions/magic-1000.jar"), modules.resolve("magic.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        // The JDK refuses a password file that others can read.
        Path passwords = Files.writeString(work.resolve("jmxremote.password"), "ops s3cret\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        Path access = Files.writeString(work.resolve("jmxremote.access"), "ops readwrite\n");
        Path passwordFile = Files.writeString(work.resolve("cli-password"), "s3cret\n");
        Path settings = Files.writeString(work.resolve("settings.xml"), "<settings><localRepository>"
                + work.resolve("m2") + "</localRepository></settings>");
        int registryPort = freePort();
        int rmiPort = freePort();
        String url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + registryPort + "/jmxrmi";

        try (InteractiveJvm child = InteractiveJvm.start(ChildJvm.on(jdk)
                .agent("packages=cli.mod,modules=" + modules + ",watch=false,store=" + work.resolve("store"))
                .jvmOptions("-Dcom.sun.management.jmxremote.port=" + registryPort,
                        "-Dcom.sun.management.jmxremote.rmi.port=" + rmiPort,
                        "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                        "-Djava.rmi.server.hostname=127.0.0.1",
                        "-Dcom.sun.management.jmxremote.ssl=true",
                        "-Dcom.sun.management.jmxremote.registry.ssl=true",
                        "-Dcom.sun.management.jmxremote.authenticate=true",
                        "-Dcom.sun.management.jmxremote.password.file=" + passwords,
                        "-Dcom.sun.management.jmxremote.access.file=" + access,
                        "-Djavax.net.ssl.keyStore=" + keyStore, "-Djavax.net.ssl.keyStorePassword=" + STORE_PASSWORD)
                .classpath(shellJar).mainClass("cli.App"), work, "server")) {
            child.expect("READY ", LINE);
            List<String> login = List.of(url, "--user", "ops", "--password-file", passwordFile.toString());

            ChildJvm.Result status = cli(jdk, work, true, "status", login);
            ok(status);
            assertEquals(url, status.stdoutLines().get(0), status::describe);

            // Without the trust store the server's certificate is not trusted: TLS is what carries the connection.
            ChildJvm.Result untrusted = cli(jdk, work, false, "status", login);
            assertAll(untrusted.describe(),
                    () -> assertEquals(1, untrusted.exitCode(), "exit code"),
                    () -> assertEquals(1, untrusted.stderrLines().size(), "one line"),
                    () -> assertTrue(untrusted.stderr().startsWith("modulets: cannot connect to " + url + ": "),
                            "says what failed"),
                    () -> assertTrue(untrusted.stderr().contains("PKIX") || untrusted.stderr().contains("certificat"),
                            "and why"));

            List<String> fromRepository = List.of("--repository", "team::" + repository.toUri(),
                    "--settings", settings.toString());
            ChildJvm.Result activate = cli(jdk, work, true, "activate",
                    concat(login, List.of("--artifact", "com.acme:magic:1001"), fromRepository));
            ok(activate);
            assertTrue(activate.stdout().matches("generation 2 \\(1001, [0-9a-f]{12}\\) is current \\(was 1\\)\n"),
                    activate::describe);
            assertEquals("1001", magic(child), () -> "the next task runs the fetched code\n" + child.describe());
            assertTrue(Files.isRegularFile(work.resolve("m2/com/acme/magic/1001/magic-1001.jar")),
                    "fetched into the settings' local repository");

            ChildJvm.Result tampered = cli(jdk, work, true, "activate",
                    concat(login, List.of("--artifact", "com.acme:magic:1001-tampered"), fromRepository));
            assertAll(tampered.describe(),
                    () -> assertEquals(1, tampered.exitCode(), "exit code"),
                    () -> assertEquals(List.of(), tampered.stdoutLines()),
                    () -> assertEquals(1, tampered.stderrLines().size(), "one line"),
                    () -> assertTrue(tampered.stderr().startsWith(
                            "modulets: cannot fetch com.acme:magic:1001-tampered: bad checksum"), "says why"));
            assertEquals("1001", magic(child), () -> "a refused fetch changes nothing\n" + child.describe());
        }
    }

    private static ChildJvm.Result cli(Jdk jdk, Path work, boolean trusted, String command, List<String> args) {
        List<Object> all = new ArrayList<>();
        all.add(command);
        all.addAll(args);
        ChildJvm cli = ChildJvm.on(jdk).jar(Artifacts.agentJar()).args(all.toArray()).outputIn(work)
                .name("cli-" + CLI_RUNS.incrementAndGet() + "-" + command).timeout(Duration.ofSeconds(60));
        if (trusted) {
            cli.jvmOptions("-Djavax.net.ssl.trustStore=" + trustStore,
                    "-Djavax.net.ssl.trustStorePassword=" + STORE_PASSWORD);
        }
        return cli.run();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    private static void ok(ChildJvm.Result r) {
        assertEquals(0, r.exitCode(), () -> "exit code 0\n" + r.describe());
        assertEquals("", r.stderr(), () -> "nothing on stderr\n" + r.describe());
    }

    private static String magic(InteractiveJvm child) throws Exception {
        child.send("task");
        String line = child.expect("TASK ", LINE);
        return line.substring(line.indexOf("magic=") + "magic=".length());
    }

    /** A jar and its pom in the repository's layout, with .sha1 and .md5 files of {@code checksummed}. */
    private static void publish(String group, String artifact, String version, byte[] jar, byte[] checksummed)
            throws Exception {
        Path at = Files.createDirectories(
                repository.resolve(group.replace('.', '/')).resolve(artifact).resolve(version));
        String base = artifact + "-" + version;
        byte[] pom = ("<project><modelVersion>4.0.0</modelVersion><groupId>" + group + "</groupId><artifactId>"
                + artifact + "</artifactId><version>" + version + "</version></project>")
                .getBytes(StandardCharsets.UTF_8);
        Files.write(at.resolve(base + ".jar"), jar);
        Files.write(at.resolve(base + ".pom"), pom);
        for (String algorithm : new String[] {"SHA-1", "MD5"}) {
            String extension = algorithm.equals("SHA-1") ? ".sha1" : ".md5";
            Files.writeString(at.resolve(base + ".jar" + extension), hex(algorithm, checksummed));
            Files.writeString(at.resolve(base + ".pom" + extension), hex(algorithm, pom));
        }
    }

    private static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Jdks.running().home().resolve("bin/keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("keytool.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed: "
                    + Files.readString(dir.resolve("keytool.log")));
        }
    }

    /** A port nothing listens on now, on loopback (the JDK's remote management takes a port number, not 0). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
