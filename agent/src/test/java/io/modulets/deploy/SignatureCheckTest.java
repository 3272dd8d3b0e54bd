package io.modulets.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.modulets.generations.Snapshot;
import io.modulets.generations.Store;
import io.modulets.security.Trust;
import io.modulets.testing.Keys;

/**
 * The signature rules of {@code trust=KEYSTORE} on real keystores and jars made by the JDK's keytool
 * and JarSigner (what jarsigner signs with): what jarsigner accepts as signed by a trusted certificate
 * passes; unsigned, partly signed, tampered, untrusted and expired ones are refused with one line naming
 * the jar and entry.
 */
class SignatureCheckTest {
    @TempDir
    static Path keys;
    @TempDir
    Path tmp;

    static Path signer;
    static Path other;
    static Path expired;
    static Path issuedByCa;
    static Trust trust;

    @BeforeAll
    static void makeKeys() throws IOException {
        signer = Keys.generate(keys.resolve("signer.p12"), "signer");
        other = Keys.generate(keys.resolve("other.p12"), "other");
        expired = Keys.generate(keys.resolve("expired.p12"), "expired", "-startdate", "-10d", "-validity", "5");
        Path ca = Keys.generate(keys.resolve("ca.p12"), "ca", "-ext", "bc:c");
        issuedByCa = Keys.generate(keys.resolve("issued.p12"), "issued");
        Keys.issue(ca, "ca", issuedByCa, "issued");
        Path trustStore = keys.resolve("trust.p12");
        Keys.trust(signer, "signer", trustStore);
        Keys.trust(expired, "expired", trustStore);
        Keys.trust(ca, "ca", trustStore);
        trust = Trust.load(trustStore, Keys.PASSWORD.toCharArray());
    }

    @Test
    void aJarSignedByATrustedCertificatePasses() throws Exception {
        assertDoesNotThrow(() -> check(Keys.sign(jar("a.jar"), signer, "signer")));
    }

    @Test
    void aJarSignedByACertificateIssuedByATrustedOnePasses() throws Exception {
        assertDoesNotThrow(() -> check(Keys.sign(jar("a.jar"), issuedByCa, "issued")));
    }

    @Test
    void anUnsignedJarIsRefused() throws Exception {
        assertRefused("a.jar is not signed; sign it with jarsigner, with a key whose certificate (or an issuer of it)"
                + " is in trust=" + trust.keystore(), jar("a.jar"));
    }

    @Test
    void anEntryAddedAfterSigningIsRefused() throws Exception {
        Path signed = Keys.sign(jar("a.jar"), signer, "signer");
        Path partly = rewrite(signed, tmp.resolve("partly.jar"), null, "added.txt");
        assertRefused("partly.jar entry added.txt is not signed (added after the jar was signed?); sign the whole jar"
                + " again", partly);
    }

    @Test
    void aChangedEntryIsRefused() throws Exception {
        Path signed = Keys.sign(jar("a.jar"), signer, "signer");
        Path tampered = rewrite(signed, tmp.resolve("tampered.jar"), "com/acme/one.txt", null);
        DeployRefused e = assertThrows(DeployRefused.class, () -> check(tampered));
        assertTrue(e.getMessage().startsWith("tampered.jar entry com/acme/one.txt does not match its signature ("),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("): it was changed after signing"), e.getMessage());
    }

    @Test
    void withoutTrustASignedJarMustStillMatchItsSignature() throws Exception {
        Path signed = Keys.sign(jar("app.jar"), signer, "signer");
        Path tampered = rewrite(signed, tmp.resolve("tampered.jar"), "com/acme/one.txt", null);
        Path added = rewrite(signed, tmp.resolve("added.jar"), null, "com/acme/three.txt");
        Store store = new Store(tmp.resolve("store"));
        SignatureCheck digestsOnly = new SignatureCheck(null, JarCheckTest.BOUNDS);
        DeployRefused e = assertThrows(DeployRefused.class,
                () -> digestsOnly.check(store.snapshot(List.of(tampered))));
        assertTrue(e.getMessage().startsWith("tampered.jar entry com/acme/one.txt does not match its signature ("),
                e.getMessage());
        assertTrue(e.getMessage().contains("digest error"), e.getMessage());
        assertDoesNotThrow(() -> digestsOnly.check(store.snapshot(List.of(signed))));
        assertDoesNotThrow(() -> digestsOnly.check(store.snapshot(List.of(jar("plain.jar")))), "unsigned: not read");
        assertDoesNotThrow(() -> digestsOnly.check(store.snapshot(List.of(added))),
                "an unsigned entry added later loads: the JDK only verifies what is signed");
    }

    @Test
    void aJarSignedBySomeoneElseIsRefused() throws Exception {
        assertRefused("a.jar entry com/acme/one.txt is signed by CN=other, which is not trusted by trust="
                + trust.keystore() + " (neither its certificate nor an issuer of it is in the keystore)",
                Keys.sign(jar("a.jar"), other, "other"));
    }

    @Test
    void aJarSignedWithAnExpiredCertificateWithoutATimestampIsRefused() throws Exception {
        DeployRefused e = assertThrows(DeployRefused.class, () -> check(Keys.sign(jar("a.jar"), expired, "expired")));
        assertTrue(e.getMessage().startsWith("a.jar entry com/acme/one.txt is signed by CN=expired, but the"
                + " certificate of CN=expired expired "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" (the signature has no trusted timestamp); sign it again with a valid"
                + " certificate"), e.getMessage());
    }

    @Test
    void aKeystoreWithoutItsPasswordOrWithAWrongOneIsRefused() throws Exception {
        Path store = keys.resolve("trust.p12");
        IOException none = assertThrows(IOException.class, () -> Trust.load(store, null));
        assertEquals("modulets: trust=" + store + " holds no certificate that can be read without a password: give"
                + " trustPassword=file:PATH or trustPassword=env:NAME", none.getMessage());
        IOException wrong = assertThrows(IOException.class, () -> Trust.load(store, "wrong".toCharArray()));
        assertTrue(wrong.getMessage().startsWith("modulets: trust=" + store + ": the password from trustPassword does"
                + " not open it ("), wrong.getMessage());
        Path notAKeystore = Files.writeString(tmp.resolve("x.p12"), "hello");
        IOException bad = assertThrows(IOException.class, () -> Trust.load(notAKeystore, null));
        assertTrue(bad.getMessage().startsWith("modulets: trust=" + notAKeystore + ": "), bad.getMessage());
        assertFalse(bad.getMessage().contains("\n"));
    }

    @Test
    void aKeystoreWithoutPasswordProtectionNeedsNoPassword() throws Exception {
        Trust open = Trust.load(Keys.trustWithoutPassword(signer, "signer", tmp.resolve("open.p12")), null);
        Snapshot snapshot = new Store(tmp.resolve("store")).snapshot(List.of(Keys.sign(jar("a.jar"), signer, "signer")));
        assertDoesNotThrow(() -> new SignatureCheck(open, JarCheckTest.BOUNDS).check(snapshot));
    }

    @ParameterizedTest
    @ValueSource(strings = {"META-INF/MANIFEST.MF", "META-INF/SIGNER.SF", "META-INF/signer.rsa", "META-INF/S.DSA",
            "META-INF/S.EC", "META-INF/SIG-X", "META-INF/SIG-X.AB1"})
    void signatureFilesAreNotThemselvesSigned(String name) {
        assertTrue(SignatureCheck.isSignatureRelated(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MANIFEST.MF", "META-INF/x/S.SF", "META-INF/INDEX.LIST", "META-INF/SIG-X.ABCD",
            "META-INF/SIG-X.A_", "com/acme/S.SF", "META-INF/maven/pom.properties"})
    void everythingElseMustBeSigned(String name) {
        assertFalse(SignatureCheck.isSignatureRelated(name));
    }

    private void check(Path jar) throws Exception {
        Snapshot snapshot = new Store(tmp.resolve("store")).snapshot(List.of(jar));
        new SignatureCheck(trust, JarCheckTest.BOUNDS).check(snapshot);
    }

    private void assertRefused(String line, Path jar) {
        DeployRefused e = assertThrows(DeployRefused.class, () -> check(jar));
        assertEquals(line, e.getMessage());
    }

    private Path jar(String name) throws IOException {
        Path jar = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            for (String entry : List.of("com/acme/one.txt", "com/acme/two.txt")) {
                zip.putNextEntry(new JarEntry(entry));
                zip.write(entry.getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return jar;
    }

    /** A copy of {@code jar} with {@code change}'s content altered and {@code add} added (either may be null). */
    private static Path rewrite(Path jar, Path copy, String change, String add) throws IOException {
        try (InputStream in = Files.newInputStream(jar); ZipInputStream from = new ZipInputStream(in);
             OutputStream out = Files.newOutputStream(copy); ZipOutputStream to = new ZipOutputStream(out)) {
            for (ZipEntry e; (e = from.getNextEntry()) != null; ) {
                byte[] bytes = from.readAllBytes();
                to.putNextEntry(new ZipEntry(e.getName()));
                to.write(e.getName().equals(change) ? "changed".getBytes(StandardCharsets.UTF_8) : bytes);
                to.closeEntry();
            }
            if (add != null) {
                to.putNextEntry(new ZipEntry(add));
                to.write("added".getBytes(StandardCharsets.UTF_8));
                to.closeEntry();
            }
        }
        return copy;
    }
}
