package io.modulets.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.modulets.testkit.Jdks.Jdk;

/**
 * Keystores and signed jars for the security tests, made with a JDK's own {@code keytool} and
 * {@code jarsigner} (each run bounded to a minute). Every keystore's password is {@link #PASSWORD}.
 */
public final class Signing {
    public static final String PASSWORD = "changeit";
    private final Jdk jdk;

    public Signing(Jdk jdk) {
        this.jdk = jdk;
    }

    /** A PKCS12 keystore with a key pair {@code alias} and its self-signed certificate {@code CN=<alias>}. */
    public Path keyPair(Path keystore, String alias) throws IOException {
        run("keytool", "-genkeypair", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD,
                "-alias", alias, "-keyalg", "EC", "-dname", "CN=" + alias, "-validity", "30");
        return keystore;
    }

    /** Adds the certificate of {@code alias} in {@code keystore} to {@code trust} as a trusted entry. */
    public Path trust(Path keystore, String alias, Path trust) throws IOException {
        Path cert = trust.resolveSibling(alias + ".cer");
        run("keytool", "-exportcert", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-alias", alias,
                "-file", cert.toString());
        run("keytool", "-importcert", "-noprompt", "-keystore", trust.toString(), "-storepass", PASSWORD, "-alias",
                alias, "-file", cert.toString());
        return trust;
    }

    /** Signs {@code jar} in place with the key {@code alias} of {@code keystore}. */
    public Path sign(Path jar, Path keystore, String alias) throws IOException {
        run("jarsigner", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD,
                jar.toString(), alias);
        return jar;
    }

    private void run(String tool, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(jdk.home().resolve("bin").resolve(tool).toString());
        command.add("-J-XX:TieredStopAtLevel=1"); // a tool JVM of a second or less: C2 would not repay itself
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(tool + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
