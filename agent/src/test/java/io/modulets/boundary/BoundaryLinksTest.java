package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

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
 * How {@link BoundaryLinks} publishes and retires: a publish re-targets no site, and neither does
 * the relinker's pass after it (calls on a site whose epoch ended leave its linking to the pass,
 * which links the new generation one level down, into a call site that nothing compiled has
 * inlined), a retirement
 * takes a generation out of every level, and bound threads keep their generation at every call
 * while publishes come and go.
 */
class BoundaryLinksTest {
    private static final String T_V1 = "package sw; public class T { public static int version() { return 1; } }";
    private static final String USER = "package shell; public class User implements java.util.function.IntSupplier {"
            + "  public int getAsInt() { return sw.T.version() * 100 + sw.T.version() * 10 + other(); }"
            + "  private static int other() { return sw.T.version(); } }";

    @TempDir
    Path temp;
    private final PackageFilter filter = PackageFilter.of(List.of("sw"), List.of());
    private final List<GenerationClassLoader> generations = new ArrayList<>();
    private IntSupplier user;
    private ClassLoader savedCurrent;
    /** This test's own links: its shell class's sites, and no other test's, register with them. */
    private BoundaryLinks links;

    @BeforeEach
    void threeGenerations() throws Exception {
        links = BoundaryLinks.install();
        // Start with no live generation: other tests in this JVM publish generations they never retire.
        BoundaryLinks.live().forEach(links::retire);
        assertTrue(links.relinker.awaitIdle(30_000));
        savedCurrent = Bindings.current();
        Path shell = null;
        for (int v = 1; v <= 3; v++) {
            Path classes = Compiler.compile(temp.resolve("v" + v), Map.of("sw.T", T_V1.replace("return 1;",
                    "return " + v + ";")));
            generations.add(new GenerationClassLoader("g" + v, new URL[] {classes.toUri().toURL()},
                    getClass().getClassLoader(), filter, "g" + v));
            shell = shell != null ? shell : Compiler.compile(temp.resolve("shell"), Map.of("shell.User", USER), classes);
        }
        TestSeams.setCurrent(g(1));
        RewritingLoader shellLoader = new RewritingLoader(shell, filter, new Erasure(filter, Bindings::current));
        user = (IntSupplier) shellLoader.loadClass("shell.User").getDeclaredConstructor().newInstance();
    }

    @AfterEach
    void retireAll() {
        generations.forEach(links::retire);
        TestSeams.setCurrent(savedCurrent);
    }

    private GenerationClassLoader g(int version) {
        return generations.get(version - 1);
    }

    /** What {@link #user} returns when every site runs generation {@code v}. */
    private static int all(int v) {
        return v * 111;
    }

    private int boundTo(ClassLoader generation) {
        int[] seen = new int[1];
        TestSeams.runBound(generation, () -> seen[0] = user.getAsInt());
        return seen[0];
    }

    /** The sites of this test's shell class (linked at their first call). */
    private List<InlineCacheSite> sites() {
        return links.sites();
    }

    private Map<InlineCacheSite, MethodHandle> targets() {
        Map<InlineCacheSite, MethodHandle> targets = new IdentityHashMap<>();
        for (InlineCacheSite site : sites()) {
            targets.put(site, site.getTarget());
        }
        assertEquals(3, targets.size(), "three sites in shell.User");
        return targets;
    }

    /** Runs {@code body} holding the monitors of {@code sites}: the relinker's pass cannot touch them meanwhile. */
    private static void holding(List<InlineCacheSite> sites, int from, Runnable body) {
        if (from == sites.size()) {
            body.run();
            return;
        }
        synchronized (sites.get(from)) {
            holding(sites, from + 1, body);
        }
    }

    @Test
    void aPublishRetargetsNoSiteAndCallsLeaveTheLinkingToTheRelinker() throws InterruptedException {
        links.publish(g(1));
        // A call made while a pass is under way is resolved for that call only, and caches nothing
        // (InlineCacheSite#awaitsRelinker): the sites are first called, and cache generation 1, after it.
        assertTrue(links.relinker.awaitIdle(30_000), "the relinker's pass did not end");
        assertEquals(all(1), user.getAsInt());
        Map<InlineCacheSite, MethodHandle> before = targets();

        holding(new ArrayList<>(before.keySet()), 0, () -> {
            links.publish(g(2));
            before.forEach((site, target) -> assertSame(target, site.getTarget(), "the publish re-targeted a site"));
            assertEquals(all(1), boundTo(g(1)), "a task bound to generation 1 keeps it");
            assertEquals(all(2), user.getAsInt(), "unbound code follows the new current generation");
            assertEquals(all(2), boundTo(g(2)));
            before.forEach((site, target) -> assertSame(target, site.getTarget(),
                    "a call re-targeted the site while the relinker's pass was under way"));
            for (InlineCacheSite site : before.keySet()) {
                assertTrue(site.awaitsRelinker());
            }
        });

        assertTrue(links.relinker.awaitIdle(30_000), "the relinker's pass did not end");
        before.forEach((site, target) -> assertSame(target, site.getTarget(),
                "the relinker re-targeted a site (code that inlined it would be deoptimised)"));
        for (InlineCacheSite site : before.keySet()) {
            assertEquals(1, site.depth(), "the relinker links the new generation one level down");
            assertFalse(site.awaitsRelinker());
        }
        assertEquals(all(1), boundTo(g(1)));
        assertEquals(all(2), boundTo(g(2)));
        assertEquals(all(2), user.getAsInt());
    }

    @Test
    void aRetirementTakesTheGenerationOutOfEveryLevel() throws InterruptedException {
        // each call after the pass of its publish, so that it caches (as in the test above)
        links.publish(g(1));
        assertTrue(links.relinker.awaitIdle(30_000), "the relinker's pass did not end");
        assertEquals(all(1), user.getAsInt());
        links.publish(g(2));
        assertTrue(links.relinker.awaitIdle(30_000), "the relinker's pass did not end");
        assertEquals(all(1), boundTo(g(1)));
        links.publish(g(3));
        assertTrue(links.relinker.awaitIdle(30_000), "the relinker's pass did not end");
        assertEquals(all(1), boundTo(g(1)));
        assertEquals(all(2), boundTo(g(2)));
        assertTrue(links.linkedSites(g(1)) >= 3);
        // every site caches every live generation, so that the pass after the retirement adds nothing
        assertTrue(links.relinker.awaitIdle(30_000), "the relinker's pass did not end");

        links.retire(g(1));
        assertEquals(0, links.linkedSites(g(1)), "a level still reaches the retired generation");
        for (InlineCacheSite site : sites()) {
            assertEquals(0, site.depth(), "the retirement relinks the site from the top");
        }
        assertEquals(all(2), boundTo(g(2)));
        assertEquals(all(3), user.getAsInt());
        links.retire(g(2));
        assertEquals(all(3), boundTo(g(3)), "back to one live generation");
        assertEquals(0, links.linkedSites(g(2)));
    }

    @Test
    void boundThreadsKeepTheirGenerationAtEveryCallWhileGenerationsArePublishedAndRetired() throws Exception {
        keepTheirGeneration();
    }

    @Test
    void soTheyDoWhenTheBindingIsReadFromTheContextClassLoader() throws Exception {
        // What the agent turns on once it has hooked Thread.setContextClassLoader (not hooked here:
        // nothing in this test sets a context class loader but the bind hooks).
        Bindings.contextIsBinding = true;
        BindingTokens.followContext();
        try {
            keepTheirGeneration();
        } finally {
            Bindings.contextIsBinding = false;
            BindingTokens.followContext();
        }
    }

    private void keepTheirGeneration() throws Exception {
        links.publish(g(1));
        links.publish(g(2));
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        CountDownLatch running = new CountDownLatch(2);
        List<Thread> callers = new ArrayList<>();
        for (int v = 1; v <= 2; v++) {
            GenerationClassLoader own = g(v);
            int expected = all(v);
            callers.add(new Thread(() -> TestSeams.runBound(own, () -> {
                running.countDown();
                for (long calls = 0; !stop.get() || calls < 1000; calls++) {
                    int seen = user.getAsInt();
                    if (seen != expected) {
                        wrong.add(own + " saw " + seen);
                    }
                }
            })));
        }
        callers.forEach(Thread::start);
        assertTrue(running.await(30, TimeUnit.SECONDS));
        for (int round = 0; round < 200; round++) {
            // a third generation comes and goes; the current one flips between the two in use
            links.publish(g(3));
            links.publish(round % 2 == 0 ? g(1) : g(2));
            links.retire(g(3));
        }
        stop.set(true);
        for (Thread caller : callers) {
            caller.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(caller.isAlive(), "a caller did not finish");
        }
        assertEquals(List.of(), List.copyOf(wrong));
        assertEquals(0, links.linkedSites(g(3)));
    }
}
