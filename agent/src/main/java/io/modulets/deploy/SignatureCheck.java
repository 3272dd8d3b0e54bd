package io.modulets.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import io.modulets.generations.Snapshot;
import io.modulets.security.Trust;

/**
 * Without {@code trust}: a signed jar must still match its signature, since the class loader verifies
 * what a signed jar holds as it reads it and would fail a task with a {@code SecurityException}
 * (digest error) for an entry changed after signing; an unsigned jar is not read here.
 * With {@code trust=KEYSTORE}: every jar of a snapshot must have every entry signed by a signer the
 * keystore trusts, by jarsigner's rules. Reads the stored copies (the bytes the generation loads).
 * {@link JarFile} verifies an entry's digest only while the entry is read to its end, and knows its
 * signers only then, so every entry is read fully. Signature-related entries ({@code META-INF/MANIFEST.MF},
 * {@code META-INF/*.SF}, {@code .RSA}, {@code .DSA}, {@code .EC}, {@code META-INF/SIG-*}) and directories
 * are not signed themselves and are skipped, as jarsigner does.
 */
final class SignatureCheck {
    /** Whose signatures every jar needs; null: none, only a signed jar's digests are checked. */
    private final Trust trust;
    private final ZipBounds bounds;

    /** @param trust whose signatures every jar needs, or null: a signed jar must only match its signature */
    SignatureCheck(Trust trust, ZipBounds bounds) {
        this.trust = trust;
        this.bounds = bounds;
    }

    /**
     * Refuses the first jar that is tampered with (its entries do not match its signature); with a trust
     * keystore also one that is unsigned, partly signed, or signed by someone untrusted.
     */
    void check(Snapshot snapshot) throws DeployRefused {
        byte[] buffer = new byte[8192];
        for (Snapshot.Jar jar : snapshot.jars()) {
            check(jar.fileName(), jar.stored(), buffer);
        }
    }

    private void check(String name, Path stored, byte[] buffer) throws DeployRefused {
        String unsigned = null;
        boolean anySigned = false;
        Map<CodeSigner, Optional<String>> verdicts = new HashMap<>(); // one path validation per signer
        String entryName = null;
        try (JarFile jar = new JarFile(stored.toFile(), true)) {
            if (trust == null && !hasSignature(jar)) {
                return; // the class loader verifies nothing in it
            }
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                entryName = entry.getName();
                try (InputStream in = bounds.open(jar, entry)) {
                    while (in.read(buffer) != -1) {
                        // reading to the end is what makes JarFile compare the digest
                    }
                }
                if (entry.isDirectory() || isSignatureRelated(entryName) || trust == null) {
                    continue;
                }
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    if (unsigned == null) unsigned = entryName;
                    continue;
                }
                anySigned = true;
                Optional<String> problem = Optional.empty();
                for (CodeSigner signer : signers) {
                    problem = verdicts.computeIfAbsent(signer, trust::problem);
                    if (problem.isEmpty()) break;
                }
                if (problem.isPresent()) {
                    throw new DeployRefused(name + " entry " + entryName + " is " + problem.get());
                }
            }
        } catch (ZipBounds.TooLarge e) {
            throw new DeployRefused(name + ": " + e.getMessage(), e);
        } catch (SecurityException e) {
            throw new DeployRefused(name + (entryName == null ? "" : " entry " + entryName)
                    + " does not match its signature (" + e.getMessage() + "): it was changed after signing", e);
        } catch (IOException e) {
            throw new DeployRefused("cannot read " + name + " (" + e + ")", e);
        }
        if (trust == null) {
            return;
        }
        if (!anySigned) {
            throw new DeployRefused(name + " is not signed; sign it with jarsigner, with a key whose certificate"
                    + " (or an issuer of it) is in trust=" + trust.keystore());
        }
        if (unsigned != null) {
            throw new DeployRefused(name + " entry " + unsigned + " is not signed (added after the jar was signed?);"
                    + " sign the whole jar again");
        }
    }

    /** Whether the jar holds a signature file ({@code META-INF/*.SF}): then the JDK verifies its entries. */
    private static boolean hasSignature(JarFile jar) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName().toUpperCase(Locale.ENGLISH);
            if (name.startsWith("META-INF/") && name.endsWith(".SF") && name.indexOf('/', "META-INF/".length()) < 0) {
                return true;
            }
        }
        return false;
    }

    /** jarsigner's rule ({@code SignatureFileVerifier.isSigningRelated}): files directly in META-INF that make up a signature. */
    static boolean isSignatureRelated(String entryName) {
        String name = entryName.toUpperCase(Locale.ENGLISH);
        if (!name.startsWith("META-INF/")) return false;
        name = name.substring("META-INF/".length());
        if (name.indexOf('/') >= 0) return false;
        if (name.equals("MANIFEST.MF") || name.endsWith(".SF") || name.endsWith(".DSA") || name.endsWith(".RSA")
                || name.endsWith(".EC")) {
            return true;
        }
        if (!name.startsWith("SIG-")) return false;
        int dot = name.lastIndexOf('.');
        if (dot < 0) return true;
        String extension = name.substring(dot + 1);
        return extension.length() >= 1 && extension.length() <= 3 && extension.chars().allMatch(
                c -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9');
    }
}
