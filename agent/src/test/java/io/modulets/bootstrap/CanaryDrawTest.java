package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which generation a task gets while a canary runs (DESIGN §2.1): root tasks draw it with its fraction,
 * child tasks follow their parent, code outside any task stays on the current generation.
 */
class CanaryDrawTest {
    private final ClassLoader current = new URLClassLoader("current", new URL[0], null);
    private final ClassLoader canary = new URLClassLoader("canary", new URL[0], null);
    private ClassLoader savedCurrent;

    @BeforeEach
    void save() {
        savedCurrent = Bindings.current();
        TestSeams.setCurrent(current);
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
        TestSeams.setCanary(null);
    }

    @Test
    void theFractionHoldsWithinFiveStandardDeviations() {
        int n = 200_000;
        double p = 0.05;
        CanaryDraw draw = new CanaryDraw(canary, p);
        int drawn = 0;
        for (int i = 0; i < n; i++) {
            if (draw.pick(current) == canary) {
                drawn++;
            }
        }
        // Binomial(n, p): mean 10,000, σ = sqrt(n p (1-p)) ≈ 97.5; ±5σ fails by chance about once in 1.7 million runs.
        double sigma = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(drawn - n * p) <= 5 * sigma, drawn + " of " + n + " drew the canary, expected "
                + n * p + " ± " + 5 * sigma);
    }

    @Test
    void allOrAlmostNothing() {
        CanaryDraw all = new CanaryDraw(canary, 1.0);
        CanaryDraw tiny = new CanaryDraw(canary, 1e-12);
        int tinyDrawn = 0;
        for (int i = 0; i < 10_000; i++) {
            assertSame(canary, all.pick(current));
            tinyDrawn += tiny.pick(current) == canary ? 1 : 0;
        }
        assertTrue(tinyDrawn <= 1, "a threshold of 1 in 2^32: " + tinyDrawn);
        assertThrows(IllegalArgumentException.class, () -> new CanaryDraw(canary, 0));
        assertThrows(IllegalArgumentException.class, () -> new CanaryDraw(canary, 1.01));
        assertThrows(IllegalArgumentException.class, () -> new CanaryDraw(null, 0.5));
    }

    @Test
    void rootTasksDrawChildTasksFollowTheirParentUnboundCodeStaysOnCurrent() {
        TestSeams.setCanary(new CanaryDraw(canary, 1.0));
        Object task = new Object();
        assertSame(canary, Bindings.captureFor(task), "a root task (the test thread runs no task)");
        assertSame(current, Bindings.effective(), "code outside any task resolves in the current generation");
        Object[] child = new Object[2];
        TestSeams.runBound(current, () -> {
            child[0] = Bindings.captureFor(task);
        });
        TestSeams.runBound(canary, () -> {
            child[1] = Bindings.captureFor(task);
        });
        assertSame(current, child[0], "a child of a task on current stays on current");
        assertSame(canary, child[1], "a child of a canary task stays on the canary");
        TestSeams.setCanary(null);
        assertSame(current, Bindings.captureFor(task), "no canary: the current generation");
        assertEquals(null, Bindings.canary());
    }
}
