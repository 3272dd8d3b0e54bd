package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The binding rules of DESIGN §2.1 and §2.5 at Thread.start and ThreadPoolExecutor
 * execute/submit, observed from outside: root tasks, child tasks submitted after a swap, tasks
 * whose own class is swappable, pool workers between tasks, and the context class loader, also
 * after a task that threw. Generation 1 returns 1000, generation 2 returns 1001.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CaptureIT {
    private static final String APP = "apps/capture/";
    private static Path shellJar;
    private static Path versions;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(CaptureIT.class);
        versions = Files.createDirectories(dir.resolve("versions"));
        JarBuilder shell = new JarBuilder()
                .source("capture.App", read("shell/capture/App.java"))
                .source("capture.Probe", read("shell/capture/Probe.java"));
        module(shell, 1000);
        shellJar = shell.build(dir.resolve("shell.jar"));
        for (int magic : new int[] {1000, 1001}) {
            module(new JarBuilder().classpath(shellJar), magic).build(versions.resolve("magic-" + magic + ".jar"));
        }
    }

    private static JarBuilder module(JarBuilder jar, int magic) throws IOException {
        return jar.source("capture.mod.Magic", read("module/capture/mod/Magic.java").replace("MAGIC", "" + magic))
                .source("capture.mod.OwnTask", read("module/capture/mod/OwnTask.java"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void tasksKeepTheBindingTheyCapturedAtSubmission(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = magicModules(work);
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent(agentArguments(work, modules))
                .classpath(shellJar)
                .mainClass("capture.App")
                .args(versions, modules)
                .timeout(Duration.ofSeconds(90))
                .outputIn(work)
                .run();
        Map<String, List<String>> seen = r.stdoutLines().stream().filter(l -> l.contains(" "))
                .collect(Collectors.groupingBy(l -> l.substring(0, l.indexOf(' ')),
                        Collectors.mapping(l -> l.substring(l.indexOf(' ') + 1), Collectors.toList())));
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertEquals(List.of("threw"), seen.get("failing-task")),
                () -> assertEquals(List.of("1000"), seen.get("child-thread"),
                        "a thread started after the swap by a task bound to generation 1 inherits its binding"),
                () -> assertEquals(List.of("1000"), seen.get("child-pool"),
                        "a pool task submitted after the swap by a task bound to generation 1 inherits its binding"),
                () -> assertEquals(List.of("true"), seen.get("parent-context-is-its-generation"),
                        "a running task's context class loader is its generation's loader"),
                () -> assertEquals(List.of("1000 own=1000"), seen.get("own-class-pool"),
                        "a task whose class is from generation 1 runs bound to it, though submitted after the swap"),
                () -> assertEquals(List.of("1000 own=1000"), seen.get("own-class-thread"),
                        "the same through Thread.start"),
                () -> assertEquals(List.of("1001 context-is-its-generation=true"), seen.get("root-after-swap"),
                        "a root task submitted after the swap runs the new generation"),
                () -> assertEquals(List.of("1001"), seen.get("main"), "unbound code sees the current generation"),
                () -> assertTrue(seen.get("between-tasks").stream().allMatch(v -> v.endsWith("system-context=true")),
                        "between tasks a worker is unbound and its context class loader is restored, also after "
                                + "a task that threw: " + seen.get("between-tasks")),
                () -> assertTrue(seen.get("between-tasks").stream().skip(2).allMatch(v -> v.startsWith("1001 ")),
                        "after the swap, a worker between tasks sees the current generation: " + seen.get("between-tasks")),
                () -> assertEquals(List.of(""), seen.get("done")));
    }

    /**
     * The JDK's task classes load after the capture transformer is installed, on every JDK, and so keep
     * their capture in a field of their own rather than in the table of the map path. On JDK 25 the
     * first thread that waits on a Condition loads ForkJoinTask (docs/JVM-NOTES.md): the agent's own
     * threads used to do it before the transformer was in place. The application's lambdas of Runnable and
     * Callable and its own task classes take one too (for ThreadPoolExecutor.execute), no other lambda or class.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void theJdkTaskClassesKeepTheirCaptureInAFieldOfTheirOwn(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = magicModules(work);
        Path hello = new JarBuilder().classpath(shellJar)
                .source("capture.Hello", "package capture; public class Hello { public static void main(String[] a) "
                        + "{ System.out.println(\"magic \" + capture.mod.Magic.magic());"
                        + " int n = a.length; Runnable lambda = () -> System.out.print(n);"
                        + " java.util.concurrent.Callable<String> callable = () -> \"\";"
                        + " java.util.function.Supplier<String> supplier = () -> \"\";"
                        + " for (Object o : new Object[] {lambda, callable, supplier, new Job(), new Hello()}) {"
                        + " boolean field = java.util.Arrays.stream(o.getClass().getDeclaredFields())"
                        + ".anyMatch(f -> f.getName().equals(\"modulets$capture\"));"
                        + " System.out.println(o.getClass().getSimpleName().replaceAll(\"\\\\$\\\\$Lambda.*\", \"-lambda\")"
                        + " + \" \" + field); } }"
                        + " static class Job implements Runnable { public void run() { } } }")
                .build(work.resolve("hello.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent(agentArguments(work, modules) + ",log=debug")
                .classpath(hello)
                .mainClass("capture.Hello")
                .timeout(Duration.ofSeconds(60))
                .outputIn(work)
                .run();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertEquals(List.of("magic 1000", "Hello-lambda true", "Hello-lambda true",
                        "Hello-lambda false", "Job true", "Hello false"), r.stdoutLines(),
                        "Runnable and Callable lambdas and task classes have the field, a Supplier and Hello not"),
                () -> assertTrue(r.stderr().contains(
                        "the capture in a field of the task: FutureTask true, ForkJoinTask true, "
                                + "CompletableFuture stages true"), "the startup log names the classes with a field"));
    }

    /**
     * Tasks waiting in a ThreadPoolExecutor's queue keep their capture in their own field, where the weak table no
     * longer sees them: the generation's pin report (its MBean's {@code Pins}) still names them by class, read from the
     * queues of the pools made after premain. The queued lambda and task class then run on the binding they captured.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void thePinReportNamesTheTasksQueuedInAPool(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = magicModules(work);
        Path app = new JarBuilder().classpath(shellJar)
                .source("capture.Queued", "package capture; import java.util.concurrent.*; public class Queued {"
                        + " public static void main(String[] a) throws Exception {"
                        + " ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,"
                        + " new LinkedBlockingQueue<>()); CountDownLatch release = new CountDownLatch(1);"
                        + " pool.execute(() -> { try { release.await(30, TimeUnit.SECONDS); }"
                        + " catch (InterruptedException e) { } });"
                        + " int n = a.length; pool.execute(() -> System.out.println(\"lambda \" + (capture.mod.Magic.magic() + n)));"
                        + " pool.execute(new Job());"
                        + " javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();"
                        + " javax.management.ObjectName g1 = new javax.management.ObjectName(\"io.modulets:type=Generation,id=1\");"
                        + " long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);"
                        + " while (!server.isRegistered(g1) && System.nanoTime() < deadline) { Thread.sleep(10); }"
                        + " for (String pin : (String[]) server.getAttribute(g1, \"Pins\")) {"
                        + " if (pin.startsWith(\"queued\")) { System.out.println(pin.replaceAll(\"[$][$]Lambda.*\", \"-lambda\")); } }"
                        + " release.countDown(); pool.shutdown(); pool.awaitTermination(30, TimeUnit.SECONDS); }"
                        + " static class Job implements Runnable { public void run() {"
                        + " System.out.println(\"job \" + capture.mod.Magic.magic()); } } }")
                .build(work.resolve("queued.jar"));
        ChildJvm.Result r = ChildJvm.on(jdk)
                .agent(agentArguments(work, modules))
                .classpath(app)
                .mainClass("capture.Queued")
                .timeout(Duration.ofSeconds(90))
                .outputIn(work)
                .run();
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertEquals(List.of("queued task: 1 capture.Queued-lambda", "queued task: 1 capture.Queued$Job",
                        "lambda 1000", "job 1000"), r.stdoutLines(), "named by class while queued (in the order of"
                        + " their names), then run bound"));
    }

    /**
     * Capture makes a family's rules when one of its targets first loads, not in premain (docs/PERFORMANCE.md,
     * start-up): in a JVM that uses a Timer and no pool, the timer's rules load, with the task bound, and no other
     * family's. Read from {@code -Xlog:class+load}: each family's rule class loaded exactly when one of its targets
     * did.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aFamilysRulesLoadWithItsFirstTarget(Jdk jdk, TestInfo info) throws IOException {
        Path work = WorkDirs.forTest(info);
        Path modules = magicModules(work);
        Path timed = new JarBuilder().classpath(shellJar)
                .source("capture.Timed", "package capture; import java.util.concurrent.*; public class Timed {"
                        + " public static void main(String[] a) throws Exception {"
                        + " CountDownLatch done = new CountDownLatch(1);"
                        + " new java.util.Timer(true).schedule(new java.util.TimerTask() { public void run() {"
                        + " System.out.println(\"timer \" + capture.mod.Magic.magic()); done.countDown(); } }, 1);"
                        + " if (!done.await(30, TimeUnit.SECONDS)) { System.out.println(\"timer never ran\"); } } }")
                .build(work.resolve("timed.jar"));
        Path log = work.resolve("class-load.txt");
        ChildJvm.Result r = ChildJvm.on(jdk)
                .jvmOptions("-Xlog:class+load:file=" + log)
                .agent(agentArguments(work, modules))
                .classpath(timed)
                .mainClass("capture.Timed")
                .timeout(Duration.ofSeconds(60))
                .outputIn(work)
                .run();
        List<String> loaded = Files.readAllLines(log).stream().filter(l -> l.contains(" source: "))
                .map(l -> l.substring(l.indexOf("] ") + 2, l.indexOf(" source: "))).toList();
        Map<String, List<String>> families = new java.util.HashMap<>(Map.of(
                "ThreadPoolRules", List.of("java.util.concurrent.ThreadPoolExecutor",
                        "java.util.concurrent.ThreadPoolExecutor$DiscardOldestPolicy"),
                "ScheduledPoolRules", List.of("java.util.concurrent.ScheduledThreadPoolExecutor"),
                "FutureTaskRules", List.of("java.util.concurrent.FutureTask"),
                "ForkJoinRules", List.of("java.util.concurrent.ForkJoinTask",
                        "java.util.concurrent.ForkJoinTask$InterruptibleTask", "java.util.concurrent.ForkJoinPool"),
                "TimerRules", List.of("java.util.Timer", "java.util.TimerThread", "java.util.TimerTask"),
                "CompletableFutureRules", List.of("java.util.concurrent.CompletableFuture",
                        "java.util.concurrent.CompletableFuture$CoCompletion",
                        "java.util.concurrent.CompletableFuture$UniCompletion",
                        "java.util.concurrent.CompletableFuture$Completion"),
                // the application's rules: none of their classes is in this JVM
                "CustomExecutorTransformlet", List.of(), "NettyTimerRule", List.of(), "CoroutineRules", List.of(),
                "ApplicationLoaderTransformlet", List.of()));
        // loaded before premain on every JDK: its rule loads there, for the retransformation
        families.put("LambdaClassRule", List.of("java.lang.invoke.InnerClassLambdaMetafactory"));
        Map<String, Boolean> expected = new java.util.TreeMap<>();
        Map<String, Boolean> actual = new java.util.TreeMap<>();
        families.forEach((rules, targets) -> {
            expected.put(rules, targets.stream().anyMatch(loaded::contains));
            actual.put(rules, loaded.contains("io.modulets.capture." + rules));
        });
        assertAll(r.describe(),
                () -> assertEquals(0, r.exitCode()),
                () -> assertEquals(List.of("timer 1000"), r.stdoutLines()),
                () -> assertEquals(true, actual.get("TimerRules"), "the timer's rules load with it"),
                () -> assertEquals(expected, actual, "each family's rules loaded iff one of its targets did"));
    }

    /** A modules directory of {@code work} holding version 1000 of the swappable {@code capture.mod.Magic}. */
    private static Path magicModules(Path work) throws IOException {
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(versions.resolve("magic-1000.jar"), modules.resolve("magic.jar"));
        return modules;
    }

    private static String agentArguments(Path work, Path modules) {
        return "packages=capture.mod,modules=" + modules + ",store=" + work.resolve("store");
    }

    private static String read(String resource) throws IOException {
        return AppSources.read(APP + resource);
    }
}
