package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Path;
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
 * The hard parts of the rewriter in one JVM, under two generations: catch stubs where the try
 * range ends at the handler, an enum switch whose constants were reordered, retirement and the
 * single-generation fast path of {@link BoundaryLinks}.
 */
class BoundaryConstructsTest {
    private static final String FAIL = "package sw; public class Fail extends RuntimeException {"
            + " public Fail(String m) { super(m); } }";
    private static final String OTHER = "package sw; public class Other extends RuntimeException {"
            + " public Other(String m) { super(m); } }";
    private static final String T_V1 = "package sw; public class T {"
            + " public static int version() { return 1; }"
            + " public static int fail(int kind) { if (kind == 1) throw new Fail(\"f\");"
            + "   if (kind == 2) throw new Other(\"o\"); return 7; } }";
    private static final String T_V2 = T_V1.replace("return 1;", "return 2;");
    private static final String ADDED = "package sw; public class Added extends RuntimeException {"
            + " public Added(String m) { super(m); } }";
    private static final String C_V1 = "package sw; public enum C { A, B, C }";
    private static final String C_V2 = "package sw; public enum C { C, B, A, D }";
    private static final String USER = "package shell; import sw.*;"
            + " public class User {"
            + "  public static int version() { return T.version(); }"
            // two binding sites of one method, with a publish in between (the method's token is read once)
            + "  public static int[] versionsAround(Runnable between) { int before = T.version(); between.run();"
            + "    return new int[] {before, T.version()}; }"
            // the try range ends where the handler starts: the stub must not be covered by its own entry
            + "  public static int direct(int kind) { try { return T.fail(kind); } catch (Fail e) { return -1; } }"
            + "  public static int siblings(int kind) { try { return T.fail(kind); } catch (Fail e) { return -1; }"
            + "    catch (RuntimeException e) { return -2; } }"
            + "  public static String multi(int kind) { try { T.fail(kind); return \"none\"; }"
            + "    catch (Fail | IllegalStateException e) { return \"multi\"; } catch (RuntimeException e) { return \"rt\"; } }"
            + "  public static String withFinally(int kind) { StringBuilder s = new StringBuilder();"
            + "    try { try { T.fail(kind); } catch (Fail e) { s.append(\"caught\"); } finally { s.append(\"+finally\"); } }"
            + "    catch (Other e) { s.append(\"+outer\"); } return s.toString(); }"
            + "  public static int added(int kind) { try { return T.fail(kind); } catch (Added e) { return -9; }"
            + "    catch (RuntimeException e) { return -2; } }"
            + "  public static String names() { StringBuilder s = new StringBuilder();"
            + "    for (C c : C.values()) { switch (c) { case A: s.append('a'); break; case B: s.append('b'); break;"
            + "      case C: s.append('c'); break; default: s.append('?'); } } return s.toString(); }"
            + "}";

    @TempDir
    Path temp;
    private final PackageFilter filter = PackageFilter.of(List.of("sw"), List.of());
    private GenerationClassLoader g1;
    private GenerationClassLoader g2;
    private Class<?> user;
    private ClassLoader savedCurrent;

    @BeforeEach
    void twoGenerations() throws Exception {
        savedCurrent = Bindings.current();
        Path v1 = Compiler.compile(temp.resolve("v1"), Map.of("sw.T", T_V1, "sw.Fail", FAIL, "sw.Other", OTHER,
                "sw.C", C_V1));
        Path v2 = Compiler.compile(temp.resolve("v2"), Map.of("sw.T", T_V2, "sw.Fail", FAIL, "sw.Other", OTHER,
                "sw.C", C_V2, "sw.Added", ADDED));
        Path shell = Compiler.compile(temp.resolve("shell"), Map.of("shell.User", USER), v2);
        Erasure erasure = new Erasure(filter, Bindings::current);
        RewritingLoader shellLoader = new RewritingLoader(shell, filter, erasure);
        g1 = new GenerationClassLoader("g1", new URL[] {v1.toUri().toURL()}, shellLoader, filter, "g1");
        g2 = new GenerationClassLoader("g2", new URL[] {v2.toUri().toURL()}, shellLoader, filter, "g2");
        TestSeams.setCurrent(g2); // the erasure is read from the current generation's bytes
        user = shellLoader.loadClass("shell.User");
        TestSeams.setCurrent(g1);
    }

    @AfterEach
    void restore() {
        BoundaryLinks.installed().retire(g1);
        BoundaryLinks.installed().retire(g2);
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
    void aCatchOfASwappableTypeLetsOtherExceptionsOfTheSameErasureThrough() throws Throwable {
        for (ClassLoader g : new ClassLoader[] {g1, g2}) {
            TestSeams.setCurrent(g);
            assertEquals(7, call("direct", 0));
            assertEquals(-1, call("direct", 1));
            RuntimeException other = assertThrows(RuntimeException.class, () -> call("direct", 2));
            assertEquals("sw.Other", other.getClass().getName());
            assertEquals(-2, call("siblings", 2));
            assertEquals("multi", call("multi", 1));
            assertEquals("rt", call("multi", 2));
            assertEquals("caught+finally", call("withFinally", 1));
            assertEquals("+finally+outer", call("withFinally", 2));
        }
    }

    @Test
    void aCatchOfATypeAnOlderGenerationLacksDoesNotMatchItsExceptions() throws Throwable {
        assertEquals(-2, call("added", 1), "generation 1 has no sw.Added: its Fail goes to the next catch");
        TestSeams.setCurrent(g2);
        assertEquals(-2, call("added", 1));
    }

    @Test
    void anEnumSwitchGoesByTheConstantsName() throws Throwable {
        assertEquals("abc", call("names"));
        TestSeams.setCurrent(g2);
        assertEquals("cba?", call("names"), "reordered constants keep their cases; a new one goes to default");
    }

    @Test
    void retiringAGenerationDropsEverySiteEntryThatReachesIt() throws Throwable {
        assertEquals(1, call("version"));
        TestSeams.setCurrent(g2);
        assertEquals(2, call("version"));
        assertTrue(BoundaryLinks.installed().linkedSites(g1) > 0);
        BoundaryLinks.installed().retire(g1);
        assertEquals(0, BoundaryLinks.installed().linkedSites(g1));
        assertEquals(2, call("version"), "the site still serves the live generation");
        assertTrue(BoundaryLinks.installed().linkedSites(g2) > 0);
    }

    @Test
    void theSingleGenerationFastPathEndsBeforeASecondGenerationIsCurrent() throws Throwable {
        BoundaryLinks.installed().publish(g1);
        assertEquals(1, call("version"));
        BoundaryLinks.installed().publish(g2);
        assertEquals(2, call("version"), "unbound code sees the new current generation at once");
        int[] bound = new int[1];
        TestSeams.runBound(g1, () -> {
            try {
                bound[0] = (int) call("version");
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(1, bound[0], "a task bound to generation 1 keeps it while both are live");
        BoundaryLinks.installed().retire(g1);
        assertEquals(2, call("version"), "back to one live generation");
    }

    private int[] versionsAround(Runnable between) throws Throwable {
        return (int[]) call("versionsAround", between);
    }

    private int[] versionsAroundBoundTo(ClassLoader binding, Runnable between) {
        int[][] seen = new int[1][];
        TestSeams.runBound(binding, () -> {
            try {
                seen[0] = versionsAround(between);
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        });
        return seen[0];
    }

    @Test
    void aTaskInsideAMethodThatBeganBeforeAPublishKeepsItsGeneration() throws Throwable {
        BoundaryLinks.installed().publish(g1);
        versionsAround(() -> { }); // links both sites to the single-generation fast path
        int[] bound = versionsAroundBoundTo(g1, () -> BoundaryLinks.installed().publish(g2));
        assertEquals(1, bound[0]);
        assertEquals(1, bound[1], "the method's token was not read before the publish: its sites read the binding");
    }

    @Test
    void unboundCodeFollowsTheCurrentGenerationInsideOneMethodCall() throws Throwable {
        BoundaryLinks.installed().publish(g1);
        int[] unbound = versionsAround(() -> BoundaryLinks.installed().publish(g2));
        assertEquals(1, unbound[0]);
        assertEquals(2, unbound[1], "a thread that runs no task follows the current generation call by call");
        TestSeams.setCurrent(g1); // while both are live: the method reads "unbound" once, its sites read current
        assertEquals(2, versionsAround(() -> TestSeams.setCurrent(g2))[1]);
    }

    @Test
    void whileGenerationsOverlapEachBoundMethodKeepsItsBindingsGeneration() throws Throwable {
        BoundaryLinks.installed().publish(g1);
        BoundaryLinks.installed().publish(g2);
        for (int i = 0; i < 3; i++) { // the second and third calls go through the grown caches
            assertEquals(1, versionsAroundBoundTo(g1, () -> { })[1]);
            assertEquals(2, versionsAroundBoundTo(g2, () -> { })[1]);
            assertEquals(2, versionsAround(() -> { })[1]);
        }
    }

    @Test
    void anEnumSwitchTableMapsNamesAndSendsUnknownNamesToDefault() throws Throwable {
        MethodHandle caseOf = EnumSwitch.handle("NEW=1,RUNNABLE=2");
        assertEquals(1, (int) caseOf.invoke((Object) Thread.State.NEW));
        assertEquals(2, (int) caseOf.invoke((Object) Thread.State.RUNNABLE));
        assertEquals(0, (int) caseOf.invoke((Object) Thread.State.BLOCKED));
        assertThrows(NullPointerException.class, () -> caseOf.invoke((Object) null));
    }
}
