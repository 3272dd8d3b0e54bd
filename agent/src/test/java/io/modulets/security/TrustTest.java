package io.modulets.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Timestamp;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.testing.Keys;

/**
 * Which signers {@link Trust} accepts, on certificates made by keytool: a signature's own certificate
 * path is never trusted by itself, and an expired certificate counts only with a timestamp from an
 * authority the keystore trusts (no TSA is reachable in a test, so the {@link CodeSigner}s are built
 * directly, as {@code JarFile} builds them from a signature block).
 */
class TrustTest {
    @TempDir
    static Path keys;
    static Trust trust;
    static CertPath signer;
    static CertPath expired;
    static CertPath issued;
    static CertPath mallory;
    static X509Certificate ca;
    static CertPath tsa;
    static CertPath untrustedTsa;

    @BeforeAll
    static void makeKeys() throws Exception {
        Path signerStore = Keys.generate(keys.resolve("signer.p12"), "signer");
        Path expiredStore = Keys.generate(keys.resolve("expired.p12"), "expired", "-startdate", "-10d", "-validity", "5");
        Path caStore = Keys.generate(keys.resolve("ca.p12"), "ca", "-ext", "bc:c");
        Path issuedStore = Keys.generate(keys.resolve("issued.p12"), "issued");
        Keys.issue(caStore, "ca", issuedStore, "issued");
        Path malloryStore = Keys.generate(keys.resolve("mallory.p12"), "mallory");
        Path tsaStore = Keys.generate(keys.resolve("tsa.p12"), "tsa", "-startdate", "-20d", "-validity", "40");
        Path otherTsaStore = Keys.generate(keys.resolve("other-tsa.p12"), "othertsa", "-startdate", "-20d", "-validity",
                "40");
        Path trustStore = keys.resolve("trust.p12");
        Keys.trust(signerStore, "signer", trustStore);
        Keys.trust(expiredStore, "expired", trustStore);
        Keys.trust(caStore, "ca", trustStore);
        Keys.trust(tsaStore, "tsa", trustStore);
        trust = Trust.load(trustStore, Keys.PASSWORD.toCharArray());
        signer = path(signerStore, "signer");
        expired = path(expiredStore, "expired");
        issued = path(issuedStore, "issued");
        ca = (X509Certificate) path(caStore, "ca").getCertificates().get(0);
        tsa = path(tsaStore, "tsa");
        untrustedTsa = path(otherTsaStore, "othertsa");
        // A self-signed certificate presented with the trusted CA's certificate after it, as if issued by it.
        X509Certificate self = (X509Certificate) path(malloryStore, "mallory").getCertificates().get(0);
        mallory = CertificateFactory.getInstance("X.509").generateCertPath(List.of(self, ca));
    }

    @Test
    void aSignerInTheKeystoreOrIssuedByOneIsTrusted() {
        assertEquals(Optional.empty(), trust.problem(new CodeSigner(signer, null)));
        assertEquals(2, issued.getCertificates().size(), "keytool stored the issued certificate with its CA");
        assertEquals(Optional.empty(), trust.problem(new CodeSigner(issued, null)));
        CertPath withoutCa = certPath(issued.getCertificates().get(0));
        assertEquals(Optional.empty(), trust.problem(new CodeSigner(withoutCa, null)), "the CA is found in the keystore");
    }

    @Test
    void aPathThatNamesATrustedCaWithoutBeingIssuedByItIsNotTrusted() {
        assertEquals(Optional.of("signed by CN=mallory, which is not trusted by trust=" + trust.keystore()
                + " (neither its certificate nor an issuer of it is in the keystore)"),
                trust.problem(new CodeSigner(mallory, null)));
    }

    @Test
    void anExpiredCertificateIsTrustedOnlyWithATimestampFromATrustedAuthorityWithinItsValidity() {
        X509Certificate cert = (X509Certificate) expired.getCertificates().get(0);
        Date duringValidity = new Date(cert.getNotBefore().getTime() + 24 * 3600 * 1000L);
        String now = trust.problem(new CodeSigner(expired, null)).orElseThrow();
        assertTrue(now.startsWith("signed by CN=expired, but the certificate of CN=expired expired "), now);
        assertTrue(now.endsWith(" (the signature has no trusted timestamp); sign it again with a valid certificate"),
                now);
        assertEquals(Optional.empty(), trust.problem(new CodeSigner(expired, new Timestamp(duringValidity, tsa))));
        String untrusted = trust.problem(new CodeSigner(expired, new Timestamp(duringValidity, untrustedTsa)))
                .orElseThrow();
        assertTrue(untrusted.endsWith("(the signature has no trusted timestamp); sign it again with a valid"
                + " certificate"), untrusted);
        String late = trust.problem(new CodeSigner(expired, new Timestamp(new Date(), tsa))).orElseThrow();
        assertTrue(late.contains(" at its timestamp "), late);
    }

    private static CertPath path(Path keystore, String alias) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(keystore.toFile(), Keys.PASSWORD.toCharArray());
        Certificate[] chain = store.getCertificateChain(alias);
        return CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(chain));
    }

    private static CertPath certPath(Certificate... certificates) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(certificates));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
