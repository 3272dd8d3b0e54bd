package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listeners a request registers with its server (Jetty 12 core's {@code addFailureListener} and {@code
 * addIdleTimeoutListener}): one registered on a bound thread is the request's child, pending until it runs, and runs
 * on its generation on the server's unbound thread; the server's own, and any registered unbound, stay as they are.
 * Jetty itself is in ServersIT.
 */
@Timeout(30)
class ListenerHooksTest {
    /** A listener of the server's own (its servlet layer's). */
    private static final class ServerListener implements Consumer<Throwable> {
        @Override
        public void accept(Throwable failure) {
        }
    }

    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();
    private final List<ClassLoader> runs = new ArrayList<>();
    private ClassLoader savedCurrent;
    private Predicate<Object> savedServerTask;

    @BeforeEach
    void recognizeTheServer() {
        savedCurrent = Bindings.current();
        savedServerTask = ExecutorHooks.serverTask;
        TestSeams.setCurrent(g1);
        ExecutorHooks.serverTask = task -> task instanceof ServerListener;
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
        ExecutorHooks.serverTask = savedServerTask;
    }

    @Test
    void aFailureListenerRegisteredByARequestRunsOnItsGenerationAfterADeploy() {
        List<Consumer<Throwable>> registered = new ArrayList<>();
        TestSeams.runBound(g1, () -> registered.add(ExecutorHooks.wrapChildListener(
                (Consumer<Throwable>) failure -> runs.add(Bindings.bound()))));
        assertEquals(1, g1.liveTasks(), "pending, a child of the request's generation");
        TestSeams.setCurrent(g2);
        registered.get(0).accept(new Exception("the client went away"));
        assertSame(g1, runs.get(0));
        assertEquals(0, g1.liveTasks(), "released once it ran");
        assertNull(Bindings.bound(), "the server's thread is unbound again");
    }

    @Test
    void anIdleTimeoutListenerThatLetsTheRequestGoOnStaysPendingForTheNextTimeout() {
        List<Predicate<TimeoutException>> registered = new ArrayList<>();
        boolean[] fails = {false};
        TestSeams.runBound(g1, () -> registered.add(ExecutorHooks.wrapChildListener(
                (Predicate<TimeoutException>) timeout -> runs.add(Bindings.bound()) && fails[0])));
        TestSeams.setCurrent(g2);
        assertFalse(registered.get(0).test(new TimeoutException()));
        assertEquals(1, g1.liveTasks(), "still pending: Jetty asks it again at the next idle timeout");
        fails[0] = true;
        assertTrue(registered.get(0).test(new TimeoutException()));
        assertEquals(List.of(g1, g1), runs);
        assertEquals(0, g1.liveTasks(), "released once it lets the request fail");
    }

    /**
     * Jetty may time the connection out again before the first timeout's listener answered (two idle timeouts close
     * together, on two of its threads, seen under load): the second call is the request's too.
     */
    @Test
    void anIdleTimeoutListenerCalledAgainWhileItRunsRunsOnItsGenerationToo() {
        List<Predicate<TimeoutException>> registered = new ArrayList<>();
        long[] liveDuringTheSecond = new long[1];
        TestSeams.runBound(g1, () -> registered.add(ExecutorHooks.wrapChildListener(
                (Predicate<TimeoutException>) timeout -> {
                    runs.add(Bindings.bound());
                    if (runs.size() == 1) {
                        Thread second = new Thread(() -> registered.get(0).test(new TimeoutException()));
                        second.start();
                        try {
                            second.join();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    } else {
                        liveDuringTheSecond[0] = g1.liveTasks();
                    }
                    return true;
                })));
        TestSeams.setCurrent(g2);
        assertTrue(registered.get(0).test(new TimeoutException()));
        assertEquals(List.of(g1, g1), runs, "both calls run on the request's generation");
        assertEquals(2, liveDuringTheSecond[0], "the second call counts as live while it runs, as the first does");
        assertEquals(0, g1.liveTasks(), "both released");
    }

    @Test
    void theServersOwnListenersAndOnesRegisteredUnboundStayAsTheyAre() {
        Consumer<Throwable> server = new ServerListener();
        TestSeams.runBound(g1, () -> assertSame(server, ExecutorHooks.wrapChildListener(server)));
        Consumer<Throwable> unbound = failure -> runs.add(Bindings.bound());
        assertSame(unbound, ExecutorHooks.wrapChildListener(unbound));
        assertEquals(0, g1.liveTasks());
        List<Consumer<Throwable>> wrapped = new ArrayList<>();
        TestSeams.runBound(g1, () -> wrapped.add(ExecutorHooks.wrapChildListener(unbound)));
        assertNotSame(unbound, wrapped.get(0));
        TestSeams.runBound(g1, () -> assertSame(wrapped.get(0), ExecutorHooks.wrapChildListener(wrapped.get(0))));
        assertEquals(1, g1.liveTasks(), "wrapped once");
    }
}
