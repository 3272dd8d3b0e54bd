package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * Every way shell code can touch swappable code (docs/BOUNDARY.md), each construct asserted under two
 * bindings: the child program runs each construct on main before a swap (generation 1), on main
 * after it (unbound, so generation 2), and in a thread started before the swap (bound to
 * generation 1). One child run per JDK serves all the constructs; each test reads its lines.
 * Generation 2 reorders the enum's constants and adds one.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BoundaryIT {
    private static final String APP = "apps/boundary/";
    private static final String[] MODULE = {"Api", "Base", "Shape", "Widget", "Oops", "Other", "Thrower", "Color",
            "Svc", "SvcImpl", "WidgetVisitor", "Sub", "Res", "Fn", "StrFn", "Failable", "Marked", "Parts"};
    private static final String[] SHELL = {"App", "Names", "Board", "Plugin", "Named", "Visitor", "BadExt", "Adapt",
            "BadLambda", "ContextEnd"};
    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();
    private static Path shellJar;
    private static Path versions;
    private static Path shared;

    /** The observations of one child run: who:construct → value. */
    record Run(ChildJvm.Result result, Map<String, String> seen) {
        String get(String who, String construct) {
            return seen.get(who + ":" + construct);
        }
    }

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(BoundaryIT.class);
        shared = dir;
        versions = Files.createDirectories(dir.resolve("versions"));
        JarBuilder shell = new JarBuilder();
        for (String name : SHELL) {
            shell.source("bnd." + name, read("shell/bnd/" + name + ".java"));
        }
        module(shell, 1);
        shellJar = shell.build(dir.resolve("shell.jar"));
        for (int version : new int[] {1, 2}) {
            module(new JarBuilder().classpath(shellJar), version)
                    .resource("META-INF/services/bnd.mod.Svc", "bnd.mod.SvcImpl\n")
                    .build(versions.resolve("bnd-" + version + ".jar"));
        }
    }

    private static JarBuilder module(JarBuilder jar, int version) throws IOException {
        for (String name : MODULE) {
            jar.source("bnd.mod." + name, read("module/bnd/mod/" + name + ".java")
                    .replace("VERSION", "" + version)
                    .replace("COLORS", version == 1 ? "RED, GREEN, BLUE" : "BLUE, GREEN, RED, PURPLE"));
        }
        return jar;
    }

    private static Run run(Jdk jdk) throws IOException {
        return run(jdk, "App");
    }

    /** The child run of shell class {@code main} on {@code jdk}, once. */
    private static synchronized Run run(Jdk jdk, String main) throws IOException {
        String key = jdk + " " + main;
        Run cached = RUNS.get(key);
        if (cached != null) {
            return cached;
        }
        Path work =  shared.resolve("run-" + main + "-" + jdk.major());
        Files.createDirectories(work);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(versions.resolve("bnd-1.jar"), modules.resolve("bnd.jar"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ChildJvm.Result r = ChildJvm.on(jdk).fullJit()
                .agent("packages=bnd.mod,modules=" + modules + ",store=" + work.resolve("store"))
                .classpath(shellJar)
                .mainClass("bnd." + main)
                .args(versions, modules)
                .timeout(Duration.ofSeconds(90))
                .outputIn(work)
                .run();
        Map<String, String> seen = new HashMap<>();
        for (String line : r.stdoutLines()) {
            int space = line.indexOf(' ');
            if (line.contains(":") && space > 0) {
                seen.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        Run run = new Run(r, seen);
        RUNS.put(key, run);
        return run;
    }

    /** Asserts a construct's value before the swap, on unbound main after it, and in the bound task. */
    private static void assertConstruct(Jdk jdk, String construct, String before, String main, String task)
            throws IOException {
        Run run = run(jdk);
        assertAll(run.result().describe(),
                () -> assertEquals(0, run.result().exitCode()),
                () -> assertEquals("", run.get("done", "")),
                () -> assertEquals(before, run.get("before", construct), "generation 1, before the swap"),
                () -> assertEquals(main, run.get("main", construct), "unbound main after the swap: generation 2"),
                () -> assertEquals(task, run.get("task", construct), "a task bound to generation 1"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void staticMethodsFieldsAndConstructors(Jdk jdk) throws IOException {
        // overloads, a static inherited from a swappable superclass, field read and write (+=), both constructors
        assertConstruct(jdk, "static",
                "1 int-1 str-1 base-1 110 gen-1! 3 1007",
                "2 int-2 str-2 base-2 210 gen-2! 3 2007",
                "1 int-1 str-1 base-1 120 gen-1!! 3 1007");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void instanceMethodsAndFieldsRunTheObjectsOwnGeneration(Jdk jdk) throws IOException {
        // virtual, interface, inherited method; field write and read; an object of generation 1 used after the swap
        assertConstruct(jdk, "instance",
                "9 91 hello-1 9 early=widget-1",
                "9 92 hello-2 9 early=widget-1",
                "9 91 hello-1 9 early=widget-1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void classLiteralsCheckcastAndInstanceof(Jdk jdk) throws IOException {
        assertConstruct(jdk, "types",
                "modulets-gen-1 true true false true true",
                "modulets-gen-2 true true false true true",
                "modulets-gen-1 true true false true true");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void arraysKeepTheElementTypeSwappableCodeExpects(Jdk jdk) throws IOException {
        // Api.sum(Widget[]) and sum(Widget[][]) accept shell-made arrays only if their element type is right
        assertConstruct(jdk, "arrays",
                "11 7 11 2x3 true true true 6 modulets-gen-1",
                "11 7 11 2x3 true true true 6 modulets-gen-2",
                "11 7 11 2x3 true true true 6 modulets-gen-1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void lambdasAndMethodReferences(Jdk jdk) throws IOException {
        // Api::version, Widget::new, Widget::value, w::area, a lambda calling a static
        assertConstruct(jdk, "lambdas", "1 9 8 81 int-1", "2 9 8 82 int-2", "1 9 8 81 int-1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void lambdasAndReferencesOfSwappableFunctionalInterfaces(Jdk jdk) throws IOException {
        // () -> "hi", capturing, Thread::currentThread as a Failable, Parts::name, p::joined, a default method,
        // a bridged interface (StrFn), one called from shell code, one made by a static initializer in generation 1
        assertConstruct(jdk, "functional",
                "1:hi 1:cap 1:true 1:name1 1:1:1x 1:dd 1:b ownownown init",
                "2:hi 2:cap 2:true 2:name2 2:2:1x 2:dd 2:b ownownown init",
                "1:hi 1:cap 1:true 1:name1 1:1:1x 1:dd 1:b ownownown init");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void varargsStaticsInstanceMethodsAndConstructors(Jdk jdk) throws IOException {
        // count(String...) with two and no arguments, any(CharSequence, char...), new Parts(String...), sum(int...)
        assertConstruct(jdk, "varargs", "21 1 true 1:2ab 106 1:0", "22 2 true 2:2ab 206 2:0",
                "21 1 true 1:2ab 106 1:0");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void boxingNullBridgesCovariantReturnsAndInheritedInterfaceFields(Jdk jdk) throws IOException {
        // boxed(Integer, long, Object) with boxing, widening and nulls; a null swappable argument; compareTo
        // directly and through Comparable's generic bridge; self() covariant and through Base; Parts.MARK
        assertConstruct(jdk, "adapt",
                "178null 1null991.5 none-1 -1 -1 1:1a 1:1a mark-1",
                "278null 2null991.5 none-2 -1 -1 2:1a 2:1a mark-2",
                "178null 1null991.5 none-1 -1 -1 1:1a 1:1a mark-1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void stringConcatenationAndRecordsOverSwappableValues(Jdk jdk) throws IOException {
        // StringConcatFactory with a swappable operand; ObjectMethods (toString, equals, hashCode) of a shell record
        // with a swappable component, and its accessor
        assertConstruct(jdk, "indys",
                "concat=P1:1r/100 Pair[parts=P1:1r, n=3] true true 1:1r",
                "concat=P2:1r/200 Pair[parts=P2:1r, n=3] true true 2:1r",
                "concat=P1:1r/100 Pair[parts=P1:1r, n=3] true true 1:1r");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void shellStackFramesPrintAsWithoutTheAgent(Jdk jdk) throws IOException {
        // no class loader name before the class (found by docs/CONFORMANCE.md: Guice's messages print frames)
        assertConstruct(jdk, "frames", "shell-frame=plain", "shell-frame=plain", "shell-frame=plain");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aSerializableLambdaOfASwappableInterfaceIsRefusedWithTheReason(Jdk jdk) throws IOException {
        Run run = run(jdk);
        String message = run.get("main", "refusedLambda");
        String expected = "modulets: refused shell class bnd.BadLambda: bnd.BadLambda.hi: a serializable lambda or "
                + "method reference of bnd.mod.Fn";
        assertAll(run.result().describe(),
                () -> assertTrue(message.startsWith(expected), message),
                () -> assertTrue(run.result().stderr().contains(expected), "logged when the class is loaded"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void catchOfSwappableExceptions(Jdk jdk) throws IOException {
        // catch (Oops) catches; an Other (same erasure) skips it to a sibling catch, to finally and an outer
        // try; generation 1's Oops thrown by an old object is still caught after the swap
        assertConstruct(jdk, "catch",
                "oops-1 sibling-Other-1 finally-outer-1 old-1",
                "oops-2 sibling-Other-2 finally-outer-2 old-1",
                "oops-1 sibling-Other-1 finally-outer-1 old-1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void erasedShellMembersFromShellAndSwappableCode(Jdk jdk) throws IOException {
        // shell fields, parameters and returns of swappable types; swappable code calling and reading them;
        // a swappable class overriding a shell method whose parameter is swappable
        assertConstruct(jdk, "erased",
                "11 111 24 visited-1-13 1",
                "11 112 24 visited-2-13 1",
                "11 111 24 visited-1-13 1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void enumSwitchGoesByName(Jdk jdk) throws IOException {
        // generation 2 is BLUE, GREEN, RED, PURPLE: ordinals moved, PURPLE goes to default
        assertConstruct(jdk, "enum", "rgb", "bgr?", "rgb");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void loadingByNameResolvesInTheBinding(Jdk jdk) throws IOException {
        // Class.forName (1 and 3 args), system loader, context loader, an array name, ServiceLoader,
        // Lookup findClass/findStatic/findConstructor/findVirtual, reflection, and Class.forName in a shell class
        // that names no swappable class
        assertConstruct(jdk, "byname",
                "1 1 1 1 modulets-gen-1 svc-1 1 21 1 1",
                "2 2 2 2 modulets-gen-2 svc-2 2 21 2 2",
                "1 1 1 1 modulets-gen-1 svc-1 1 21 1 1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void swappableSubclassesOfShellTypes(Jdk jdk) throws IOException {
        // extends a shell class (calling its protected method), implements a shell interface
        assertConstruct(jdk, "subclass", "plugin-1 sub-1 plugin-1", "plugin-2 sub-2 plugin-2",
                "plugin-1 sub-1 plugin-1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void tryWithResourcesAndInterfaceStaticAndDefaultMethods(Jdk jdk) throws IOException {
        assertConstruct(jdk, "more", "res-1-closed1 shape-1 area-21", "res-2-closed1 shape-2 area-22",
                "res-1-closed2 shape-1 area-21");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aContextClassLoaderOfAnotherGenerationDoesNotChangeTheBinding(Jdk jdk) throws IOException {
        // the task bound to generation 1 sets generation 2's loader, unbound main generation 1's
        assertConstruct(jdk, "context", "1 1", "2 2", "1 1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aSiteLinkedBeforeTheContextPathEndedFollowsTheBindingNotTheContext(Jdk jdk) throws IOException {
        // linked while generation 1 alone was live; called by a task of generation 2 whose context is generation
        // 1's loader, after a thread given a loader not its binding's ended the context path
        Run run = run(jdk, "ContextEnd");
        assertAll(run.result().describe(),
                () -> assertEquals(0, run.result().exitCode()),
                () -> assertEquals("", run.get("done", "")),
                () -> assertEquals("1", run.get("main", "first")),
                () -> assertEquals("2", run.get("task", "afterEnd"), "the binding's generation, not the context's"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aClassCastAcrossGenerationsNamesBoth(Jdk jdk) throws IOException {
        Run run = run(jdk);
        String message = run.get("main", "cross");
        assertAll(run.result().describe(),
                () -> assertTrue(message.contains("bnd.mod.Widget") && message.contains("generation 1")
                        && message.contains("generation 2"), message));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aShellClassExtendingSwappableCodeIsRefusedWithTheReason(Jdk jdk) throws IOException {
        Run run = run(jdk);
        String message = run.get("main", "refused");
        String expected = "modulets: refused shell class bnd.BadExt: bnd.BadExt: extends the swappable class bnd.mod.Base";
        assertAll(run.result().describe(),
                () -> assertTrue(message.startsWith(expected), message),
                () -> assertTrue(run.result().stderr().contains(expected), "logged when the class is loaded"));
    }

    private static String read(String resource) throws IOException {
        return AppSources.read(APP + resource);
    }
}
