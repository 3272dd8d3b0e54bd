package io.modulets.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import jdk.security.jarsigner.JarSigner;

/**
 * Keystores and signed jars for tests, made with the running JDK's own {@code keytool} (each run bounded to a
 * minute: key pairs, certificate requests, issuing, installing a reply), its {@link KeyStore} (trusted certificate
 * entries, as keytool -importcert adds them) and its {@link JarSigner}, the {@code jarsigner} tool's engine. Every
 * keystore's password is {@link #PASSWORD}.
 */
public final class Keys {
    public static final String PASSWORD = "changeit";

    private Keys() {
    }

    /** A key pair with a self-signed certificate {@code CN=<alias>}; {@code extra} as keytool options. */
    public static Path generate(Path keystore, String alias, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-keystore", keystore.toString(), "-storepass",
                PASSWORD, "-keypass", PASSWORD, "-alias", alias, "-keyalg", "EC", "-dname", "CN=" + alias));
        if (List.of(extra).stream().noneMatch(a -> a.equals("-validity"))) args.addAll(List.of("-validity", "30"));
        args.addAll(List.of(extra));
        run("keytool", args);
        return keystore;
    }

    /**
     * {@code issuer} (a key in {@code caKeystore}) signs the certificate of {@code alias} in {@code keystore}: keytool
     * makes the request, issues it and installs the reply, with the issuer's certificate put in {@code keystore} first
     * as keytool -importcert puts it (see {@link #addTrusted}).
     */
    public static void issue(Path caKeystore, String issuer, Path keystore, String alias) throws IOException {
        Path request = keystore.resolveSibling(alias + ".csr");
        Path issued = keystore.resolveSibling(alias + ".issued.pem");
        run("keytool", List.of("-certreq", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-alias", alias,
                "-file", request.toString()));
        run("keytool", List.of("-gencert", "-rfc", "-keystore", caKeystore.toString(), "-storepass", PASSWORD, "-alias",
                issuer, "-infile", request.toString(), "-outfile", issued.toString(), "-validity", "30"));
        addTrusted(keystore, issuer, certificate(caKeystore, issuer));
        run("keytool", List.of("-importcert", "-noprompt", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-alias", alias, "-file", issued.toString()));
    }

    /** A keystore {@code trust} with the certificate of {@code alias} from {@code keystore}, as a trusted entry. */
    public static Path trust(Path keystore, String alias, Path trust) throws IOException {
        addTrusted(trust, alias, certificate(keystore, alias));
        return trust;
    }

    /**
     * As {@link #trust}, into a PKCS12 keystore without password protection (as the JDK's own
     * {@code cacerts}): readable without a password. keytool imports it, with the system properties that say so.
     */
    public static Path trustWithoutPassword(Path keystore, String alias, Path trust) throws IOException {
        Path cert = trust.resolveSibling(alias + "-" + trust.getFileName() + ".cer");
        try {
            Files.write(cert, certificate(keystore, alias).getEncoded()); // what keytool -exportcert writes
        } catch (GeneralSecurityException e) {
            throw new IOException("exporting " + alias + " from " + keystore + ": " + e, e);
        }
        run("keytool", List.of("-importcert", "-noprompt", "-keystore", trust.toString(), "-storepass", PASSWORD,
                "-alias", alias, "-file", cert.toString(), "-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE",
                "-J-Dkeystore.pkcs12.macAlgorithm=NONE"));
        return trust;
    }

    /** The certificate of {@code alias} in {@code keystore} (of its key entry: the first of its chain). */
    private static Certificate certificate(Path keystore, String alias) throws IOException {
        try {
            return KeyStore.getInstance(keystore.toFile(), PASSWORD.toCharArray()).getCertificate(alias);
        } catch (GeneralSecurityException e) {
            throw new IOException("reading " + alias + " from " + keystore + ": " + e, e);
        }
    }

    /**
     * Puts {@code cert} in {@code keystore} (a new PKCS12 keystore if there is none) as a trusted certificate entry, in
     * this JVM: what keytool -importcert -noprompt does with a certificate (KeyStore.setCertificateEntry, then store
     * with the password, the running JDK's default PKCS12 protection), without a keytool JVM for each (and one more
     * for each -exportcert before it).
     */
    private static void addTrusted(Path keystore, String alias, Certificate cert) throws IOException {
        try {
            KeyStore store;
            if (Files.exists(keystore)) {
                store = KeyStore.getInstance(keystore.toFile(), PASSWORD.toCharArray());
            } else {
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
            }
            store.setCertificateEntry(alias, cert);
            try (OutputStream out = Files.newOutputStream(keystore)) {
                store.store(out, PASSWORD.toCharArray());
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("adding " + alias + " to " + keystore + ": " + e, e);
        }
    }

    /**
     * Signs {@code jar} in place with {@code alias} from {@code keystore}, through the JDK's {@link JarSigner}: what the
     * {@code jarsigner} tool signs with (its default digest and signature algorithms, the signature files named after
     * the alias as the tool names them), in this JVM rather than in one started per jar.
     */
    public static Path sign(Path jar, Path keystore, String alias) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(keystore.toFile(), PASSWORD.toCharArray());
            PrivateKey key = (PrivateKey) store.getKey(alias, PASSWORD.toCharArray());
            CertPath chain = CertificateFactory.getInstance("X.509")
                    .generateCertPath(Arrays.asList(store.getCertificateChain(alias)));
            JarSigner signer = new JarSigner.Builder(key, chain).signerName(signerName(alias)).build();
            Path signed = jar.resolveSibling(jar.getFileName() + ".sig");
            try (ZipFile in = new ZipFile(jar.toFile()); OutputStream out = Files.newOutputStream(signed)) {
                signer.sign(in, out);
            }
            return Files.move(signed, jar, StandardCopyOption.REPLACE_EXISTING);
        } catch (GeneralSecurityException e) {
            throw new IOException("signing " + jar + " with " + alias + " from " + keystore + ": " + e, e);
        }
    }

    /** The tool's name for the signature files: the alias in upper case, at most 8 characters, others as '_'. */
    private static String signerName(String alias) {
        String upper = alias.toUpperCase(Locale.ROOT);
        return (upper.length() > 8 ? upper.substring(0, 8) : upper).replaceAll("[^A-Z0-9_-]", "_");
    }

    private static void run(String tool, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", tool).toString());
        command.add("-J-XX:TieredStopAtLevel=1"); // a tool JVM of a second or less: C2 would not repay itself
        command.addAll(args);
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
