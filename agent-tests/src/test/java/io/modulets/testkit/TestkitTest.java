package io.modulets.testkit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import io.modulets.testkit.Jdks.Jdk;

/** The kit itself: a test kit that lies makes every test built on it lie. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TestkitTest {

    @Test
    void jdksAreFoundOncePerRealPathSortedAndFromSeventeenOn(@TempDir Path jvms) throws IOException {
        Path a = fakeJdk(jvms.resolve("jdk-a"), "21.0.2");
        Files.createSymbolicLink(jvms.resolve("jdk-a-link"), a);
        fakeJdk(jvms.resolve("jdk-b"), "17.0.9");
        fakeJdk(jvms.resolve("jdk-old"), "11.0.22");
        fakeJdk(jvms.resolve("jdk-ancient"), "1.8.0_402");
        Files.createDirectories(jvms.resolve("not-a-jdk"));

        List<Jdk> found = Jdks.discover(null, jvms.resolve("jdk-a-link"), jvms);

        assertEquals(List.of("17.0.9", "21.0.2"), found.stream().map(j -> j.version().toString()).toList());
        assertEquals(jvms.resolve("jdk-a-link"), found.get(1).home(), "the running home comes first among its aliases");
        assertEquals(17, found.get(0).major());
    }

    @Test
    void theEnvironmentVariableReplacesTheSearchAndRejectsWhatIsNotAJdk(@TempDir Path jvms) throws IOException {
        Path b = fakeJdk(jvms.resolve("jdk-b"), "17.0.9");
        fakeJdk(jvms.resolve("jdk-c"), "25.0.1");
        assertEquals(List.of(b), Jdks.discover(b + ":", jvms.resolve("jdk-c"), jvms).stream().map(Jdk::home).toList());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Jdks.discover(jvms.resolve("nothing-here").toString(), b, jvms));
        assertTrue(e.getMessage().contains(Jdks.ENV), e.getMessage());
    }

    @Test
    void aChildThatOutlivesItsTimeoutIsKilledAndTheFailureCarriesItsOutput(@TempDir Path dir) throws IOException {
        Path jar = new JarBuilder().source("sleepy.Sleepy", "package sleepy;\n"
                        + "public class Sleepy {\n"
                        + "    public static void main(String[] a) throws Exception {\n"
                        + "        System.out.println(\"PID \" + ProcessHandle.current().pid());\n"
                        + "        System.out.flush();\n"
                        + "        System.err.println(\"SLEEPING\");\n"
                        + "        new java.util.concurrent.CountDownLatch(1).await(); // never released: it hangs\n"
                        + "    }\n"
                        + "}\n")
                .build(dir.resolve("sleepy.jar"));
        ChildJvm child = ChildJvm.on(Jdks.running()).classpath(jar).mainClass("sleepy.Sleepy").outputIn(dir);

        // The time-out always elapses, so it is short, and doubled while the child was killed before it printed
        // (a loaded machine can take more than 5 s to start it): up to 16 s, the time-out the test had always
        // waited (15 s) and more. A kit that leaves the output out of the failure still fails, after 2+4+8+16 s.
        AssertionFailedError e;
        long seconds = 1;
        do {
            seconds *= 2;
            e = assertThrows(AssertionFailedError.class, child.timeout(Duration.ofSeconds(seconds))::run);
        } while (seconds < 16 && !(e.getMessage().contains("SLEEPING") && e.getMessage().contains("PID ")));

        String message = e.getMessage();
        String within = "did not exit within " + seconds + " s";
        Matcher pid = Pattern.compile("PID (\\d+)").matcher(message);
        assertAll(message,
                () -> assertTrue(message.contains(within), within),
                () -> assertTrue(message.contains("SLEEPING"), "stderr is in the message"),
                () -> assertTrue(pid.find(), "stdout is in the message"),
                () -> assertFalse(ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false),
                        "the child is gone"));
    }

    @Test
    void aChildRunsToItsEndWithBothOutputsAndItsExitCode(@TempDir Path dir) throws IOException {
        Path jar = new JarBuilder().source("two.Two", "package two;\n"
                        + "public class Two {\n"
                        + "    public static void main(String[] a) {\n"
                        + "        System.out.println(\"out \" + a[0]);\n"
                        + "        System.err.println(\"err\");\n"
                        + "        System.exit(3);\n"
                        + "    }\n"
                        + "}\n")
                .mainClass("two.Two")
                .build(dir.resolve("two.jar"));

        ChildJvm.Result r = ChildJvm.on(Jdks.running()).jar(jar).args("x").outputIn(dir).run();

        assertAll(r.describe(),
                () -> assertEquals(3, r.exitCode()),
                () -> assertEquals(List.of("out x"), r.lines()),
                () -> assertEquals(List.of("err"), r.stderrLines()));
    }

    @Test
    void compileErrorsCarryJavacsDiagnostics(@TempDir Path dir) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new JarBuilder()
                .source("broken.Broken", "package broken; public class Broken { int x = \"no\"; }")
                .build(dir.resolve("broken.jar")));
        assertTrue(e.getMessage().contains("broken.Broken") && e.getMessage().contains("incompatible types"), e.getMessage());
    }

    private static Path fakeJdk(Path home, String version) throws IOException {
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nexit 1\n");
        assertTrue(java.toFile().setExecutable(true));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}
