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
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The bad-deploy corpus: one child JVM per JDK tries every bad deploy in turn, through
 * the watched modules directory, while tasks run. For each case: the agent's one log line names
 * the reason; a task that was running during the attempt, and ten tasks submitted during it,
 * finish on generation 1 (magic 1000); none is lost; a root task submitted afterwards still
 * runs generation 1. The last case is a good deploy (1001), which proves the checks can fail.
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
        jarCase("c11-class-removed", "link check: deploy.mod.Thing is missing, used by shell deploy.App.uses",
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
        jarCase("zz-good-deploy", "generation 2 (1001, ", c -> copy(v2, c.resolve("magic.jar")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void everyBadDeployIsRefusedInOneLineAndHurtsNoTask(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        copy(good, modules.resolve("magic.jar"));
        Path store = work.resolve("store");
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=" + PACKAGE + ",modules=" + modules + ",store=" + store + ",quiet=300ms")
                .classpath(shellJar)
                .mainClass("deploy.App")
                .args(cases, modules, store, good)
                .timeout(Duration.ofSeconds(180))
                .outputIn(work)
                .run();
        Map<String, String[]> seen = r.stdoutLines().stream().filter(l -> l.startsWith("CASE "))
                .collect(Collectors.toMap(l -> l.substring(5, l.indexOf('|')), l -> l.split("\\|", -1)));
        List<Runnable> checks = new ArrayList<>();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(r.stdoutLines().contains("DONE"), "every case ran"),
                () -> assertEquals(List.of(), r.stdoutLines().stream().filter(l -> l.startsWith("RESTORE")).toList(),
                        "after each case the good content is put back and recognised as the current generation"),
                () -> assertEquals(EXPECTED.keySet(), seen.keySet()));
        assertTrue(EXPECTED.size() >= 20 + 1, "at least 20 bad jar cases");
        for (Map.Entry<String, String> expected : EXPECTED.entrySet()) {
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
        Path dir = Files.createDirectories(cases.resolve(name));
        files.write(dir);
        EXPECTED.put(name, reason);
    }

    /** A version of the module with sources edited; the shell still calls what generation 1 had. */
    private static void linkCase(String name, Map<String, String> edits, String reason) throws IOException {
        jarCase(name, "link check: " + reason, c -> {
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
