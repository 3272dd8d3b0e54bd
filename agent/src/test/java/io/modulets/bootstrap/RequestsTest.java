package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request or job run as a root task (DESIGN §2.1, "requests and jobs"), through the hooks the
 * wrapped request methods call: what it binds, what it counts live and until when, what a failure
 * counts. The servers themselves are in ServersIT.
 */
@Timeout(30)
class RequestsTest {
    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();
    private ClassLoader savedCurrent;

    @BeforeEach
    void current() {
        savedCurrent = Bindings.current();
        TestSeams.setCurrent(g1);
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
    }

    @Test
    void aCallIsBoundToTheCurrentGenerationAndLiveWhileItRuns() {
        Object scope = Requests.enter(null, Requests.CALL);
        assertSame(g1, Bindings.bound());
        assertSame(g1, Thread.currentThread().getContextClassLoader());
        assertEquals(1, g1.liveTasks());
        TestSeams.setCurrent(g2);
        assertSame(g1, Bindings.effective(), "a deploy does not move a request in flight");
        Requests.exit(scope);
        assertNull(Bindings.bound());
        assertEquals(0, g1.liveTasks());
        assertEquals(1, g1.outcomes.startedCount());
    }

    @Test
    void aRequestKeptUnderItsKeyResumesOnItsGenerationAfterADeployAndDrainsUntilItEnds() {
        Object request = new Object();
        Requests.exit(Requests.enter(request, Requests.BEGIN));
        assertEquals(1, g1.liveTasks(), "begun, not ended: still live between its dispatches");
        TestSeams.setCurrent(g2);
        Object again = Requests.enter(request, Requests.RESUME);
        assertSame(g1, Bindings.bound(), "an async dispatch after the deploy resumes generation 1");
        Requests.exit(again);
        Requests.end(request);
        assertEquals(0, g1.liveTasks());
        Requests.exit(Requests.enter(request, Requests.BEGIN));
        assertEquals(1, g2.liveTasks(), "the recycled request object begins the next request afresh");
        Requests.end(request);
        assertEquals(0, g2.liveTasks());
    }

    @Test
    void aKeyBegunAgainWithoutAnEndReleasesTheRequestItHeld() {
        Object request = new Object();
        Requests.exit(Requests.enter(request, Requests.BEGIN));
        Requests.exit(Requests.enter(request, Requests.BEGIN));
        assertEquals(1, g1.liveTasks());
        Requests.end(request);
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void aCallbackKeptByARequestRunsOnItsGenerationAfterADeployAndOnlyOnce() {
        Object response = new Object();
        TestSeams.runBound(g1, () -> Requests.exit(Requests.enter(response, Requests.KEEP)));
        assertEquals(1, g1.liveTasks(), "the request's callback is kept: its generation drains until it runs");
        TestSeams.setCurrent(g2);
        Object completed = Requests.enter(response, Requests.RESUME_KEPT);
        assertSame(g1, Bindings.bound(), "the write completes after the deploy on the request's generation");
        // the callback writes again: the next completion keeps its own binding
        Requests.exit(Requests.enter(response, Requests.KEEP));
        Requests.exit(completed);
        assertNull(Bindings.bound());
        assertEquals(1, g1.liveTasks(), "the second write is kept past the first one's callback");
        Requests.exit(Requests.enter(response, Requests.RESUME_KEPT));
        assertEquals(0, g1.liveTasks());
        assertNull(Requests.enter(response, Requests.RESUME_KEPT), "nothing kept: nothing bound");
        assertEquals(0, g2.liveTasks());
    }

    @Test
    void aServersOwnWriteKeepsNothingAndOneCompletedAtOnceIsPartOfItsRequest() {
        Object response = new Object();
        assertNull(Requests.enter(response, Requests.KEEP), "an unbound thread's write");
        assertNull(Requests.enter(response, Requests.RESUME_KEPT));
        assertEquals(0, g1.liveTasks());
        TestSeams.runBound(g2, () -> {
            Requests.exit(Requests.enter(response, Requests.KEEP));
            assertNull(Requests.enter(response, Requests.RESUME_KEPT), "completed inside the write: no scope");
            assertSame(g2, Bindings.bound());
        });
        assertEquals(0, g2.liveTasks(), "taken and released");
    }

    @Test
    void aResumeEndEndsItsRequestAlsoWhenItThrows() {
        Object job = new Object();
        Requests.exit(Requests.enter(job, Requests.BEGIN));
        Object scope = Requests.enter(job, Requests.RESUME_END);
        Requests.exitFailed(scope, new IllegalStateException());
        assertEquals(0, g1.liveTasks());
        assertEquals(1, g1.outcomes.failedCount(), "the job's run failed");
        assertEquals(2, g1.outcomes.startedCount(), "made on the scheduler thread, run on a worker: two runs");
    }

    @Test
    void insideATaskARequestMethodIsPartOfTheTaskAndBindsNothing() {
        TestSeams.runBound(g2, () -> {
            Object scope = Requests.enter(null, Requests.CALL);
            assertSame(g2, Bindings.bound());
            Requests.exit(scope);
            assertSame(g2, Bindings.bound());
        });
        assertEquals(0, g1.liveTasks());
        assertEquals(0, g1.outcomes.startedCount());
        assertEquals(1, g2.outcomes.startedCount(), "the task's run only");
    }

    @Test
    void aMessageIsARootTaskForItsCallAlsoInsideARequestAndTheThreadGoesBackToIt() {
        Object unbound = Requests.enter(null, Requests.MESSAGE);
        assertSame(g1, Bindings.bound());
        assertEquals(1, g1.liveTasks());
        Requests.exit(unbound);
        assertNull(Bindings.bound());
        TestSeams.runBound(g1, () -> {
            TestSeams.setCurrent(g2);
            Object message = Requests.enter(null, Requests.MESSAGE);
            assertSame(g2, Bindings.bound(), "read inside the upgrade request begun on 1: the message runs 2");
            assertSame(g2, Thread.currentThread().getContextClassLoader());
            assertEquals(1, g2.liveTasks());
            Requests.exitFailed(message, new IllegalStateException());
            assertSame(g1, Bindings.bound(), "the request goes on on its generation");
        });
        assertEquals(0, g1.liveTasks());
        assertEquals(0, g2.liveTasks());
        assertEquals(1, g2.outcomes.startedCount());
        assertEquals(1, g2.outcomes.failedCount(), "the message's run failed, not the request's");
        TestSeams.setCurrent(null);
        assertNull(Requests.enter(null, Requests.MESSAGE), "no generation: nothing bound");
    }

    @Test
    void aServerObjectMadeInARequestKeepsTheShellLoaderInFrontOfItsGenerationNotTheGeneration() {
        Object request = Requests.enter(null, Requests.CALL);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        assertSame(g1, context);
        assertSame(g1.getParent(), Bindings.withoutGeneration(context), "a WebSocket session made in its handshake");
        Requests.exit(request);
        ClassLoader plain = getClass().getClassLoader();
        assertSame(plain, Bindings.withoutGeneration(plain));
        assertNull(Bindings.withoutGeneration(null));
    }

    @Test
    void aCallAnsweredIsCountedWithItsLatencyWhenItReturns() {
        Object scope = Requests.enter(null, Requests.CALL);
        Requests.responded(503);
        assertEquals(0, g1.outcomes.requestCount(), "counted when the request's method returns");
        Requests.exit(scope);
        assertEquals(1, g1.outcomes.requestCount());
        assertEquals(1, g1.outcomes.serverErrorCount());
        assertEquals(1, LatencyHistogram.total(g1.outcomes.requestLatencyBuckets()), "and timed");
        Requests.exit(Requests.enter(null, Requests.CALL));
        assertEquals(1, g1.outcomes.requestCount(), "a call never answered is not counted");
    }

    @Test
    void insideATaskARequestMethodIsTimedByTheTasksRunAndAnAnswerOutsideOneAtOnce() {
        TestSeams.runBound(g2, () -> {
            Object scope = Requests.enter(null, Requests.CALL);
            Requests.responded(200);
            Requests.exit(scope);
            Requests.responded(404); // no request method around it: counted at once, not timed
        });
        assertEquals(2, g2.outcomes.requestCount());
        assertEquals(1, g2.outcomes.clientErrorCount());
        assertEquals(1, LatencyHistogram.total(g2.outcomes.requestLatencyBuckets()));
        assertEquals(0, g1.outcomes.requestCount());
    }

    @Test
    void aKeptRequestIsTimedFromItsBeginningToItsEnd() {
        Requests.StatusReader saved = Requests.statusReader;
        Requests.statusReader = key -> 502;
        try {
            Object request = new Object();
            Requests.exit(Requests.enter(request, Requests.BEGIN));
            Requests.exit(Requests.enter(request, Requests.RESUME));
            assertEquals(0, g1.outcomes.requestCount(), "not ended yet");
            Requests.end(request);
            assertEquals(1, g1.outcomes.requestCount());
            assertEquals(1, g1.outcomes.serverErrorCount());
            assertEquals(1, LatencyHistogram.total(g1.outcomes.requestLatencyBuckets()));
            Requests.end(request);
            assertEquals(1, g1.outcomes.requestCount(), "ended once");
        } finally {
            Requests.statusReader = saved;
        }
    }

    @Test
    void aRequestBegunInsideATaskKeepsThatTasksBindingUntilItEnds() {
        Object servletRequest = new Object();
        TestSeams.runBound(g2, () -> {
            assertNull(Requests.enter(servletRequest, Requests.BEGIN), "binds nothing for the call");
            assertSame(g2, Bindings.bound());
        });
        assertEquals(1, g2.liveTasks(), "its binding is kept under the key");
        Object resumed = Requests.enter(servletRequest, Requests.RESUME);
        assertSame(g2, Bindings.bound(), "an async dispatch resumes the task's generation, not the current one");
        Requests.exit(resumed);
        Requests.end(servletRequest);
        assertEquals(0, g2.liveTasks());
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void anH2cUpgradeKeepsTheUpgradingRequestsBindingUnderStreamOneUntilTheStreamCloses() {
        Object streamOne = new Object();
        TestSeams.runBound(g1, () -> Requests.upgraded(streamOne)); // in the upgrading request's read event
        assertEquals(1, g1.liveTasks(), "stream 1 goes on as the request that upgraded the connection");
        TestSeams.setCurrent(g2);
        Object frame = Requests.enterStream(true, streamOne);
        assertSame(g1, Bindings.bound(), "a frame of stream 1 after the deploy resumes the upgrading request");
        Requests.exit(frame);
        TestSeams.runBound(g2, () -> Requests.upgraded(streamOne));
        assertEquals(0, g2.liveTasks(), "kept once");
        Requests.end(streamOne);
        assertEquals(0, g1.liveTasks());
        Object unbound = new Object();
        Requests.upgraded(unbound);
        assertEquals(1, g2.liveTasks(), "upgraded outside a request, stream 1 is a root task of its own");
        Requests.end(unbound);
        assertEquals(0, g2.liveTasks());
    }

    @Test
    void framesAStreamChannelReadsLaterRunOnTheirStreamsRequestWhoeverReadsThem() {
        Object stream = new Object();
        Requests.exit(Requests.enterStream(true, stream)); // its first frame, before the deploy
        TestSeams.setCurrent(g2);
        Object read = Requests.enter(stream, Requests.STREAM);
        assertSame(g1, Bindings.bound(), "read later by a thread that runs no task: the stream's request");
        assertEquals(2, g1.liveTasks(), "kept, and running");
        Requests.exit(read);
        assertNull(Bindings.bound());
        TestSeams.runBound(g2, () -> {
            Object other = Requests.enter(stream, Requests.STREAM);
            assertSame(g1, Bindings.bound(), "read by another request's task: still the stream's");
            Requests.exit(other);
            assertSame(g2, Bindings.bound(), "and back to the task's");
        });
        TestSeams.runBound(g1, () -> assertNull(Requests.enter(stream, Requests.STREAM), "its own: nothing to bind"));
        Requests.end(stream);
        assertEquals(0, g1.liveTasks());
        assertNull(Requests.enter(stream, Requests.STREAM), "a stream that is no request in flight binds nothing");
        assertNull(Bindings.bound());
    }

    @Test
    void aJobThatEndsInsideATaskStillEnds() {
        Object job = new Object();
        Requests.exit(Requests.enter(job, Requests.BEGIN));
        TestSeams.runBound(g2, () -> Requests.exit(Requests.enter(job, Requests.RESUME_END)));
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void aKeptRequestsStatusCountsForItsGenerationWhenItEndsOnce() {
        Requests.StatusReader saved = Requests.statusReader;
        Requests.statusReader = key -> key instanceof int[] status ? status[0] : -1;
        try {
            int[] failing = {503};
            Requests.exit(Requests.enter(failing, Requests.BEGIN));
            TestSeams.setCurrent(g2);
            Requests.end(failing);
            Requests.end(failing);
            int[] missing = {404};
            Requests.exit(Requests.enter(missing, Requests.BEGIN));
            Requests.end(missing);
            Object noStatus = new Object();
            Requests.exit(Requests.enter(noStatus, Requests.BEGIN));
            Requests.end(noStatus);
            Requests.end(new int[] {500}); // never begun: no request of a generation
            assertEquals(1, g1.outcomes.requestCount(), "counted once, on the generation it began on");
            assertEquals(1, g1.outcomes.serverErrorCount());
            assertEquals(1, g2.outcomes.requestCount(), "a request without a status read is not counted");
            assertEquals(1, g2.outcomes.clientErrorCount());
            assertEquals(0, g2.outcomes.serverErrorCount());
        } finally {
            Requests.statusReader = saved;
        }
    }

    @Test
    void aStatusReaderThatThrowsLeavesTheRequestsEndAlone() {
        Requests.StatusReader saved = Requests.statusReader;
        Requests.statusReader = key -> {
            throw new IllegalStateException("recycled");
        };
        try {
            Object request = new Object();
            Requests.exit(Requests.enter(request, Requests.BEGIN));
            Requests.end(request);
            assertEquals(0, g1.liveTasks(), "ended all the same");
            assertEquals(0, g1.outcomes.requestCount());
        } finally {
            Requests.statusReader = saved;
        }
    }
}
