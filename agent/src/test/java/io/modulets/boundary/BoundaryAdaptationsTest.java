package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.TestSeams;
import io.modulets.config.PackageFilter;
import io.modulets.loader.GenerationClassLoader;
import io.modulets.testing.Compiler;

/**
 * What shell code hands to swappable code that must be adapted on the way: lambdas and
 * method references whose functional interface is swappable, varargs methods and constructors, and
 * the constructs the JDK's bootstraps see (refused at load time where they cannot be transparent).
 * Each construct runs under two generations, and each first call of a site (the slow path) as well
 * as later ones.
 */
class BoundaryAdaptationsTest {
    private static final String FN = "package sw; public interface Fn<T> { T get();"
            + " default String twice() { return get() + \"\" + get(); } }";
    private static final String STR_FN = "package sw; public interface StrFn extends Fn<String> { String get(); }";
    private static final String FAILABLE = "package sw; public interface Failable<T, E extends Throwable> {"
            + " T get() throws E; }";
    private static final String W_FN = "package sw; public interface WFn { String apply(W w); }";
    private static final String LONG_OP = "package sw; public interface LongOp { double apply(long a, int b); }";
    private static final String SINK = "package sw; public interface Sink { void take(long v); }";
    private static final String W = "package sw; public class W { final String name;"
            + " public W(String name) { this.name = name; } public String name() { return name; } }";
    private static final String V_V1 = "package sw; public final class V {"
            + " public static final int VERSION = 1; private final String parts;"
            + " public V(String... parts) { this.parts = VERSION + \"\" + parts.length + String.join(\"\", parts); }"
            + " public String parts() { return parts; }"
            + " public int sum(int... xs) { int s = VERSION * 100; for (int x : xs) s += x; return s; }"
            + " public static String call(Fn<?> f) { return VERSION + \":\" + f.get(); }"
            + " public static String twice(Fn<?> f) { return VERSION + \":\" + f.twice(); }"
            + " public static String callStr(StrFn f) { Fn<String> g = f; return VERSION + \":\" + g.get(); }"
            + " public static <E extends Throwable> String fail(Failable<?, E> f) throws E {"
            + "   return VERSION + \":\" + (f.get() != null); }"
            + " public static String visit(WFn f) { return f.apply(new W(\"w\" + VERSION)); }"
            + " public static String name() { return \"name\" + VERSION; }"
            + " public static int count(String... xs) { return xs.length * 10 + VERSION; }"
            + " public static boolean any(CharSequence s, char... cs) {"
            + "   for (char c : cs) if (s.toString().indexOf(c) >= 0) return VERSION == 1; return false; }"
            + " public static String boxed(Integer i, long l, Object o) { return VERSION + \"\" + i + l + o; }"
            + " public static double prim(LongOp f) { return f.apply(1L << 33, 3) + VERSION * 1000; }"
            + " public static void sinkTo(Sink s) { s.take(VERSION * 10L); } }";
    private static final String V_V2 = V_V1.replace("VERSION = 1", "VERSION = 2");
    private static final String USER = "package shell; import sw.*; import java.util.function.Supplier;"
            + " public class User {"
            + "  static final Fn<String> STATIC = () -> \"clinit\";"
            + "  public static String nonCapturing() { return V.call(() -> \"hi\"); }"
            + "  public static String capturing(String s) { return V.call(() -> s + \"!\"); }"
            // primitives captured and passed (two-slot ones too) and a void method: not boxed on the way
            + "  public static double primitives() { int k = 4; long m = 5L; double d = 0.5;"
            + "    return V.prim((a, b) -> a * k + b + m + d); }"
            + "  public static long voidLambda() { long m = 7L; long[] out = new long[1];"
            + "    V.sinkTo(v -> out[0] = v + m); return out[0]; }"
            + "  public static String staticInit() { return STATIC.get() + STATIC.twice(); }"
            + "  public static String jdkReference() { return V.fail(Thread::currentThread); }"
            + "  public static String swappableReference() { return V.call(V::name); }"
            + "  public static String boundReference(W w) { return V.call(w::name); }"
            + "  public static String swappableParameter() { return V.visit(w -> w.name() + \"!\"); }"
            + "  public static String defaultMethod() { return V.twice(() -> \"d\"); }"
            + "  public static String bridged() { return V.callStr(() -> \"b\"); }"
            + "  public static String inShellCode() { Fn<String> f = () -> \"own\"; return f.get() + f.twice(); }"
            + "  public static int varargs() { return V.count(\"a\", \"b\") * 1000 + V.count(); }"
            + "  public static boolean chars() { return V.any(\"abc\", 'x', 'c'); }"
            + "  public static String constructorAndInstanceVarargs() { V v = new V(\"a\", \"b\");"
            + "    return v.parts() + \"/\" + v.sum(1, 2, 3) + \"/\" + new V().parts(); }"
            + "  public static String boxing() { return V.boxed(7, 8, null) + V.boxed(null, 'c', 1.5f); }"
            // a shell interface whose bridge (Supplier.get()Object) is its own method once W is erased
            + "  public static String erasedBridge() { WSupplier s = () -> new W(V.name());"
            + "    java.util.function.Supplier<W> g = s; return s.get().name() + g.get().name(); }"
            // a shell class whose generic bridge compareTo(Object) is compareTo(W) once W is erased
            + "  public static int erasedClassBridge() { Comparable<W> c = new ByLength(); ByLength b = new ByLength();"
            + "    return c.compareTo(new W(V.name())) * 10 + b.compareTo(new W(\"ab\")); }"
            + "  private final String own = \"me\";"
            + "  private String capturingThis() { return V.call(() -> own + V.name()); }"
            + "  public static String thisCapture() { return new User().capturingThis(); }"
            // a serializable lambda of a JDK interface whose signature names a swappable type
            + "  public static String serialized() throws Exception {"
            + "    java.util.function.Function<W, String> f = (java.util.function.Function<W, String>"
            + "        & java.io.Serializable) w -> w.name() + \"~\";"
            + "    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();"
            + "    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) { out.writeObject(f); }"
            + "    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream("
            + "        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {"
            + "      @SuppressWarnings(\"unchecked\") java.util.function.Function<W, String> back ="
            + "          (java.util.function.Function<W, String>) in.readObject();"
            + "      return back.apply(new W(V.name())); } }"
            + "}";
    /** Each a shell class that must be refused when it loads, and the refusal's words. */
    private static final Map<String, String> REFUSED = Map.of(
            "SerializableSwappable", "return V.call((Fn<String> & java.io.Serializable) () -> \"x\");",
            "SerializableReference", "java.util.function.Supplier<String> s = (java.util.function.Supplier<String>"
                    + " & java.io.Serializable) V::name; return s.get();",
            "Intersection", "return V.call((Fn<String> & java.util.RandomAccess) () -> \"x\");",
            "SwappableMarker", "Runnable r = (Runnable & Mark) () -> { }; return \"\" + r;");

    @TempDir
    Path temp;
    private final PackageFilter filter = PackageFilter.of(List.of("sw"), List.of());
    private GenerationClassLoader g1;
    private GenerationClassLoader g2;
    private RewritingLoader shellLoader;
    private ClassLoader savedCurrent;

    @BeforeEach
    void twoGenerations() throws Exception {
        savedCurrent = Bindings.current();
        Map<String, String> v1 = new HashMap<>(Map.of("sw.Fn", FN, "sw.StrFn", STR_FN, "sw.Failable", FAILABLE,
                "sw.WFn", W_FN, "sw.W", W, "sw.Mark", "package sw; public interface Mark { }", "sw.LongOp", LONG_OP,
                "sw.Sink", SINK));
        Map<String, String> v2 = new HashMap<>(v1);
        v1.put("sw.V", V_V1);
        v2.put("sw.V", V_V2);
        Path one = Compiler.compile(temp.resolve("v1"), v1);
        Path two = Compiler.compile(temp.resolve("v2"), v2);
        Map<String, String> shellSources = new HashMap<>(Map.of("shell.User", USER, "shell.WSupplier",
                "package shell; public interface WSupplier extends java.util.function.Supplier<sw.W> { sw.W get(); }",
                "shell.ByLength", "package shell; public class ByLength implements Comparable<sw.W> {"
                        + " public int compareTo(sw.W w) { return w.name().length(); } }"));
        REFUSED.forEach((name, body) -> shellSources.put("shell." + name, "package shell; import sw.*;"
                + " public class " + name + " { public static String run() { " + body + " } }"));
        Path shell = Compiler.compile(temp.resolve("shell"), shellSources, one);
        JdkBootstraps.writeInto(shell);
        OldClassFiles.writeInto(shell);
        Erasure erasure = new Erasure(filter, Bindings::current);
        shellLoader = new RewritingLoader(shell, filter, erasure);
        g1 = new GenerationClassLoader("g1", new URL[] {one.toUri().toURL()}, shellLoader, filter, "g1");
        g2 = new GenerationClassLoader("g2", new URL[] {two.toUri().toURL()}, shellLoader, filter, "g2");
        TestSeams.setCurrent(g1);
    }

    @AfterEach
    void restore() {
        BoundaryLinks.installed().retire(g1);
        BoundaryLinks.installed().retire(g2);
        TestSeams.setCurrent(savedCurrent);
    }

    private Object call(String name, Object... args) throws Throwable {
        return callIn("shell.User", name, args);
    }

    private Object callIn(String className, String name, Object... args) throws Throwable {
        Class<?> user = shellLoader.loadClass(className);
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

    /** Calls {@code name} twice in generation 1 and twice in generation 2: first calls take the slow path. */
    private void assertInBoth(String name, Object inOne, Object inTwo) throws Throwable {
        for (int i = 0; i < 2; i++) {
            TestSeams.setCurrent(g1);
            assertEquals(inOne, call(name), name + " in generation 1, call " + i);
            TestSeams.setCurrent(g2);
            assertEquals(inTwo, call(name), name + " in generation 2, call " + i);
        }
    }

    @Test
    void aLambdaWhoseFunctionalInterfaceIsSwappableImplementsTheBindingsInterface() throws Throwable {
        assertInBoth("nonCapturing", "1:hi", "2:hi");
        // made by the static initializer in generation 1, it keeps its generation (as any object)
        assertInBoth("staticInit", "clinitclinitclinit", "clinitclinitclinit");
        assertInBoth("defaultMethod", "1:dd", "2:dd");
        assertInBoth("bridged", "1:b", "2:b");
        assertInBoth("inShellCode", "ownownown", "ownownown");
        for (ClassLoader g : new ClassLoader[] {g1, g2, g1}) {
            TestSeams.setCurrent(g);
            String version = g == g1 ? "1" : "2";
            assertEquals(version + ":x!", call("capturing", "x"));
            assertEquals(version + ":y!", call("capturing", "y"), "each capture gets its own value");
        }
    }

    @Test
    void aLambdaOfPrimitivesTakesAndReturnsThemAsTheyAre() throws Throwable {
        double base = (1L << 33) * 4 + 3 + 5 + 0.5;
        assertInBoth("primitives", base + 1000, base + 2000);
        assertInBoth("voidLambda", 17L, 27L);
    }

    @Test
    void aMethodReferenceWhoseFunctionalInterfaceIsSwappable() throws Throwable {
        assertInBoth("jdkReference", "1:true", "2:true");
        assertInBoth("swappableReference", "1:name1", "2:name2");
        assertInBoth("swappableParameter", "w1!", "w2!");
    }

    @Test
    void aBoundReferenceToAnObjectOfOneGenerationHandedToAnother() throws Throwable {
        TestSeams.setCurrent(g1);
        Object w = g1.loadClass("sw.W").getConstructor(String.class).newInstance("old");
        assertEquals("1:old", call("boundReference", w));
        TestSeams.setCurrent(g2);
        assertEquals("2:old", call("boundReference", w), "the receiver keeps its own generation's code");
    }

    @Test
    void varargsMethodsAndConstructorsTakeTheArrayTheSiteBuilt() throws Throwable {
        assertInBoth("varargs", 21001, 22002);
        assertInBoth("chars", true, false);
        assertInBoth("constructorAndInstanceVarargs", "12ab/106/10", "22ab/206/20");
    }

    @Test
    void boxingWideningAndNullArgumentsPassAsJavacCompiledThem() throws Throwable {
        assertInBoth("boxing", "178null1null991.5", "278null2null991.5");
    }

    @Test
    void aLambdaCapturingThisAndASerializableLambdaWithAnErasedSignature() throws Throwable {
        assertInBoth("thisCapture", "1:mename1", "2:mename2");
        assertInBoth("erasedBridge", "name1name1", "name2name2");
        assertInBoth("erasedClassBridge", 52, 52);
        assertInBoth("serialized", "name1~", "name2~");
    }

    @Test
    void whatCannotBeTransparentIsRefusedWhenTheClassLoads() {
        REFUSED.keySet().forEach(name -> {
            LinkageError refused = assertThrows(LinkageError.class, () -> callIn("shell." + name, "run"), name);
            assertTrue(refused.getMessage().startsWith("modulets: refused shell class shell." + name + ": shell."
                    + name + ".run: a "), refused.getMessage());
        });
    }

    @Test
    void stringConcatenationTakesASwappableOperandAsItsErasure() throws Throwable {
        // javac 17.0.15 turns such operands into strings first; older javac and other compilers pass the object
        for (ClassLoader g : new ClassLoader[] {g1, g2}) {
            TestSeams.setCurrent(g);
            Object w = g.loadClass("sw.W").getConstructor(String.class).newInstance("n");
            assertEquals("sw.W=" + w + "!", callIn("shell.Concat", "concat", w));
        }
    }

    @Test
    void anOldClassFileWithSubroutinesIsRewrittenWithThemInlined() throws Throwable {
        // found by the conformance harness: Byte Buddy's classes (version 49, JSR/RET) failed to rewrite
        for (int i = 0; i < 2; i++) {
            TestSeams.setCurrent(g1);
            assertEquals("name1", callIn("shell.OldJsr", "run", (Object) null), "generation 1, call " + i);
            TestSeams.setCurrent(g2);
            assertEquals("name2", callIn("shell.OldJsr", "run", (Object) null), "generation 2, call " + i);
        }
    }

    @Test
    void jdkBootstrapsThatWouldResolveASwappableTypeInTheShellAreRefused() {
        for (String name : JdkBootstraps.REFUSED) {
            LinkageError refused = assertThrows(LinkageError.class, () -> callIn("shell." + name, "run", (Object) null),
                    name);
            assertTrue(refused.getMessage().startsWith("modulets: refused shell class shell." + name + ": shell."
                    + name + ".run: a"), refused.getMessage());
        }
    }
}
