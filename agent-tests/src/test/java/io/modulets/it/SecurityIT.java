package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testing.Keys;
import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * Who may swap code, from outside. With {@code trust=KEYSTORE} only jars whose every entry
 * is signed by a trusted certificate become a generation — unsigned, partly signed, tampered and
 * foreign-signed jars are refused with their one line and the current generation stays; the
 * keystore's password comes from a file or an environment variable, and one that does not open it
 * stops the JVM. A modules directory or jar other users can write is refused at startup and at a
 * deploy unless {@code permissions=warn}; a store other users can write stops the start, and if opened to
 * them later refuses the next activation and rollback. A snapshot changed in the store is never made a generation.
 * The child deploys through the agent's Manager MBean, as the CLI does.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecurityIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PACKAGE = "sec.mod";
    private static final String PASSWORD_VARIABLE = "MODULETS_IT_TRUST_PASSWORD";

    private static Path shellJar;
    private static Path v1;
    private static Path v2;
    private static Path v3;
    private static Path signedV1;
    private static Path signedV2;
    private static Path otherV2;
    private static Path partlyV2;
    private static Path tamperedV2;
    private static Path trust;
    private static Path passwordFile;
    private static Path wrongPasswordFile;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(SecurityIT.class);
        v1 = magic(dir, 1);
        v2 = magic(dir, 2);
        v3 = magic(dir, 3);
        shellJar = new JarBuilder().classpath(v1).source("sec.SecApp", AppSources.read("apps/security/shell/sec/SecApp.java"))
                .build(dir.resolve("shell.jar"));
        Path signer = Keys.generate(dir.resolve("signer.p12"), "signer");
        Path other = Keys.generate(dir.resolve("other.p12"), "other");
        trust = Keys.trust(signer, "signer", dir.resolve("trust.p12"));
        signedV1 = Keys.sign(copy(v1, dir.resolve("signed-1.jar")), signer, "signer");
        signedV2 = Keys.sign(copy(v2, dir.resolve("signed-2.jar")), signer, "signer");
        otherV2 = Keys.sign(copy(v2, dir.resolve("other.jar")), other, "other");
        partlyV2 = rewrite(signedV2, dir.resolve("partly.jar"), null, null, "sec/mod/added.txt");
        byte[] magic3;
        try (ZipFile zip = new ZipFile(v3.toFile())) {
            magic3 = zip.getInputStream(zip.getEntry("sec/mod/Magic.class")).readAllBytes();
        }
        tamperedV2 = rewrite(signedV2, dir.resolve("tampered.jar"), "sec/mod/Magic.class", magic3, null);
        passwordFile = secret(dir.resolve("password.txt"), Keys.PASSWORD + "\n");
        wrongPasswordFile = secret(dir.resolve("wrong.txt"), "not-the-password\n");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void onlyJarsSignedByATrustedKeyActivate(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work, signedV1);
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        String trusted = ",trust=" + trust + ",trustPassword=file:" + passwordFile;
        try (InteractiveJvm child = start(jdk, work, args(work, modules) + trusted)) {
            assertEquals("READY magic=1", child.expect("READY", WAIT), child.describe());
            String stays = ") stays current: ";
            assertRefusal(child, "activate " + copy(v2, deploy.resolve("unsigned.jar")), "unsigned.jar",
                    "unsigned.jar is not signed; sign it with jarsigner, with a key whose certificate (or an issuer of"
                            + " it) is in trust=" + trust, 1);
            assertRefusal(child, "activate " + copy(partlyV2, deploy.resolve("partly.jar")), "partly.jar",
                    "partly.jar entry sec/mod/added.txt is not signed (added after the jar was signed?); sign the whole"
                            + " jar again", 1);
            child.send("activate " + copy(tamperedV2, deploy.resolve("tampered.jar")));
            String tampered = child.expect("", WAIT);
            assertTrue(tampered.startsWith("REFUSED modulets: deploy of [tampered.jar] refused, generation 1 (1.0, ")
                    && tampered.contains(stays + "tampered.jar entry sec/mod/Magic.class does not match its signature (")
                    && tampered.endsWith("): it was changed after signing magic=1"), tampered);
            assertRefusal(child, "activate " + copy(otherV2, deploy.resolve("other.jar")), "other.jar",
                    "other.jar entry sec/mod/Magic.class is signed by CN=other, which is not trusted by trust=" + trust
                            + " (neither its certificate nor an issuer of it is in the keystore)", 1);
            child.send("activate " + copy(signedV2, deploy.resolve("signed.jar")));
            assertEquals("OK 2 magic=2", child.expect("", WAIT), child.describe());
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void thePasswordMayComeFromAnEnvironmentVariable(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        ChildJvm.Result r = child(jdk, work, args(work, modules(work, signedV1)) + ",trust=" + trust
                + ",trustPassword=env:" + PASSWORD_VARIABLE).env(PASSWORD_VARIABLE, Keys.PASSWORD).run();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertEquals(List.of("READY magic=1"), r.stdoutLines()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aTrustThatCannotBeUsedStopsTheJvmWithOneLine(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        String base = args(work, modules(work, signedV1)) + ",trust=" + trust;
        assertStopped(child(jdk, work, base + ",trustPassword=env:MODULETS_IT_UNSET").name("unset").run(),
                "modulets: trustPassword=env:MODULETS_IT_UNSET: the variable is not set");
        assertStopped(child(jdk, work, base).name("none").run(), "modulets: trust=" + trust + " holds no certificate"
                + " that can be read without a password: give trustPassword=file:PATH or trustPassword=env:NAME");
        assertStopped(child(jdk, work, base + ",trustPassword=" + Keys.PASSWORD).name("inline").run(),
                "modulets: bad agent argument trustPassword (from the command line): give file:PATH (its first line"
                        + " is the password) or env:NAME (an environment variable); never the password itself, a"
                        + " command line is visible to every user");
        ChildJvm.Result wrong = child(jdk, work, base + ",trustPassword=file:" + wrongPasswordFile).name("wrong").run();
        assertStopped(wrong, null);
        assertTrue(wrong.stderrLines().get(0).startsWith("modulets: trust=" + trust + ": the password from"
                + " trustPassword does not open it ("), wrong.describe());
        Path notAKeystore = Files.writeString(work.resolve("not-a-keystore.p12"), "hello");
        ChildJvm.Result garbage = child(jdk, work, args(work, modulesIn(work)) + ",trust=" + notAKeystore).name("garbage")
                .run();
        assertStopped(garbage, null);
        assertTrue(garbage.stderrLines().get(0).startsWith("modulets: trust=" + notAKeystore + ": not a PKCS12 or JKS"
                + " keystore ("), garbage.describe());
        Path missing = work.resolve("missing.p12");
        assertStopped(child(jdk, work, args(work, modulesIn(work)) + ",trust=" + missing).name("missing").run(),
                "modulets: bad agent argument trust=" + missing + ": " + missing + " is not a file; give a PKCS12 or"
                        + " JKS keystore with the signers' certificates");
        Path unsignedModules = modules(work.resolve("unsigned"), v1);
        assertStopped(child(jdk, work, args(work, unsignedModules) + ",trust=" + trust + ",trustPassword=file:"
                + passwordFile).name("unsigned").run(), "modulets: generation 1 refused: magic.jar is not signed; sign"
                + " it with jarsigner, with a key whose certificate (or an issuer of it) is in trust=" + trust);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void withoutModulesTheClassPathJarsOfTheSwappablePackagesMustBeSignedToo(Jdk jdk, TestInfo info)
            throws IOException {
        Path work = WorkDirs.forTest(info);
        String args = "packages=" + PACKAGE + ",store=" + work.resolve("store") + ",trust=" + trust
                + ",trustPassword=file:" + passwordFile;
        ChildJvm.Result signed = ChildJvm.on(jdk).agent(args).classpath(shellJar, signedV1).mainClass("sec.SecApp")
                .outputIn(work).name("signed").run();
        assertAll(signed.describe(),
                () -> assertEquals(0, signed.exitCode()),
                () -> assertEquals(List.of("READY magic=1"), signed.stdoutLines()));
        assertStopped(ChildJvm.on(jdk).agent(args).classpath(shellJar, v1).mainClass("sec.SecApp").outputIn(work)
                .name("unsigned").run(), "modulets: generation 1 refused: magic-1.jar is not signed; sign it with"
                + " jarsigner, with a key whose certificate (or an issuer of it) is in trust=" + trust);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void modulesOthersCanWriteStopTheJvmUnlessWarned(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work, v1);
        Path jar = modules.resolve("magic.jar");
        shareWithGroup(modules, "rwxrwxr-x");
        assertStopped(child(jdk, work, args(work, modules)).name("group").run(), "modulets: generation 1 refused: "
                + modules + " is writable by its group (rwxrwxr-x): other users could change the code; run chmod g-w "
                + modules + " (or give permissions=warn)");
        chmod(modules, "rwxr-xr-x");
        chmod(jar, "rw-r--rw-");
        assertStopped(child(jdk, work, args(work, modules)).name("world").run(), "modulets: generation 1 refused: "
                + jar + " is writable by others (rw-r--rw-): other users could change the code; run chmod o-w " + jar
                + " (or give permissions=warn)");
        Path store = Files.createDirectories(work.resolve("shared-store"));
        shareWithGroup(store, "rwxrwxrwx");
        assertStopped(child(jdk, work, "packages=" + PACKAGE + ",modules=" + modules + ",store=" + store).name("store")
                .run(), "modulets: " + store + " is writable by its group and by others (rwxrwxrwx): other users could"
                + " change the code; run chmod go-w " + store + " (or give permissions=warn)");
        ChildJvm.Result warned = child(jdk, work, args(work, modules) + ",permissions=warn").name("warn").run();
        assertAll(warned.describe(),
                () -> assertEquals(0, warned.exitCode()),
                () -> assertEquals(List.of("READY magic=1"), warned.stdoutLines()),
                () -> assertTrue(warned.stderr().contains("modulets: " + jar + " is writable by others (rw-r--rw-):"
                        + " other users could change the code; run chmod o-w " + jar + " (permissions=warn: going on)")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void jarsOthersCanWriteAreRefusedAtADeploy(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work, v1);
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        try (InteractiveJvm child = start(jdk, work, args(work, modules))) {
            assertEquals("READY magic=1", child.expect("READY", WAIT), child.describe());
            Path loose = chmod(copy(v2, deploy.resolve("loose.jar")), "rw-r--rw-");
            assertRefusal(child, "activate " + loose, "loose.jar", loose + " is writable by others (rw-r--rw-):"
                    + " other users could change the code; run chmod o-w " + loose + " (or give permissions=warn)", 1);
            copy(v2, modules.resolve("magic.jar"));
            shareWithGroup(modules, "rwxrwxr-x");
            child.send("rescan");
            assertEquals("REFUSED modulets: deploy from " + modules + " refused, generation 1 (1.0, " + shortHash(v1)
                    + ") stays current: " + modules + " is writable by its group (rwxrwxr-x): other users could change"
                    + " the code; run chmod g-w " + modules + " (or give permissions=warn) magic=1",
                    child.expect("", WAIT), child.describe());
            chmod(modules, "rwxr-xr-x");
            child.send("rescan");
            assertEquals("OK 2 magic=2", child.expect("", WAIT), child.describe());
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aStoreOpenedToOthersAfterTheStartRefusesTheNextActivation(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work, v1);
        Path store = work.resolve("store");
        try (InteractiveJvm child = start(jdk, work, args(work, modules))) {
            assertEquals("READY magic=1", child.expect("READY", WAIT), child.describe());
            chmod(store, "rwx---rwx");
            assertRefusal(child, "activate " + v2, "magic-2.jar", store + " is writable by others (rwx---rwx): other"
                    + " users could change the code; run chmod o-w " + store + " (or give permissions=warn)", 1);
            child.send("magic");
            assertEquals("OK - magic=1", child.expect("", WAIT), "generation 1 keeps serving\n" + child.describe());
            chmod(store, "rwx------");
            child.send("activate " + v2);
            assertEquals("OK 2 magic=2", child.expect("", WAIT), child.describe());
            chmod(store, "rwx---rwx");
            child.send("rollback");
            assertEquals("REFUSED modulets: rollback to generation 1 (1.0, " + shortHash(v1) + ") refused, generation 2"
                    + " (2.0, " + shortHash(v2) + ") stays current: " + store + " is writable by others (rwx---rwx):"
                    + " other users could change the code; run chmod o-w " + store + " (or give permissions=warn)"
                    + " magic=2", child.expect("", WAIT), child.describe());
            chmod(store, "rwx------");
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aSnapshotChangedInTheStoreIsNeverMadeAGeneration(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = modules(work, v1);
        try (InteractiveJvm child = start(jdk, work, args(work, modules))) {
            assertEquals("READY magic=1", child.expect("READY", WAIT), child.describe());
            child.send("activate " + v2);
            assertEquals("OK 2 magic=2", child.expect("", WAIT), child.describe());
            // Generation 1's stored copy is replaced in place by other valid code (v3), as someone with
            // access to the store could: the rollback and a new activation of v1 must both refuse it.
            Path stored = work.resolve("store").resolve(sha256(v1) + ".jar");
            chmod(stored, "rw-------");
            Files.write(stored, Files.readAllBytes(v3));
            chmod(stored, "r--------");
            String current = "generation 2 (2.0, " + shortHash(v2) + ")";
            child.send("rollback");
            assertEquals("REFUSED modulets: rollback to generation 1 (1.0, " + shortHash(v1) + ") refused, " + current
                    + " stays current: the store's copy of magic.jar (" + stored + ") changed after it was written"
                    + " (hash mismatch); it is not used magic=2", child.expect("", WAIT), child.describe());
            child.send("activate " + v1);
            assertEquals("REFUSED modulets: deploy of [magic-1.jar] refused, " + current + " stays current: snapshot "
                    + stored + " in the store was altered (hash mismatch); delete it magic=2", child.expect("", WAIT),
                    child.describe());
            child.send("magic");
            assertEquals("OK - magic=2", child.expect("", WAIT), child.describe());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static void assertRefusal(InteractiveJvm child, String command, String jar, String reason, int magic)
            throws Exception {
        child.send(command);
        String line = child.expect("", WAIT);
        String prefix = "REFUSED modulets: deploy of [" + jar + "] refused, generation 1 (1.0, ";
        String suffix = ") stays current: " + reason + " magic=" + magic;
        assertTrue(line.startsWith(prefix) && line.endsWith(suffix) && line.length() == prefix.length() + 12
                + suffix.length(), () -> "expected " + prefix + "<hash>" + suffix + "\nbut got " + line);
    }

    private static void assertStopped(ChildJvm.Result r, String line) {
        List<String> errorLines = r.stderrLines().stream().filter(l -> !l.isBlank()).toList();
        assertAll(r.describe(),
                () -> assertEquals(1, r.exitCode(), "a refused start exits 1"),
                () -> assertFalse(r.stdout().contains("READY"), "main must not run"),
                () -> assertEquals(1, errorLines.size(), "one line on stderr"),
                () -> {
                    if (line != null) assertEquals(line, errorLines.get(0));
                });
    }

    private static String args(Path work, Path modules) {
        return "packages=" + PACKAGE + ",modules=" + modules + ",store=" + work.resolve("store") + ",watch=false";
    }

    private static ChildJvm child(Jdk jdk, Path work, String agentArgs) {
        return ChildJvm.on(jdk).agent(agentArgs).classpath(shellJar).mainClass("sec.SecApp").outputIn(work);
    }

    private static InteractiveJvm start(Jdk jdk, Path work, String agentArgs) throws IOException {
        return InteractiveJvm.start(child(jdk, work, agentArgs), work, "child");
    }

    private static Path modules(Path work, Path jar) throws IOException {
        Path modules = Files.createDirectories(work.resolve("modules"));
        chmod(modules, "rwxr-xr-x");
        chmod(copy(jar, modules.resolve("magic.jar")), "rw-r--r--");
        return modules;
    }

    private static Path modulesIn(Path work) {
        return work.resolve("modules");
    }

    private static Path magic(Path dir, int n) throws IOException {
        return new JarBuilder()
                .source(PACKAGE + ".Magic", "package " + PACKAGE + "; public final class Magic {"
                        + " public static int get() { return " + n + "; } }")
                .manifest("Implementation-Version", n + ".0")
                .build(dir.resolve("magic-" + n + ".jar"));
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.deleteIfExists(to);
        return Files.copy(from, to);
    }

    private static Path chmod(Path path, String mode) throws IOException {
        return Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    /**
     * Sets {@code mode} and, if the path's group is the user's own private group (whose write the rule
     * allows: umask 002), gives it a group the user shares with others.
     */
    private static void shareWithGroup(Path path, String mode) throws IOException {
        chmod(path, mode);
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (!view.readAttributes().group().getName().equals(System.getProperty("user.name"))) {
            return;
        }
        for (String shared : List.of("users", "nogroup", "staff")) {
            try {
                view.setGroup(path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(shared));
                return;
            } catch (IOException | UnsupportedOperationException notThisOne) {
                // not a group here, or not one this user may give a file to
            }
        }
        assumeTrue(false, "a group other than the user's own to give " + path + " to");
    }

    private static Path secret(Path file, String text) throws IOException {
        Files.writeString(file, text);
        return chmod(file, "rw-------");
    }

    /** A copy of {@code jar} with {@code change}'s bytes replaced and {@code add} added (each may be null). */
    private static Path rewrite(Path jar, Path copy, String change, byte[] bytes, String add) throws IOException {
        try (InputStream in = Files.newInputStream(jar); ZipInputStream from = new ZipInputStream(in);
             OutputStream out = Files.newOutputStream(copy); ZipOutputStream to = new ZipOutputStream(out)) {
            for (ZipEntry e; (e = from.getNextEntry()) != null; ) {
                byte[] content = from.readAllBytes();
                to.putNextEntry(new ZipEntry(e.getName()));
                to.write(e.getName().equals(change) ? bytes : content);
                to.closeEntry();
            }
            if (add != null) {
                to.putNextEntry(new ZipEntry(add));
                to.write("added after signing".getBytes(StandardCharsets.UTF_8));
                to.closeEntry();
            }
        }
        return copy;
    }

    private static String sha256(Path file) throws IOException {
        return hex(Files.readAllBytes(file));
    }

    /** The 12-digit hash of the generation of this one jar: SHA-256 over its hex SHA-256 (DESIGN §1). */
    private static String shortHash(Path jar) throws IOException {
        return hex(sha256(jar).getBytes(StandardCharsets.US_ASCII)).substring(0, 12);
    }

    private static String hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
