package io.modulets.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Timestamp;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The certificates of {@code trust=KEYSTORE} (its trusted-certificate entries and the certificates of
 * its key entries), and whether a jar entry's signer is one of them or was issued by one. Loaded once
 * at startup; a changed keystore takes a restart.
 *
 * <p>A signer is trusted if its certificate is in the keystore and valid, or if its certificate
 * path validates (PKIX, without revocation checking: the agent makes no network connection) to a
 * trust anchor in the keystore. Validity is judged at the time of the signature's timestamp when the
 * timestamping authority's own certificate path validates to the keystore the same way (jarsigner's
 * rule: a timestamped signature outlives its certificate), else now: an expired certificate without
 * such a timestamp is refused (jarsigner {@code -strict}).
 */
public final class Trust {
    private final Path keystore;
    private final Set<X509Certificate> certificates;
    private final Set<TrustAnchor> anchors;

    private Trust(Path keystore, Set<X509Certificate> certificates) {
        this.keystore = keystore;
        this.certificates = Set.copyOf(certificates);
        Set<TrustAnchor> a = new HashSet<>();
        for (X509Certificate c : certificates) a.add(new TrustAnchor(c, null));
        this.anchors = Collections.unmodifiableSet(a);
    }

    /**
     * Reads a PKCS12 or JKS keystore. {@code password} may be null (a JKS keystore's certificates are
     * then read without checking its integrity; a PKCS12 keystore's certificates are usually encrypted
     * and then not read). Every failure is an IOException with one line.
     */
    public static Trust load(Path keystore, char[] password) throws IOException {
        String where = "trust=" + keystore;
        if (!Files.isRegularFile(keystore)) {
            throw new IOException("modulets: " + where + ": no such file; give a PKCS12 or JKS keystore");
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(keystore.toFile(), password);
        } catch (IOException e) {
            boolean badPassword = e.getCause() instanceof UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password");
            throw new IOException("modulets: " + where + ": " + (badPassword
                    ? "the password " + (password == null ? "is missing" : "from trustPassword does not open it")
                    + " (" + e.getMessage() + ")" : "cannot read it (" + e.getMessage() + ")"), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("modulets: " + where + ": not a PKCS12 or JKS keystore (" + e.getMessage() + ")", e);
        }
        Set<X509Certificate> found = new HashSet<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.getCertificate(alias) instanceof X509Certificate c) found.add(c); // a key entry's own certificate
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("modulets: " + where + ": cannot read its entries (" + e.getMessage() + ")", e);
        }
        if (found.isEmpty()) {
            throw new IOException("modulets: " + where + " holds no certificate" + (password == null
                    ? " that can be read without a password: give trustPassword=file:PATH or trustPassword=env:NAME"
                    : "; import the signers' certificates with keytool -importcert"));
        }
        return new Trust(keystore, found);
    }

    public Path keystore() {
        return keystore;
    }

    /** How many certificates it trusts. */
    public int size() {
        return certificates.size();
    }

    /**
     * Empty if {@code signer} is trusted; else why not, as a phrase after "is":
     * {@code "signed by CN=other, which is not trusted by trust=/etc/modulets/trust.p12"}.
     */
    public Optional<String> problem(CodeSigner signer) {
        Date at = new Date();
        String when = "";
        Timestamp timestamp = signer.getTimestamp();
        if (timestamp != null && problem(timestamp.getSignerCertPath(), timestamp.getTimestamp(), "").isEmpty()) {
            at = timestamp.getTimestamp();
            when = " at its timestamp " + at.toInstant();
        }
        return problem(signer.getSignerCertPath(), at, when);
    }

    private Optional<String> problem(CertPath path, Date at, String when) {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : path.getCertificates()) {
            if (!(c instanceof X509Certificate x)) return Optional.of("signed with a certificate that is not X.509");
            if (certificates.contains(x)) break; // the rest of the chain is the anchor's business
            chain.add(x);
        }
        X509Certificate signer = (X509Certificate) path.getCertificates().get(0);
        String who = signer.getSubjectX500Principal().getName();
        try {
            if (chain.isEmpty()) {
                signer.checkValidity(at); // the signer's own certificate is in the keystore
            } else {
                PKIXParameters parameters = new PKIXParameters(anchors);
                parameters.setRevocationEnabled(false);
                parameters.setDate(at);
                CertPath trimmed = CertificateFactory.getInstance("X.509").generateCertPath(chain);
                CertPathValidator.getInstance("PKIX").validate(trimmed, parameters);
            }
            return Optional.empty();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return Optional.of(validity(who, signer, at, when));
        } catch (CertPathValidatorException e) {
            if (e.getReason() == BasicReason.EXPIRED || e.getReason() == BasicReason.NOT_YET_VALID) {
                X509Certificate bad = e.getIndex() >= 0 && e.getIndex() < chain.size() ? chain.get(e.getIndex()) : signer;
                return Optional.of(validity(who, bad, at, when));
            }
            return Optional.of("signed by " + who + ", which is not trusted by trust=" + keystore
                    + " (neither its certificate nor an issuer of it is in the keystore)");
        } catch (GeneralSecurityException e) {
            return Optional.of("signed by " + who + ", whose certificate path cannot be checked (" + e.getMessage() + ")");
        }
    }

    private static String validity(String who, X509Certificate bad, Date at, String when) {
        boolean expired = at.after(bad.getNotAfter());
        return "signed by " + who + ", but the certificate of " + bad.getSubjectX500Principal().getName()
                + (expired ? " expired " + bad.getNotAfter().toInstant() : " is not valid before "
                + bad.getNotBefore().toInstant()) + (when.isEmpty() ? " (the signature has no trusted timestamp)"
                : when) + "; sign it again with a valid certificate";
    }
}
