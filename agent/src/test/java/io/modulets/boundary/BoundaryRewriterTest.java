package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.LoaderHooks;
import io.modulets.bootstrap.TestSeams;
import io.modulets.config.PackageFilter;
import io.modulets.loader.GenerationClassLoader;
import io.modulets.testing.Compiler;

/**
 * The rewriter end to end, in one JVM: a shell class compiled against version 1 of a swappable
 * package is rewritten and run under two generations, switching the current one between calls.
 */
class BoundaryRewriterTest {
    private static final String W_V1 = "package sw; public class W {"
            + " public static int S = 100; public int f;"
            + " public W(int f) { this.f = f; }"
            + " public W(String s) { this.f = s.length(); }"
            + " public static int magic() { return 1; }"
            + " public static W make(int f) { return new W(f); }"
            + " public int get() { return f; } }";
    private static final String W_V2 = W_V1.replace("return 1;", "return 2;").replace("return f;", "return f * 2;")
            .replace("S = 100", "S = 200");
    private static final String FAIL = "package sw; public class Fail extends RuntimeException {"
            + " public Fail(String m) { super(m); } }";
    private static final String USER = "package shell; import sw.W;"
            + " public class User {"
            + "  static W kept;"
            + "  public static int magic() { return W.magic(); }"
            + "  public static Object make(int f) { return new W(f); }"
            + "  public static Object makeUnused() { new W(\"abc\"); return null; }"
            + "  public static Object viaFactory(int f) { W w = W.make(f); kept = w; return w; }"
            + "  public static int get(Object w) { return ((W) w).get(); }"
            + "  public static int field(Object w) { return ((W) w).f; }"
            + "  public static void setField(Object w, int v) { ((W) w).f = v; }"
            + "  public static int staticField() { return W.S; }"
            + "  public static boolean isW(Object o) { return o instanceof W; }"
            + "  public static Class<?> literal() { return W.class; }"
            + "  public static Object[] array(int n) { return new W[n]; }"
            + "  public static int nested(boolean b) { return new W(b ? new W(3).get() : 4).get(); }"
            + "  public static RuntimeException fail() { return new sw.Fail(\"x\"); }"
            + "  public static int viaOtherShellClass(int f) { return Helper.twice(Helper.make(f)); }"
            + "}";
    /** A second shell class whose own descriptors name W: erased the same way as its callers'. */
    private static final String HELPER = "package shell; import sw.W;"
            + " public class Helper {"
            + "  static W last;"
            + "  static W make(int f) { last = new W(f); return last; }"
            + "  static int twice(W w) { return w.get() * 2; }"
            + "}";

    @TempDir
    Path temp;
    private final PackageFilter filter = PackageFilter.of(List.of("sw"), List.of());
    private GenerationClassLoader g1;
    private GenerationClassLoader g2;
    private Class<?> user;
    private ClassLoader savedCurrent;

    @BeforeEach
    void twoGenerationsAndARewrittenShellClass() throws Exception {
        savedCurrent = Bindings.current();
        Path v1 = Compiler.compile(temp.resolve("v1"), Map.of("sw.W", W_V1, "sw.Fail", FAIL));
        Path v2 = Compiler.compile(temp.resolve("v2"), Map.of("sw.W", W_V2, "sw.Fail", FAIL));
        Path shell = Compiler.compile(temp.resolve("shell"), Map.of("shell.User", USER, "shell.Helper", HELPER), v1);
        Erasure erasure = new Erasure(filter, Bindings::current);
        RewritingLoader shellLoader = new RewritingLoader(shell, filter, erasure);
        g1 = new GenerationClassLoader("g1", new URL[] {v1.toUri().toURL()}, shellLoader, filter, "g1");
        g2 = new GenerationClassLoader("g2", new URL[] {v2.toUri().toURL()}, shellLoader, filter, "g2");
        TestSeams.setCurrent(g1);
        user = shellLoader.loadClass("shell.User");
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
    }

    private Object call(String name, Object... args) throws Throwable {
        for (Method m : user.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                try {
                    return m.invoke(null, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(name);
    }

    @Test
    void staticCallsResolveInTheCurrentGenerationAtEachCall() throws Throwable {
        assertEquals(1, call("magic"));
        TestSeams.setCurrent(g2);
        assertEquals(2, call("magic"));
        TestSeams.setCurrent(g1);
        assertEquals(1, call("magic"));
    }

    @Test
    void objectsKeepTheCodeOfTheGenerationThatMadeThem() throws Throwable {
        Object old = call("make", 5);
        assertSame(g1, old.getClass().getClassLoader());
        TestSeams.setCurrent(g2);
        Object young = call("make", 5);
        assertSame(g2, young.getClass().getClassLoader());
        assertEquals(5, call("get", old), "instance call on a generation-1 object runs generation-1 code");
        assertEquals(10, call("get", young));
        assertEquals(14, call("get", call("viaFactory", 7)), "made by generation 2's factory, run by its code");
    }

    @Test
    void fieldsStaticFieldsAndConstructorsWithoutDup() throws Throwable {
        Object w = call("make", 5);
        assertEquals(5, call("field", w));
        call("setField", w, 9);
        assertEquals(9, call("field", w));
        assertEquals(100, call("staticField"));
        TestSeams.setCurrent(g2);
        assertEquals(200, call("staticField"));
        assertEquals(null, call("makeUnused"));
        assertEquals(12, call("nested", true), "generation 2: new W(new W(3).get() = 6).get() = 12");
        assertEquals(8, call("nested", false), "generation 2: new W(4).get() = 8");
    }

    @Test
    void typeOperationsJudgeTheValueOrTheBinding() throws Throwable {
        Object old = call("make", 1);
        assertTrue((Boolean) call("isW", old));
        assertFalse((Boolean) call("isW", "a string"));
        assertFalse((Boolean) call("isW", (Object) null));
        assertSame(g1, ((Class<?>) call("literal")).getClassLoader());
        TestSeams.setCurrent(g2);
        assertSame(g2, ((Class<?>) call("literal")).getClassLoader());
        assertTrue((Boolean) call("isW", old), "an old object is a W of its own generation");
        Object[] array = (Object[]) call("array", 3);
        assertSame(g2, array.getClass().getComponentType().getClassLoader());
        assertThrows(ClassCastException.class, () -> call("get", "not a W"));
    }

    @Test
    void aSwappableExceptionErasesToItsSharedSuperclass() throws Throwable {
        Object failure = call("fail");
        assertTrue(failure instanceof RuntimeException);
        assertSame(g1, failure.getClass().getClassLoader());
        Method fail = user.getMethod("fail");
        assertSame(RuntimeException.class, fail.getReturnType());
    }

    @Test
    void shellToShellCallsWithSwappableTypesInTheirDescriptorsLink() throws Throwable {
        assertEquals(10, call("viaOtherShellClass", 5));
        TestSeams.setCurrent(g2);
        assertEquals(20, call("viaOtherShellClass", 5), "generation 2's get() doubles");
        Method make = user.getClassLoader().loadClass("shell.Helper").getDeclaredMethod("make", int.class);
        assertSame(Object.class, make.getReturnType(), "W erased to Object in the shell's own descriptor");
    }

    @Test
    void theRewrittenClassNamesNoSwappableClass() throws IOException {
        byte[] rewritten = Files.readAllBytes(temp.resolve("shell").resolve("shell/User.class"));
        byte[] out = new BoundaryTransformer(filter, new Erasure(filter, () -> g1), null)
                .rewrite(null, "shell/User", rewritten);
        // Only the bootstrap arguments (plain strings) may still spell the owner.
        List<String> named = new java.util.ArrayList<>();
        new ClassReader(out).accept(new NameCollector(named), 0);
        assertTrue(named.stream().noneMatch(n -> n.contains("sw/")), () -> "names a swappable class: " + named);
        assertTrue(named.stream().anyMatch(n -> n.contains("io/modulets/boundary/Boundary")));
    }

    /**
     * A class that may load classes by name is rewritten where its loader reaches the agent's classes through
     * the system loader (a plugin's URLClassLoader), and left alone where it does not (another agent's own
     * loader, parent the boot loader, as the OpenTelemetry Java agent's): rewritten, it could not link.
     */
    @Test
    void aLoaderThatDoesNotReachTheSystemLoaderDefinesNoShellClass() throws IOException {
        byte[] probe = Files.readAllBytes(Compiler.compile(temp.resolve("probe"), Map.of("other.Probe",
                "package other; public class Probe {"
                        + " public static Class<?> load(String n) throws Exception { return Class.forName(n); } }"))
                .resolve("other/Probe.class"));
        BoundaryTransformer transformer = new BoundaryTransformer(filter, new Erasure(filter, () -> g1), null);
        try (URLClassLoader plugin = new URLClassLoader(new URL[0], ClassLoader.getSystemClassLoader());
             URLClassLoader otherAgent = new URLClassLoader(new URL[0], null)) {
            assertNotNull(transformer.transform(null, plugin, "other/Probe", null, null, probe),
                    "a plugin's class that loads by name is rewritten");
            assertNull(transformer.transform(null, otherAgent, "other/Probe", null, null, probe),
                    "a class of a loader that cannot see the agent's classes is left as it is");
        }
    }

    /**
     * A class that loads by name only through calls not bound to their caller ({@code Class.forName} with a loader,
     * {@code ServiceLoader.load}) is patched in its constant pool, not rewritten by ASM: its calls become plain
     * static calls of {@code LoadByName}, no call site, and a swappable name still resolves in the binding's
     * generation.
     */
    @Test
    void callsNotBoundToTheirCallerBecomeStaticCallsOfTheRoutes() throws Throwable {
        byte[] finder = Files.readAllBytes(Compiler.compile(temp.resolve("finder"), Map.of("other.Finder",
                "package other; public class Finder {"
                        + " public static Class<?> find(String n) throws Exception {"
                        + "  return Class.forName(n, true, ClassLoader.getSystemClassLoader()); }"
                        + " public static Object services() {"
                        + "  return java.util.ServiceLoader.load(Runnable.class).findFirst().isPresent(); }"
                        + " public static Object servicesOf(ClassLoader l) {"
                        + "  return java.util.ServiceLoader.load(Runnable.class, l).findFirst().isPresent(); } }"))
                .resolve("other/Finder.class"));
        BoundaryTransformer transformer = new BoundaryTransformer(filter, new Erasure(filter, () -> g1), null);
        byte[] out;
        try (URLClassLoader plugin = new URLClassLoader(new URL[0], ClassLoader.getSystemClassLoader())) {
            out = transformer.transform(null, plugin, "other/Finder", null, null, finder);
        }
        assertNotNull(out);
        List<String> calls = new java.util.ArrayList<>();
        new ClassReader(out).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                        calls.add(opcode + " " + owner + "." + n + d);
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String n, String d, Handle bootstrap, Object... arguments) {
                        calls.add("indy " + n + d);
                    }
                };
            }
        }, 0);
        String byName = "io/modulets/bootstrap/LoadByName";
        assertTrue(calls.contains(Opcodes.INVOKESTATIC + " " + byName
                + ".forName(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;"), calls::toString);
        assertTrue(calls.contains(Opcodes.INVOKESTATIC + " " + byName
                + ".load(Ljava/lang/Class;)Ljava/util/ServiceLoader;"), calls::toString);
        assertTrue(calls.contains(Opcodes.INVOKESTATIC + " " + byName
                + ".load(Ljava/lang/Class;Ljava/lang/ClassLoader;)Ljava/util/ServiceLoader;"), calls::toString);
        assertTrue(calls.stream().noneMatch(c -> c.startsWith("indy") || c.contains("java/lang/Class.forName")
                || c.contains("java/util/ServiceLoader.load")), calls::toString);

        // defined (and so verified) beside the agent's classes, it runs: a swappable name from the binding
        Class<?> patched = new ClassLoader("plugin", getClass().getClassLoader()) {
            Class<?> define() {
                return defineClass("other.Finder", out, 0, out.length);
            }
        }.define();
        java.util.function.Predicate<String> savedNames = LoaderHooks.swappableName;
        LoaderHooks.swappableName = filter::isSwappable;
        try {
            Method find = patched.getMethod("find", String.class);
            assertSame(g1, ((Class<?>) find.invoke(null, "sw.W")).getClassLoader());
            assertSame(String.class, find.invoke(null, "java.lang.String"));
            assertEquals(false, patched.getMethod("services").invoke(null));
            assertEquals(false, patched.getMethod("servicesOf", ClassLoader.class).invoke(null, g1));
        } finally {
            LoaderHooks.swappableName = savedNames;
        }
    }

    /**
     * {@code Class.forName(String)} resolves in its caller's loader: where {@code ForNameOfCaller} is not defined
     * (here: the agent's premain did not run), such a class keeps its call sites. (With the agent, {@code
     * LoadingIT} and {@code BoundaryIT} run it patched.)
     */
    @Test
    void withoutForNameOfCallerAOneArgumentForNameKeepsItsCallSites() throws IOException {
        byte[] probe = Files.readAllBytes(Compiler.compile(temp.resolve("probe1"), Map.of("other.Probe",
                "package other; public class Probe {"
                        + " public static Class<?> load(String n) throws Exception { return Class.forName(n); }"
                        + " public static Class<?> load2(String n) throws Exception {"
                        + "  return Class.forName(n, true, null); } }"))
                .resolve("other/Probe.class"));
        assertNull(RoutedCalls.asStaticCalls(probe));
        BoundaryTransformer transformer = new BoundaryTransformer(filter, new Erasure(filter, () -> g1), null);
        try (URLClassLoader plugin = new URLClassLoader(new URL[0], ClassLoader.getSystemClassLoader())) {
            byte[] out = transformer.transform(null, plugin, "other/Probe", null, null, probe);
            assertNotNull(out);
            List<String> named = new java.util.ArrayList<>();
            new ClassReader(out).accept(new NameCollector(named), 0);
            assertTrue(named.stream().anyMatch(n -> n.contains("io/modulets/boundary/Boundary")), named::toString);
        }
    }
}
