package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
 * Watching the modules directory (DESIGN §4, Deploying): the directory reached through a symlink
 * that is swapped atomically, several changes within one quiet period, the directory vanishing and
 * coming back as a Kubernetes volume, the kubelet's updates of it exactly as its AtomicWriter makes them
 * (deploy.Kubelet: a timestamped directory, {@code ..data_tmp} renamed over {@code ..data}, the old directory
 * removed), one of them to the same jars, and {@code outside=ignore}. Each change gives exactly one log line
 * (no second activation; for the same jars, "same content" and no generation), and unbound code and a new
 * root task then run the new generation.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeployWatchIT {
    private static final String APP = "apps/deploy/";
    /**
     * The watcher's quiet period. Each step's file operations (two renames; the kubelet's directory, links and swap)
     * must fall within one: at 250 ms a loaded machine that stalled the app between two of them made two deploys
     * of one change. Each step also waits 3 quiet periods + 0.5 s for an unwanted second line.
     */
    private static final long QUIET_MILLIS = 1000;
    /** inotify's event bits (linux/inotify.h). */
    private static final int IN_MODIFY = 0x2;
    private static final int IN_MOVED_TO = 0x80;
    private static final int IN_CREATE = 0x100;
    private static final int IN_DELETE = 0x200;
    private static Path shellJar;
    private static Path versions;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(DeployWatchIT.class);
        versions = Files.createDirectories(dir.resolve("versions"));
        shellJar = new JarBuilder().source("deploy.WatchApp", read("shell/deploy/WatchApp.java"))
                .source("deploy.Kubelet", read("shell/deploy/Kubelet.java"))
                .source("deploy.mod.Magic", magic(1000)).build(dir.resolve("shell.jar"));
        for (int m = 1000; m <= 1005; m++) {
            new JarBuilder().source("deploy.mod.Magic", magic(m)).manifest("Implementation-Version", "" + m)
                    .build(versions.resolve("magic-" + m + ".jar"));
        }
        new JarBuilder().source("deploy.mod.Extra", "package deploy.mod; public class Extra {}")
                .build(versions.resolve("extra.jar"));
        new JarBuilder().source("deploy.mod.Magic", magic(1006))
                .source("deploy.other.Helper", "package deploy.other; public class Helper {}")
                .manifest("Implementation-Version", "1006").build(versions.resolve("outside.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void everyKindOfChangeIsNoticedAndActivatedOnce(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path r1 = Files.createDirectories(work.resolve("releases/r1"));
        Files.copy(versions.resolve("magic-1000.jar"), r1.resolve("magic.jar"));
        Path modules = Files.createSymbolicLink(work.resolve("modules"), r1);
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent("packages=deploy.mod,modules=" + modules + ",store=" + work.resolve("store")
                        + ",quiet=" + QUIET_MILLIS + "ms,outside=ignore")
                .classpath(shellJar)
                .mainClass("deploy.WatchApp")
                .args(versions, work, QUIET_MILLIS)
                .timeout(Duration.ofSeconds(150))
                .outputIn(work)
                .run();
        Map<String, List<String>> steps = r.stdoutLines().stream().filter(l -> l.startsWith("STEP "))
                .collect(Collectors.toMap(l -> l.substring(5, l.indexOf('|')),
                        l -> Arrays.asList(l.substring(l.indexOf('|') + 1).split("\\|"))));
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertTrue(r.stdoutLines().contains("DONE")),
                () -> assertEquals(List.of("magic=1000", "task=1000"), steps.get("start")),
                () -> parentWatchedForNamesOnly(r.stdoutLines()),
                () -> activatedOnce(steps, "symlink-swap", 2, "1001", 1001),
                () -> activatedOnce(steps, "several-at-once", 3, "extra+1002", 1002),
                () -> {
                    List<String> vanish = steps.get("vanish");
                    assertEquals(3, vanish.size(), () -> "one line, then the old generation still runs: " + vanish);
                    assertTrue(vanish.get(0).contains("modules directory " + modules + " is gone"), vanish.get(0));
                    assertEquals(List.of("magic=1002", "task=1002"), vanish.subList(1, 3));
                },
                () -> activatedOnce(steps, "come-back", 4, "1003", 1003),
                () -> activatedOnce(steps, "kubernetes-data-swap", 5, "1004", 1004),
                () -> {
                    List<String> same = steps.get("kubernetes-same-jars");
                    assertEquals(3, same == null ? 0 : same.size(), () -> "one line, no activation: " + same);
                    assertTrue(same.get(0).contains(": same content, generation 5 (1004, ")
                            && same.get(0).endsWith(" stays current"), same.get(0));
                    assertEquals(List.of("magic=1004", "task=1004"), same.subList(1, 3));
                },
                () -> activatedOnce(steps, "kubernetes-data-swap-again", 6, "1005", 1005),
                () -> activatedOnce(steps, "outside-ignored", 7, "1006", 1006));
    }

    /**
     * The parent directory is watched for entries created and removed (the directory's own name swapped), not for
     * writes: a file written beside the modules directory (an application's log) must not wake the JVM at each write.
     */
    private static void parentWatchedForNamesOnly(List<String> lines) {
        String mask = lines.stream().filter(l -> l.startsWith("PARENT-WATCH ")).map(l -> l.substring(13))
                .findFirst().orElse("missing");
        if (mask.equals("unknown")) {
            return; // no /proc: not Linux
        }
        assertTrue(mask.matches("[0-9a-f]+"), () -> "an inotify watch on the modules directory's parent: " + mask);
        int bits = Integer.parseInt(mask, 16);
        assertTrue((bits & IN_CREATE) != 0 && (bits & IN_DELETE) != 0 && (bits & IN_MOVED_TO) != 0,
                () -> "the parent is watched for its names: mask " + mask);
        assertEquals(0, bits & IN_MODIFY, () -> "the parent is not watched for writes: mask " + mask);
    }

    private static void activatedOnce(Map<String, List<String>> steps, String step, int generation, String label,
                                      int magic) {
        List<String> lines = steps.get(step);
        assertEquals(3, lines == null ? 0 : lines.size(), () -> step + ": exactly one log line, then magic: " + lines);
        assertTrue(lines.get(0).startsWith("modulets: generation " + generation + " (" + label + ", ")
                && lines.get(0).endsWith(" is current (was " + (generation - 1) + ")"), () -> step + ": " + lines);
        assertEquals("magic=" + magic, lines.get(1), () -> step + ": unbound code runs the new generation");
        assertEquals("task=" + magic, lines.get(2), () -> step + ": a new task runs the new generation");
    }

    private static String magic(int magic) {
        return "package deploy.mod;\n"
                + "public final class Magic {\n"
                + "    private Magic() {}\n"
                + "    public static int get() { return " + magic + "; }\n"
                + "}\n";
    }

    private static String read(String resource) throws IOException {
        return AppSources.read(APP + resource);
    }
}
