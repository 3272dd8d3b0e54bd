package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * Setups the agent cannot run, each stopped before main with exit code 1 and exactly one line on
 * stderr that names the fix, instead of the launcher's "Could not find or load main class" or the
 * application running without the isolation it asked for: a swappable main class (with a modules
 * directory, from the class path, with {@code -jar}, with the packages read from the modules
 * jars, a Spring Boot executable jar's {@code Start-Class}), and an application's own
 * {@code -Djava.system.class.loader}; and a JVM that writes a class-data archive or AOT cache at its exit.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UnsupportedSetupIT {
    private static final String MAIN_RAN = "MAIN RAN";
    private static final String SWAPPABLE_MAIN = "modulets: the main class app.Main is swappable (%s), but it must"
            + " stay in the shell; move the swappable classes to a package of their own and give only that in"
            + " packages=";
    private static final String OWN_LOADER = "modulets: -Djava.system.class.loader=loader.AppLoader cannot be used"
            + " with modulets, which installs its own system class loader; remove it (create that loader in main"
            + " instead, if the application needs one)";
    private static final String ARCHIVE_DUMP = "modulets: this JVM writes a class-data archive or AOT cache at its"
            + " exit (-XX:AOTCacheOutput, -XX:AOTMode=record or create, -XX:ArchiveClassesAtExit), which the JDK"
            + " classes the agent rewrites make fail; create it without -javaagent (docs/REFERENCE.md,"
            + " \"The agent jar\", says which archives a JVM with modulets can use)";
    /** What the JVM itself prints about class-data sharing when a system class loader is set (17: stderr). */
    private static final String JVM_CDS_WARNING = "Archived non-system classes are disabled";

    private static Path app;
    private static Path bootJar;
    private static Path work;
    private static Path helper;
    private static Path loader;

    /** One setup: how the child is started in {@code dir}, and the one line it must print. */
    record Setup(String name, BiFunction<ChildJvm, Path, ChildJvm> start, String line) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> setups() {
        List<Setup> setups = List.of(
                new Setup("main in packages, modules directory",
                        (child, dir) -> child.agent(args(dir, "packages=app,modules=" + modules(dir)))
                                .classpath(app).mainClass("app.Main"),
                        SWAPPABLE_MAIN.formatted("packages=app")),
                new Setup("main in packages, class path",
                        (child, dir) -> child.agent(args(dir, "packages=app")).classpath(app).mainClass("app.Main"),
                        SWAPPABLE_MAIN.formatted("packages=app")),
                new Setup("main in packages, -jar",
                        (child, dir) -> child.agent(args(dir, "packages=app,modules=" + modules(dir))).jar(app),
                        SWAPPABLE_MAIN.formatted("packages=app")),
                new Setup("main in the packages found in the modules jars",
                        (child, dir) -> child.agent(args(dir, "modules=" + modules(dir, helper)))
                                .classpath(app).mainClass("app.Main"),
                        SWAPPABLE_MAIN.formatted("packages found in the modules jars: app")),
                new Setup("the application's own system class loader",
                        (child, dir) -> child.agent(args(dir, "packages=app.work,modules=" + modules(dir)))
                                .jvmOptions("-Djava.system.class.loader=loader.AppLoader")
                                .classpath(app, loader).mainClass("app.Main"),
                        OWN_LOADER),
                new Setup("a Spring Boot executable jar whose Start-Class is swappable",
                        (child, dir) -> child.agent(args(dir, "packages=app,modules=" + modules(dir)))
                                .jar(bootJar),
                        SWAPPABLE_MAIN.formatted("packages=app")));
        return Jdks.all().stream().flatMap(jdk -> setups.stream().map(s -> arguments(jdk, s)));
    }

    @BeforeAll
    static void buildJars() throws IOException {
        Path shared = WorkDirs.forClass(UnsupportedSetupIT.class);
        JarBuilder shell = new JarBuilder()
                .source("app.Main", "package app;\n"
                        + "public class Main {\n"
                        + "    public static void main(String[] args) {\n"
                        + "        System.out.println(\"" + MAIN_RAN + " \" + new app.work.Work().value());\n"
                        + "    }\n"
                        + "}\n")
                .source("app.work.Work", "package app.work; public class Work { public int value() { return 1; } }")
                .mainClass("app.Main");
        app = shell.build(shared.resolve("app.jar"));
        // Laid out as Spring Boot's plugin lays out an executable jar (the launcher need not be there:
        // the agent stops the JVM before the launcher loads it).
        bootJar = new JarBuilder().source("app.Main", "package app; public class Main {"
                        + " public static void main(String[] args) { System.out.println(\"" + MAIN_RAN + "\"); } }")
                .mainClass("org.springframework.boot.loader.launch.JarLauncher")
                .manifest("Start-Class", "app.Main")
                .build(shared.resolve("boot.jar"));
        helper = new JarBuilder().source("app.Helper", "package app; public class Helper {}")
                .build(shared.resolve("helper.jar"));
        work = new JarBuilder()
                .source("app.work.Work", "package app.work; public class Work { public int value() { return 2; } }")
                .build(shared.resolve("work.jar"));
        // A system class loader as the JDK asks for one that works with agents: it can take the agent jar.
        loader = new JarBuilder()
                .source("loader.AppLoader", "package loader;\n"
                        + "public class AppLoader extends java.net.URLClassLoader {\n"
                        + "    public AppLoader(ClassLoader parent) { super(new java.net.URL[0], parent); }\n"
                        + "    void appendToClassPathForInstrumentation(String path) throws Exception {\n"
                        + "        addURL(java.nio.file.Path.of(path).toUri().toURL());\n"
                        + "    }\n"
                        + "}\n")
                .build(shared.resolve("loader.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("setups")
    void stopsBeforeMainWithOneLine(Jdk jdk, Setup setup, TestInfo info) throws IOException {
        Path dir = WorkDirs.forTest(info);
        ChildJvm.Result r = setup.start().apply(ChildJvm.on(jdk), dir).outputIn(dir).name("setup").run();
        List<String> lines = r.stderrLines().stream()
                .filter(l -> !l.isBlank() && !l.contains(JVM_CDS_WARNING)).toList();
        assertAll(r.describe(),
                () -> assertEquals(1, r.exitCode(), "exit code"),
                () -> assertFalse(r.stdout().contains(MAIN_RAN), "main must not run"),
                () -> assertEquals(List.of(setup.line()), lines, "exactly this one line on stderr"));
    }

    /**
     * A JVM that writes a class-data archive or AOT cache as it exits stops before main too: JDK 25 crashes in that
     * dump once the agent has rewritten {@code java.lang.Thread} (its two-step training run, {@code -XX:AOTMode=record},
     * here; {@code -XX:AOTCacheOutput} is the same run), and JDK 17 dumps with an agent only under a flag for testing,
     * given here so that the agent, not the JVM, is what refuses. The JVM's own warning about that flag is its own.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aJvmThatWritesAnArchiveAtItsExitStopsBeforeMainWithOneLine(Jdk jdk, TestInfo info) throws IOException {
        Path dir = WorkDirs.forTest(info);
        String[] dump = jdk.version().feature() >= 25
                ? new String[] {"-XX:AOTMode=record", "-XX:AOTConfiguration=" + dir.resolve("app.aotconf")}
                : new String[] {"-XX:+UnlockDiagnosticVMOptions", "-XX:+AllowArchivingWithJavaAgent",
                    "-XX:ArchiveClassesAtExit=" + dir.resolve("app.jsa")};
        ChildJvm.Result r = ChildJvm.on(jdk).agent(args(dir, "packages=app.work,modules=" + modules(dir)))
                .jvmOptions(dump).classpath(app).mainClass("app.Main").outputIn(dir).name("dump").run();
        List<String> lines = r.stderrLines().stream()
                .filter(l -> !l.isBlank() && !l.contains("AllowArchivingWithJavaAgent")).toList();
        assertAll(r.describe(),
                () -> assertEquals(1, r.exitCode(), "exit code"),
                () -> assertFalse(r.stdout().contains(MAIN_RAN), "main must not run"),
                () -> assertEquals(List.of(ARCHIVE_DUMP), lines, "exactly this one line on stderr"));
    }

    private static String args(Path dir, String args) {
        return args + ",store=" + dir.resolve("store");
    }

    /** A modules directory holding the swappable {@code app.work} jar. */
    private static Path modules(Path dir) {
        return modules(dir, work);
    }

    private static Path modules(Path dir, Path jar) {
        try {
            Path modules = Files.createDirectories(dir.resolve("modules"));
            Files.copy(jar, modules.resolve(jar.getFileName()));
            return modules;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
