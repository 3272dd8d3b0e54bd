package io.modulets.boundary;

import static java.lang.invoke.MethodType.methodType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.modulets.bootstrap.PendingTasksTest;
import io.modulets.bootstrap.TestSeams;

/**
 * The handler the boundary puts around a generation's method (DESIGN §2.11): it passes every kind of argument and
 * result through unchanged (two-slot ones and void included), and counts an exception against the generation before
 * rethrowing the same object; a member of no generation gets none. {@code OutcomesIT} checks it at real sites.
 */
@Timeout(30)
class ThrownHandlerTest {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private final PendingTasksTest.Generation generation = new PendingTasksTest.Generation();

    static long mix(long a, double b, int c, boolean d, String e, char f, float g) throws IOException {
        if (c < 0) {
            throw new IOException("c " + c);
        }
        return a + (long) b + c + (d ? 1 : 0) + e.length() + f + (long) g;
    }

    static double half(double x) {
        return x / 2;
    }

    static final List<String> SEEN = new ArrayList<>();
    static final IllegalStateException NO_NAME = new IllegalStateException("no name");

    static void see(String s, long n) {
        if (s == null) {
            throw NO_NAME;
        }
        SEEN.add(s + n);
    }

    static String[] twice(String s) {
        return new String[] {s, s};
    }

    @Test
    void argumentsAndResultsOfEveryKindPassThroughUnchanged() throws Throwable {
        MethodHandle mix = ThrownHandler.around(LOOKUP.findStatic(ThrownHandlerTest.class, "mix",
                methodType(long.class, long.class, double.class, int.class, boolean.class, String.class, char.class,
                        float.class)), generation);
        assertEquals(methodType(long.class, long.class, double.class, int.class, boolean.class, String.class,
                char.class, float.class), mix.type());
        assertEquals((1L << 40) + 8, (long) mix.invokeExact(1L << 40, 2.5, 1, true, "ab", (char) 1, 1.5f));

        MethodHandle half = ThrownHandler.around(LOOKUP.findStatic(ThrownHandlerTest.class, "half",
                methodType(double.class, double.class)), generation);
        assertEquals(1.25, (double) half.invokeExact(2.5));

        MethodHandle see = ThrownHandler.around(LOOKUP.findStatic(ThrownHandlerTest.class, "see",
                methodType(void.class, String.class, long.class)), generation);
        SEEN.clear();
        see.invokeExact("x", 3L);
        assertEquals(List.of("x3"), SEEN);

        MethodHandle twice = ThrownHandler.around(LOOKUP.findStatic(ThrownHandlerTest.class, "twice",
                methodType(String[].class, String.class)), generation);
        assertArrayEquals(new String[] {"y", "y"}, (String[]) twice.invokeExact("y"));
        assertEquals(0, generation.outcomes.thrownCount());
    }

    @Test
    void whatTheMemberThrowsIsCountedOnceAndRethrownAsItIs() throws Throwable {
        MethodHandle mix = ThrownHandler.around(LOOKUP.findStatic(ThrownHandlerTest.class, "mix",
                methodType(long.class, long.class, double.class, int.class, boolean.class, String.class, char.class,
                        float.class)), generation);
        MethodHandle see = ThrownHandler.around(LOOKUP.findStatic(ThrownHandlerTest.class, "see",
                methodType(void.class, String.class, long.class)), generation);
        Throwable[] thrown = new Throwable[2];
        TestSeams.runBound(generation, () -> {
            try {
                long unused = (long) mix.invokeExact(1L, 1.0, -1, false, "", 'c', 0f);
            } catch (Throwable t) {
                thrown[0] = t;
            }
            try {
                see.invokeExact((String) null, 0L);
            } catch (Throwable t) {
                thrown[1] = t;
            }
        });
        assertEquals(IOException.class, thrown[0].getClass());
        assertEquals("c -1", thrown[0].getMessage());
        assertSame(NO_NAME, thrown[1]);
        assertEquals(2, generation.outcomes.thrownCount());
    }

    @Test
    void aMemberOfNoGenerationIsLeftAsItIs() throws Throwable {
        MethodHandle half = LOOKUP.findStatic(ThrownHandlerTest.class, "half", methodType(double.class, double.class));
        assertSame(half, ThrownHandler.around(half, ClassLoader.getSystemClassLoader()));
    }
}
