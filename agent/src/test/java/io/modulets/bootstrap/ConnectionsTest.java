package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The requests of a connection (DESIGN §2.1; Netty's shape): begun as their heads are decoded inside the
 * connection's events, answered in order, each event bound to the newest request in flight. Driven
 * through the calls the hooked Netty classes make; Netty itself is in ServersIT.
 */
@Timeout(30)
class ConnectionsTest {
    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();
    private final Object connection = new Object();
    private ClassLoader savedCurrent;

    @BeforeEach
    void current() {
        savedCurrent = Bindings.current();
        TestSeams.setCurrent(g1);
    }

    @AfterEach
    void restore() {
        Connections.closed(connection);
        TestSeams.setCurrent(savedCurrent);
    }

    /** One inbound event of the connection, running {@code body} inside it. */
    private void event(Runnable body) {
        Object scope = Requests.enter(connection, Requests.CONNECTION);
        try {
            body.run();
        } finally {
            Requests.exit(scope);
        }
    }

    @Test
    void aRequestIsBoundFromItsHeadThroughItsLaterEventsAndLiveUntilItsResponseIsWritten() {
        event(() -> {
            assertNull(Bindings.bound(), "no request in flight: the event is unbound");
            Connections.begin(true);
            assertSame(g1, Bindings.bound(), "the head begins the request: the rest of the event runs it");
            assertSame(g1, Thread.currentThread().getContextClassLoader());
        });
        assertNull(Bindings.bound());
        assertEquals(1, g1.liveTasks(), "begun, not answered: live between the connection's events");
        TestSeams.setCurrent(g2);
        event(() -> assertSame(g1, Bindings.bound(), "its body's next chunk, after a deploy, is still generation 1"));
        Connections.written(200, false, connection);
        assertEquals(1, g1.liveTasks(), "a response head alone does not answer it");
        Connections.written(-1, true, connection);
        assertEquals(0, g1.liveTasks(), "answered by its last content");
        event(() -> assertNull(Bindings.bound(), "nothing in flight: unbound"));
    }

    @Test
    void aWebSocketFrameIsARootTaskForTheRestOfItsEventAndOneInAnUpgradeRequestIsPartOfIt() {
        event(() -> {
            Connections.begin(true);
            Connections.frame();
            assertSame(g1, Bindings.bound(), "a frame read before the upgrade is answered is the request's");
        });
        Connections.written(101, true, connection);
        assertEquals(0, g1.liveTasks(), "the 101 answers the upgrade request");
        TestSeams.setCurrent(g2);
        event(() -> {
            assertNull(Bindings.bound());
            Connections.frame();
            assertSame(g2, Bindings.bound(), "a frame after the deploy runs the generation current at its decoding");
            assertEquals(1, g2.liveTasks(), "live while it runs");
            TestSeams.setCurrent(g1);
            Connections.frame();
            assertSame(g1, Bindings.bound(), "the next frame of the same read is a root task of its own");
            assertEquals(0, g2.liveTasks());
        });
        assertNull(Bindings.bound());
        assertEquals(0, g1.liveTasks(), "a frame ends with its event");
        assertEquals(1, g2.outcomes.startedCount());
        Connections.frame();
        assertNull(Bindings.bound(), "decoded outside a connection's event: nothing to bind");
    }

    @Test
    void eachAnsweredRequestCountsOnceWithItsStatusOnItsGenerationAndOneClosedUnansweredDoesNot() {
        // six pipelined requests (more than the rings first hold), three on each generation, answered in order
        for (int i = 0; i < 6; i++) {
            TestSeams.setCurrent(i < 3 ? g1 : g2);
            event(() -> Connections.begin(true));
        }
        Connections.written(100, true, connection); // 100 Continue: the request goes on
        Connections.written(200, true, connection);
        Connections.written(404, false, connection);
        Connections.written(-1, true, connection);
        Connections.written(500, true, connection);
        Connections.written(503, true, connection);
        Connections.written(101, true, connection);
        assertEquals(3, g1.outcomes.requestCount(), "a 200, a 404 and a 500; not the 100");
        assertEquals(1, g1.outcomes.clientErrorCount());
        assertEquals(1, g1.outcomes.serverErrorCount());
        assertEquals(2, g2.outcomes.requestCount(), "a 503 and a 101 (the connection leaves HTTP)");
        assertEquals(1, g2.outcomes.serverErrorCount());
        assertEquals(3, java.util.Arrays.stream(g1.outcomes.requestLatencyBuckets()).sum(), "each timed");
        assertEquals(1, Connections.inFlight(connection));
        Connections.closed(connection);
        assertEquals(2, g2.outcomes.requestCount(), "closed unanswered: no request");
        assertEquals(0, g2.liveTasks());
    }

    @Test
    void pipelinedRequestsAreReadNewestFirstAndAnsweredOldestFirst() {
        event(() -> Connections.begin(true));
        TestSeams.setCurrent(g2);
        event(() -> {
            assertSame(g1, Bindings.bound(), "the event reads on the first request's binding");
            Connections.begin(true);
            assertSame(g2, Bindings.bound(), "the second head, in the same read, rebinds at once");
        });
        assertEquals(2, Connections.inFlight(connection));
        Connections.written(200, true, connection);
        assertEquals(0, g1.liveTasks(), "the first response written answers the first request");
        assertEquals(1, g2.liveTasks());
        Connections.written(200, true, connection);
        assertEquals(0, g2.liveTasks());
    }

    @Test
    void anInformationalResponseDoesNotAnswerItsRequestButASwitchOfProtocolsDoes() {
        event(() -> Connections.begin(true));
        Connections.written(100, true, connection);
        assertEquals(1, g1.liveTasks(), "100 Continue: the request goes on");
        Connections.written(101, true, connection);
        assertEquals(0, g1.liveTasks(), "101: its answer, the connection leaves HTTP");
    }

    @Test
    void aClosedConnectionStopsCountingItsRequestsNotAnswered() {
        event(() -> Connections.begin(true));
        event(() -> Connections.begin(true));
        assertEquals(2, g1.liveTasks());
        Requests.end(connection);
        assertEquals(0, g1.liveTasks());
        assertEquals(0, Connections.inFlight(connection));
        Connections.written(200, true, connection);
        assertEquals(0, g1.liveTasks(), "a response written after the close answers nothing");
    }

    @Test
    void aResponseHeadDecodedByAClientOrOutsideAnEventBeginsNothing() {
        event(() -> Connections.begin(false));
        Connections.begin(true);
        assertEquals(0, Connections.inFlight(connection));
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void insideATaskAConnectionsEventIsPartOfTheTask() {
        TestSeams.runBound(g2, () -> event(() -> {
            Connections.begin(true);
            assertSame(g2, Bindings.bound());
        }));
        assertEquals(0, Connections.inFlight(connection));
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void anEventOfAnotherConnectionInsideOneKeepsTheThreadButBeginsItsOwnRequests() {
        Object other = new Object();
        event(() -> {
            Connections.begin(true);
            TestSeams.setCurrent(g2);
            Object inner = Requests.enter(other, Requests.CONNECTION);
            Connections.begin(true);
            assertSame(g1, Bindings.bound(), "the thread stays with the event around it");
            Requests.exit(inner);
            Connections.begin(true);
            assertSame(g2, Bindings.bound(), "back in the outer connection's event");
        });
        assertEquals(1, Connections.inFlight(other));
        assertEquals(2, Connections.inFlight(connection));
        Connections.closed(other);
        Connections.closed(connection);
        assertEquals(0, g1.liveTasks());
        assertEquals(0, g2.liveTasks());
    }

    @Test
    void aThrowOutOfAnEventFailsTheRunOfItsRequest() {
        Object scope = Requests.enter(connection, Requests.CONNECTION);
        Connections.begin(true);
        Requests.exitFailed(scope, new IllegalStateException());
        assertNull(Bindings.bound());
        assertEquals(1, g1.outcomes.failedCount());
        assertEquals(1, g1.liveTasks(), "a failed event does not answer the request");
    }
}
