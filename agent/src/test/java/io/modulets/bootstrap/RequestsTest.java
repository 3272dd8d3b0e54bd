package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.modulets.testing.CurrentGeneration;

/**
 * A request or job run as a root task (DESIGN §2.1, "requests and jobs"), through the hooks the
 * wrapped request methods call: what it binds, what it counts live and until when, what a failure
 * counts. The servers themselves are in ServersIT.
 */
@Timeout(30)
class RequestsTest {
    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();

    @RegisterExtension
    final CurrentGeneration current = new CurrentGeneration(g1);

    /**
     * The agent writes a running thread's context class loader itself (ContextWrites: the unit tests open java.lang,
     * as the agent does), but never past a setter the thread's class overrides: the JDK's InnocuousThread refuses a
     * loader that way, and an application's thread may record it.
     */
    @Test
    void aThreadWhoseClassOverridesTheContextSetterIsToldOfEveryBindingAndRestore() throws Exception {
        java.util.List<ClassLoader> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<ClassLoader> before = new java.util.concurrent.atomic.AtomicReference<>();
        Thread thread = new Thread(() -> {
            before.set(Thread.currentThread().getContextClassLoader());
            Requests.exit(Requests.enter(null, Requests.CALL));
        }) {
            @Override
            public void setContextClassLoader(ClassLoader loader) {
                told.add(loader);
                super.setContextClassLoader(loader);
            }
        };
        thread.start();
        thread.join(10_000);
        assertEquals(java.util.List.of(g1, before.get()), told);
        assertTrue(ContextWrites.allowedFor(Thread.currentThread().getClass()),
                "a plain thread's own writes skip the setter");
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

    /** A server's object of one request, as the agent makes Jetty's core response: two fields and a status. */
    static final class Stamped implements StampedRequest {
        TaskOutcomes outcomes;
        long start;
        int status;

        @Override
        public void modulets$begin(TaskOutcomes outcomes, long start) {
            this.outcomes = outcomes;
            this.start = start;
        }

        @Override
        public TaskOutcomes modulets$end() {
            TaskOutcomes ended = outcomes;
            outcomes = null;
            return ended;
        }

        @Override
        public long modulets$start() {
            return start;
        }

        @Override
        public int modulets$status() {
            return status;
        }
    }

    @Test
    void aStampedRequestIsBoundForItsCallAndCountedOnceWhenItsServerCompletesItLater() {
        Stamped response = new Stamped();
        Object scope = Requests.enter(response, Requests.STAMP);
        assertSame(g1, Bindings.bound());
        assertSame(g1.outcomes, response.outcomes, "stamped with the generation that runs it");
        TestSeams.setCurrent(g2);
        Requests.exit(scope);
        assertNull(Bindings.bound(), "bound for the call only");
        assertEquals(0, g1.liveTasks());
        assertEquals(0, g1.outcomes.requestCount(), "not ended yet");
        response.status = 503;
        TestSeams.runBound(g2, () -> Requests.stampedEnded(response, true)); // completed on any thread, later
        assertEquals(1, g1.outcomes.requestCount(), "counted for the generation that ran it");
        assertEquals(1, g1.outcomes.serverErrorCount());
        assertEquals(1, LatencyHistogram.total(g1.outcomes.requestLatencyBuckets()), "and timed");
        assertEquals(0, g2.outcomes.requestCount());
        Requests.stampedEnded(response, true);
        assertEquals(1, g1.outcomes.requestCount(), "counted once");
    }

    @Test
    void aStampedRequestCompletedWithNoResponseOrNeverStampedIsNotCounted() {
        Stamped aborted = new Stamped();
        Requests.exit(Requests.enter(aborted, Requests.STAMP));
        aborted.status = 500;
        Requests.stampedEnded(aborted, false); // its connection failed before a response was sent
        Stamped unbound = new Stamped(); // a request no handler ran (a bad request Jetty answers itself)
        unbound.status = 400;
        Requests.stampedEnded(unbound, true);
        Requests.stampedEnded(new Object(), true);
        Requests.stampedEnded(null, true);
        assertEquals(0, g1.outcomes.requestCount());
        Stamped inTask = new Stamped();
        TestSeams.runBound(g2, () -> assertNull(Requests.enter(inTask, Requests.STAMP), "part of the task"));
        inTask.status = 404;
        Requests.stampedEnded(inTask, true);
        assertEquals(1, g2.outcomes.clientErrorCount(), "counted for the task's generation");
    }

    @Test
    void anHttp2StreamCountsTheStatusOfTheHeadersItsServerWroteWhenItCloses() {
        Object stream = new Object();
        Requests.exit(Requests.enterStream(true, stream));
        Requests.streamHeaders(true, stream, "103"); // informational: not the response's
        Requests.streamHeaders(true, stream, "503");
        Requests.streamHeaders(true, stream, null); // trailers
        Requests.streamHeaders(true, stream, "200"); // a second HEADERS with a status: the first counts
        assertEquals(0, g1.outcomes.requestCount(), "counted when the stream closes");
        Requests.end(stream);
        assertEquals(1, g1.outcomes.requestCount());
        assertEquals(1, g1.outcomes.serverErrorCount());
        assertEquals(1, LatencyHistogram.total(g1.outcomes.requestLatencyBuckets()), "timed from its first frame");
        Object reset = new Object(); // reset before any response
        Requests.exit(Requests.enterStream(true, reset));
        Requests.streamHeaders(false, reset, "404"); // a client's HEADERS
        Requests.streamHeaders(true, reset, "4x4");
        Requests.streamHeaders(true, new Object(), "404"); // no such request
        Requests.end(reset);
        assertEquals(1, g1.outcomes.requestCount(), "a stream that closes with no response is not counted");
        assertEquals(0, g1.outcomes.clientErrorCount());
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
