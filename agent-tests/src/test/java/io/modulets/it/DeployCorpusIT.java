package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.deploy.RawZip;
import io.modulets.testing.Keys;
import io.modulets.testkit.WorkDirs;

/**
 * The bad-deploy corpus: one child JVM per JDK tries every bad deploy in turn, through
 * the watched modules directory, while tasks run. For each case: the agent's one log line names
 * the reason; a task that was running during the attempt, and ten tasks submitted during it,
 * finish on generation 1 (magic 1000); none is lost; a root task submitted afterwards still
 * runs generation 1. The last case is a good deploy (1001), which proves the checks can fail.
 * The corpus also holds zip bombs (e…: refused before they inflate) and what only the JVM's own reading and
 * linking of a class finds (f…: manifests, a signed jar changed after signing, the verifier, a missing
 * superclass, a multi-release jar's class for this JVM).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DeployCorpusIT {
    private static final String APP = "apps/deploy/";
    private static final String PACKAGE = "deploy.mod";
    private static Path shellJar;
    private static Path good;
    private static Path cases;
    /** Case directory name → the text its log line must contain. */
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();
    /** The cases of a JVM with a small heap: an OutOfMemoryError in one deploy. */
    private static Path memoryCases;
    private static final Map<String, String> MEMORY_EXPECTED = new LinkedHashMap<>();

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(DeployCorpusIT.class);
        cases = Files.createDirectories(dir.resolve("cases"));
        shellJar = module(new JarBuilder().source("deploy.App", read("shell/deploy/App.java")), Map.of())
                .build(dir.resolve("shell.jar"));
        good = module(new JarBuilder(), Map.of()).build(dir.resolve("good/magic.jar"));
        Path v2 = module(new JarBuilder(), Map.of("MAGIC", "1001")).build(dir.resolve("v2/magic.jar"));
        byte[] magicClass = entry(v2, "deploy/mod/Magic.class");

        // Broken files
        jarCase("a01-half-copied", "magic.jar is not a complete zip file",
                c -> write(c, "magic.jar", Arrays.copyOf(bytes(v2), bytes(v2).length / 2)));
        jarCase("a02-empty-file", "magic.jar is not a complete zip file", c -> write(c, "magic.jar", new byte[0]));
        jarCase("a03-not-a-zip", "magic.jar is not a complete zip file",
                c -> write(c, "magic.jar", "just text\n".getBytes(StandardCharsets.UTF_8)));
        jarCase("a04-wrong-crc", "magic.jar: entry deploy/mod/Magic.class has a wrong CRC", c -> {
            byte[] jar = zip(v2, true, Map.of());
            int at = indexOf(jar, magicClass) + magicClass.length / 2;
            jar[at] ^= 0x55;
            write(c, "magic.jar", jar);
        });
        jarCase("a05-second-jar-half-copied", "extra.jar is not a complete zip file", c -> {
            copy(v2, c.resolve("magic.jar"));
            write(c, "extra.jar", Arrays.copyOf(bytes(v2), 100));
        });
        // Class files
        jarCase("b01-not-a-class-file", "magic.jar: deploy/mod/Magic.class is not a class file",
                c -> write(c, "magic.jar", zip(v2, false, Map.of("deploy/mod/Magic.class", "hello".getBytes()))));
        jarCase("b02-truncated-class", "magic.jar: deploy/mod/Magic.class does not parse as a class file",
                c -> write(c, "magic.jar", zip(v2, false,
                        Map.of("deploy/mod/Magic.class", Arrays.copyOf(magicClass, magicClass.length / 2)))));
        jarCase("b03-bad-constant-pool", "magic.jar: deploy/mod/Magic.class does not parse as a class file", c -> {
            byte[] bad = magicClass.clone();
            bad[10] = 99; // the first constant's tag: no such tag
            write(c, "magic.jar", zip(v2, false, Map.of("deploy/mod/Magic.class", bad)));
        });
        jarCase("b04-class-version-too-new", "has class-file version 70 (Java 26); this JVM runs 45 to", c -> {
            byte[] bad = magicClass.clone();
            bad[6] = 0;
            bad[7] = 70;
            write(c, "magic.jar", zip(v2, false, Map.of("deploy/mod/Magic.class", bad)));
        });
        jarCase("b05-preview-class", "deploy/mod/Magic.class was compiled with --enable-preview", c -> {
            byte[] bad = magicClass.clone();
            bad[4] = (byte) 0xFF;
            bad[5] = (byte) 0xFF;
            write(c, "magic.jar", zip(v2, false, Map.of("deploy/mod/Magic.class", bad)));
        });
        jarCase("b06-path-does-not-match-name",
                "magic.jar: deploy/mod/Other.class holds class deploy.mod.Magic; a class file's path must match its name",
                c -> write(c, "magic.jar", zip(v2, false, Map.of("deploy/mod/Other.class", magicClass))));
        jarCase("b07-class-in-two-jars", "class deploy.mod.Magic is in both extra.jar and magic.jar", c -> {
            copy(v2, c.resolve("magic.jar"));
            new JarBuilder().source("deploy.mod.Magic", magicSource("2000")).build(c.resolve("extra.jar"));
        });
        jarCase("b08-class-outside-the-packages",
                "magic.jar holds deploy.other.Helper, outside the swappable packages (deploy.mod)", c ->
                        module(new JarBuilder(), Map.of("MAGIC", "1001"))
                                .source("deploy.other.Helper", "package deploy.other; public class Helper {}")
                                .build(c.resolve("magic.jar")));
        // The link check: what the shell (deploy.App.uses) reaches must still be there
        linkCase("c01-static-method-removed", Map.of("public static int get() { return MAGIC; }", ""),
                "static method deploy.mod.Magic.get()I is missing, used by shell deploy.App.");
        linkCase("c02-static-method-new-return-type", Map.of("public static int get()", "public static long get()"),
                "static method deploy.mod.Magic.get()I is missing, used by shell deploy.App.");
        linkCase("c03-static-method-became-instance", Map.of("public static int get()", "public int get()"),
                "static method deploy.mod.Magic.get()I is now an instance method, used by shell deploy.App.");
        linkCase("c04-static-method-became-private", Map.of("public static int get()", "private static int get()"),
                "static method deploy.mod.Magic.get()I is now private, used by shell deploy.App.");
        linkCase("c05-static-field-removed", Map.of("public static String NAME = \"magic\";", ""),
                "static field deploy.mod.Magic.NAME (Ljava/lang/String;) is missing, used by shell deploy.App.uses");
        linkCase("c06-static-field-new-type", Map.of("public static String NAME = \"magic\";",
                        "public static Object NAME = \"magic\";"),
                "static field deploy.mod.Magic.NAME (Ljava/lang/String;) is missing, used by shell deploy.App.uses");
        linkCase("c07-constructor-removed", Map.of("public Thing(int v) { this.v = v; }",
                        "public Thing(String v) { this.v = v.length(); }"),
                "constructor deploy.mod.Thing.<init>(I)V is missing, used by shell deploy.App.uses");
        linkCase("c08-class-became-abstract", Map.of("public class Thing", "public abstract class Thing"),
                "deploy.mod.Thing cannot be instantiated any more (now abstract), used by shell deploy.App.uses");
        linkCase("c09-instance-method-removed", Map.of("public int value() { return v; }", ""),
                "instance method deploy.mod.Thing.value()I is missing, used by shell deploy.App.uses");
        linkCase("c10-inherited-method-removed", Map.of("public int base() { return 7; }", ""),
                "instance method deploy.mod.Thing.base()I is missing, used by shell deploy.App.uses");
        jarCase("c11-class-removed", "link check: deploy.mod.Thing is missing from magic.jar, used by shell"
                        + " deploy.App.uses",
                c -> new JarBuilder().source("deploy.mod.Magic", magicSource("1001")).build(c.resolve("magic.jar")));
        // The directory and the store
        jarCase("d01-no-jar-left", "holds no *.jar", c -> { });
        jarCase("d02-store-not-writable", "cannot create the store", c -> {
            copy(v2, c.resolve("magic.jar"));
            write(c, "action", "block-store".getBytes());
        });
        jarCase("d03-stored-snapshot-altered", "in the store was altered (hash mismatch)", c -> {
            module(new JarBuilder(), Map.of("MAGIC", "1002")).build(c.resolve("magic.jar"));
            write(c, "action", "alter-stored".getBytes());
        });
        // Bounded reading: each refused from the zip directory, or at the first byte too many
        jarCase("e01-entry-inflates-to-1-GiB",
                "magic.jar: entry deploy/mod/big.bin inflates to 1073741824 bytes, more than maxEntrySize=512m",
                c -> bomb(v2, c, zip -> zip.entry("deploy/mod/big.bin", zip.stream(RawZip.zeros(1024)))));
        jarCase("e02-100-entries-one-1-GiB-stream",
                "magic.jar: entry deploy/mod/e0.bin inflates to 1073741824 bytes, more than maxEntrySize=512m",
                c -> bomb(v2, c, zip -> {
                    int stream = zip.stream(RawZip.zeros(1024));
                    for (int i = 0; i < 100; i++) zip.entry("deploy/mod/e" + i + ".bin", stream);
                }));
        jarCase("e03-100-entries-one-stream", "magic.jar's entries overlap: their compressed data add up to",
                c -> bomb(v2, c, zip -> {
                    int stream = zip.stream(RawZip.zeros(8));
                    for (int i = 0; i < 100; i++) zip.entry("deploy/mod/e" + i + ".bin", stream);
                }));
        jarCase("e04-header-lies-about-the-size",
                "magic.jar: entry deploy/mod/big.bin inflates to more than the 1000 bytes its zip header gives",
                c -> bomb(v2, c, zip -> zip.entry("deploy/mod/big.bin", zip.stream(RawZip.zeros(1024)), 1000)));
        jarCase("e05-ratio-over-100", "times its compressed size (", c -> bomb(v2, c,
                zip -> zip.entry("deploy/mod/zeros.bin", zip.stream(RawZip.zeros(32)))));
        // Load before you activate: what only the JVM's own reading and linking finds
        String manifest = "Manifest-Version: 1.0\r\nImplementation-Title: magic\r\n";
        jarCase("f01-manifest-line-over-512-bytes",
                "magic.jar: META-INF/MANIFEST.MF does not read as the JDK reads it (line too long", c -> write(c,
                        "magic.jar", zip(v2, false, Map.of("META-INF/MANIFEST.MF",
                                (manifest + "X-Long: " + "x".repeat(600) + "\r\n\r\n").getBytes()))));
        jarCase("f02-manifest-malformed-header",
                "magic.jar: META-INF/MANIFEST.MF does not read as the JDK reads it (invalid header field", c -> write(c,
                        "magic.jar", zip(v2, false, Map.of("META-INF/MANIFEST.MF",
                                (manifest + "no colon here\r\n\r\n").getBytes()))));
        jarCase("f03-manifest-over-16-MB",
                "magic.jar: META-INF/MANIFEST.MF does not read as the JDK reads it (Unsupported size: ", c -> {
                    StringBuilder big = new StringBuilder(manifest);
                    while (big.length() <= 16_000_000) big.append("X-Pad-").append(big.length()).append(": ")
                            .append("y".repeat(60)).append("\r\n");
                    write(c, "magic.jar", zip(v2, false, Map.of("META-INF/MANIFEST.MF",
                            big.append("\r\n").toString().getBytes())));
                });
        jarCase("f04-signed-class-altered-after-signing",
                "magic.jar entry deploy/mod/Magic.class does not match its signature (", c -> {
                    Path keystore = Keys.generate(dir.resolve("signer.p12"), "signer");
                    Path copy = Files.copy(v2, dir.resolve("signed.jar"), StandardCopyOption.REPLACE_EXISTING);
                    Path signed = Keys.sign(copy, keystore, "signer");
                    byte[] other = entry(module(new JarBuilder(), Map.of("MAGIC", "1003")).build(
                            dir.resolve("v3/magic.jar")), "deploy/mod/Magic.class");
                    write(c, "magic.jar", zip(signed, false, Map.of("deploy/mod/Magic.class", other)));
                });
        jarCase("f05-method-body-fails-the-verifier",
                "magic.jar: class deploy.mod.Extra does not load: java.lang.VerifyError: ", c -> {
                    Path extra = module(new JarBuilder(), Map.of("MAGIC", "1001")).source("deploy.mod.Extra",
                            "package deploy.mod; public class Extra { public static int f() { return 12345; } }")
                            .build(dir.resolve("extra/magic.jar"));
                    byte[] bad = entry(extra, "deploy/mod/Extra.class");
                    // sipush 12345; ireturn -> sipush 12345; areturn: it parses, and the verifier refuses it
                    bad[indexOf(bad, new byte[] {0x11, 0x30, 0x39, (byte) 0xAC}) + 3] = (byte) 0xB0;
                    write(c, "magic.jar", zip(extra, false, Map.of("deploy/mod/Extra.class", bad)));
                });
        jarCase("f06-superclass-in-no-jar",
                "magic.jar: class deploy.mod.Orphan does not load: java.lang.NoClassDefFoundError: deploy/mod/Gone",
                c -> {
                    Path orphan = module(new JarBuilder(), Map.of("MAGIC", "1001"))
                            .source("deploy.mod.Orphan", "package deploy.mod; public class Orphan extends Gone {}")
                            .source("deploy.mod.Gone", "package deploy.mod; public class Gone {}")
                            .build(dir.resolve("orphan/magic.jar"));
                    write(c, "magic.jar", without(orphan, "deploy/mod/Gone.class"));
                });
        jarCase("f07-multi-release-class-drops-a-method",
                "link check: magic.jar (META-INF/versions/" + Jdks.BASELINE + "): static method"
                        + " deploy.mod.Magic.get()I is missing, used by shell deploy.App.", c -> {
                    byte[] dropped = entry(module(new JarBuilder(), Map.of("MAGIC", "1001",
                            "public static int get() { return MAGIC; }", "")).build(dir.resolve("mr/magic.jar")),
                            "deploy/mod/Magic.class");
                    Path multi = module(new JarBuilder(), Map.of("MAGIC", "1001")).manifest("Multi-Release", "true")
                            .build(dir.resolve("mr/base.jar"));
                    write(c, "magic.jar", zip(multi, false,
                            Map.of("META-INF/versions/" + Jdks.BASELINE + "/deploy/mod/Magic.class", dropped)));
                });
        // Control characters in a file name reach the log escaped, in the one line
        String forged = "magic\nmodulets: generation 9 (forged) is current\u001b[2J.jar";
        jarCase("g01-jar-name-with-newline-and-escape",
                "magic\\nmodulets: generation 9 (forged) is current\\u001b[2J.jar is not a complete zip file",
                c -> write(c, forged, "not a zip".getBytes(StandardCharsets.UTF_8)));
        jarCase("zz-good-deploy", "generation 2 (1001, ", c -> copy(v2, c.resolve("magic.jar")));

        // A JVM with a 64 MB heap and maxRatio raised: a class entry of 200 MB of zeros passes the bounds,
        // and keeping its bytes runs out of memory in the deploy, which is one refusal like any other.
        memoryCases = Files.createDirectories(dir.resolve("memory-cases"));
        jarCase(memoryCases, MEMORY_EXPECTED, "h01-out-of-memory-in-one-deploy",
                "stays current: magic.jar: entry deploy/mod/Big.class (209715200 bytes) does not fit in the heap"
                        + " (java.lang.OutOfMemoryError: Java heap space)",
                c -> bomb(v2, c, zip -> zip.entry("deploy/mod/Big.class", zip.stream(RawZip.zeros(200)))));
        jarCase(memoryCases, MEMORY_EXPECTED, "zz-good-deploy", "generation 2 (1001, ",
                c -> copy(v2, c.resolve("magic.jar")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void everyBadDeployIsRefusedInOneLineAndHurtsNoTask(Jdk jdk, TestInfo info) throws IOException {
        assertTrue(EXPECTED.size() >= 20 + 1, "at least 20 bad jar cases");
        runCorpus(jdk, info, cases, EXPECTED, "", List.of());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void anOutOfMemoryErrorOfOneDeployIsARefusalAndTheWatcherGoesOn(Jdk jdk, TestInfo info) throws IOException {
        runCorpus(jdk, info, memoryCases, MEMORY_EXPECTED, ",maxRatio=2000", List.of("-Xmx64m"));
    }

    /** Runs the shell on {@code caseRoot}'s cases and checks each line against {@code expectedLines}. */
    private static void runCorpus(Jdk jdk, TestInfo info, Path caseRoot, Map<String, String> expectedLines,
                                  String agentArguments, List<String> jvmOptions) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        copy(good, modules.resolve("magic.jar"));
        Path store = work.resolve("store");
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=" + PACKAGE + ",modules=" + modules + ",store=" + store + ",quiet=300ms"
                        + agentArguments)
                .jvmOptions(jvmOptions.toArray(String[]::new))
                .classpath(shellJar)
                .mainClass("deploy.App")
                .args(caseRoot, modules, store, good)
                .timeout(Duration.ofSeconds(180))
                .outputIn(work)
                .run();
        Map<String, String[]> seen = r.stdoutLines().stream().filter(l -> l.startsWith("CASE "))
                .collect(Collectors.toMap(l -> l.substring(5, l.indexOf('|')), l -> l.split("\\|", -1)));
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(r.stdoutLines().contains("DONE"), "every case ran"),
                () -> assertEquals(List.of(), r.stdoutLines().stream().filter(l -> l.startsWith("RESTORE")).toList(),
                        "after each case the good content is put back and recognised as the current generation"),
                () -> assertEquals(expectedLines.keySet(), seen.keySet()));
        for (Map.Entry<String, String> expected : expectedLines.entrySet()) {
            String name = expected.getKey();
            String[] c = seen.get(name);
            boolean goodCase = name.startsWith("zz-");
            assertAll(name + ": " + String.join(" | ", c),
                    () -> assertTrue(c[1].contains(expected.getValue()),
                            () -> "the log line must give the reason '" + expected.getValue() + "': " + c[1]),
                    () -> assertTrue(goodCase ? c[1].contains("is current (was 1)")
                                    : c[1].startsWith("modulets: ") && c[1].contains(" refused, generation 1 (1000, ")
                                    && c[1].contains(" stays current: "),
                            () -> "one line that names the generation that stays current: " + c[1]),
                    () -> assertEquals("running=1000", c[2], "a task running during the attempt keeps generation 1"),
                    () -> assertTrue(goodCase ? c[3].matches("queued=\\{(1000=\\d+)?(, )?(1001=\\d+)?}")
                                    : c[3].equals("queued={1000=10}"),
                            () -> "tasks submitted during a refused attempt run generation 1: " + c[3]),
                    () -> assertEquals("finished=10/10", c[6], "no task is lost"),
                    () -> assertEquals(goodCase ? "after=1001" : "after=1000", c[4],
                            "a root task after the attempt runs the current generation"),
                    () -> assertEquals(goodCase ? "after-loader=modulets-gen-2" : "after-loader=modulets-gen-1", c[5]));
        }
    }

    private interface CaseFiles {
        void write(Path dir) throws IOException;
    }

    private static void jarCase(String name, String reason, CaseFiles files) throws IOException {
        jarCase(cases, EXPECTED, name, reason, files);
    }

    private static void jarCase(Path root, Map<String, String> expected, String name, String reason, CaseFiles files)
            throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        files.write(dir);
        expected.put(name, reason);
    }

    /** A version of the module with sources edited; the shell still calls what generation 1 had. */
    private static void linkCase(String name, Map<String, String> edits, String reason) throws IOException {
        jarCase(name, "link check: magic.jar: " + reason, c -> {
            Map<String, String> all = new LinkedHashMap<>(edits);
            all.put("MAGIC", "1001");
            module(new JarBuilder(), all).build(c.resolve("magic.jar"));
        });
    }

    /** The module's three classes, each source with {@code edits} applied (MAGIC is 1000 unless edited). */
    private static JarBuilder module(JarBuilder jar, Map<String, String> edits) throws IOException {
        for (String name : List.of("Magic", "Base", "Thing")) {
            String source = read("module/deploy/mod/" + name + ".java");
            for (Map.Entry<String, String> edit : edits.entrySet()) {
                if (!edit.getKey().equals("MAGIC")) source = source.replace(edit.getKey(), edit.getValue());
            }
            jar.source(PACKAGE + "." + name, source.replace("MAGIC", edits.getOrDefault("MAGIC", "1000")));
        }
        return jar.manifest("Implementation-Title", "magic")
                .manifest("Implementation-Version", edits.getOrDefault("MAGIC", "1000"));
    }

    private static String magicSource(String magic) throws IOException {
        return read("module/deploy/mod/Magic.java").replace("MAGIC", magic);
    }

    private interface Bomb {
        void add(RawZip zip);
    }

    /** The good jar's entries, and what {@code bomb} adds, written byte by byte. */
    private static void bomb(Path good, Path caseDir, Bomb bomb) throws IOException {
        RawZip zip = new RawZip();
        try (ZipFile jar = new ZipFile(good.toFile())) {
            for (ZipEntry e : jar.stream().toList()) {
                try (InputStream in = jar.getInputStream(e)) {
                    zip.entry(e.getName(), zip.stream(RawZip.of(in.readAllBytes())));
                }
            }
        }
        bomb.add(zip);
        zip.write(caseDir.resolve("magic.jar"));
    }

    /** The jar's entries again, without one. */
    private static byte[] without(Path jar, String name) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipFile zip = new ZipFile(jar.toFile()); ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry e : zip.stream().filter(e -> !e.getName().equals(name)).toList()) {
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream in = zip.getInputStream(e)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The jar's entries again, with some replaced or added; STORED entries if asked. */
    private static byte[] zip(Path jar, boolean stored, Map<String, byte[]> replace) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : zip.stream().toList()) {
                try (InputStream in = zip.getInputStream(e)) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        }
        if (replace.containsKey("deploy/mod/Other.class")) entries.remove("deploy/mod/Magic.class");
        entries.putAll(replace);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                out.putNextEntry(entry);
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] entry(Path jar, String name) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile()); InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return in.readAllBytes();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }

    private static byte[] bytes(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
            out.write(bytes);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to);
    }

    private static String read(String resource) throws IOException {
        return AppSources.read(APP + resource);
    }
}
