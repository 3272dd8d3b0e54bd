package io.modulets.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.TestSeams;
import io.modulets.bootstrap.PendingTasksTest;
import io.modulets.bootstrap.Requests;

/**
 * The wrapping of request methods, on a class compiled by javac and run after the rewrite: each
 * method keeps its signature, result, exceptions and annotations, runs bound, and the verifier
 * accepts the wrapper's frame for every kind of parameter.
 */
class RequestMethodVisitorTest {
    /** What the rewritten methods run; each reports the binding it saw. */
    public static class Server {
        public static ClassLoader seen;
        public static int ended;

        @Deprecated
        public String handle(String request, long size, double weight, int[] flags) {
            seen = Bindings.bound();
            return request + size + weight + flags.length;
        }

        public static long compute(boolean big, char c, float f) {
            seen = Bindings.bound();
            return big ? c : (long) f;
        }

        public void fail(Object request) throws IOException {
            seen = Bindings.bound();
            throw new IOException("refused " + request);
        }

        public void recycle() {
            ended++;
        }

        /** Undertow's shape: a static method keyed by its second parameter, run again for each dispatch. */
        public static void dispatch(String handler, Server exchange) {
            seen = Bindings.bound();
        }

        /** Undertow's shape: a private method whose call ends the request of {@code this}. */
        public void complete() {
            invokeListeners();
        }

        private void invokeListeners() {
            ended++;
        }

        /** The JDK HttpServer's shape: the status is a parameter, and the method may return early. */
        public void sendResponseHeaders(int status, long length) {
            if (length < 0) {
                return;
            }
            seen = Bindings.bound();
        }

        /** Quartz's shape: a private method that gets the job's caught exception, or null. */
        public void runJob(Exception caught) {
            notifyJobListenersComplete(this, caught);
        }

        private boolean notifyJobListenersComplete(Object context, Exception caught) {
            return context != null;
        }

        /** Netty's HTTP/2 stream's shape: its close runs what reads the stream's request, then ends it. */
        public Object close() {
            Object read = Requests.enter(this, Requests.STREAM);
            seen = Bindings.bound();
            Requests.exit(read);
            return this;
        }

        /** Jetty's shape: a request kept under an object that a field of {@code this} holds. */
        public final Object state = new Object();

        public void associate() {
            seen = Bindings.bound();
        }
    }

    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private ClassLoader savedCurrent;
    private Class<?> server;

    @BeforeEach
    void rewrite() throws Exception {
        savedCurrent = Bindings.current();
        TestSeams.setCurrent(g1);
        String name = Server.class.getName();
        List<RequestMethod> rules = List.of(
                new RequestMethod(name, "handle", null, Requests.BEGIN, 0),
                new RequestMethod(name, "compute", "(ZCF)J", Requests.CALL, -1),
                new RequestMethod(name, "fail", null, Requests.CALL, -1),
                new RequestMethod(name, "recycle", "()V", RequestMethod.END, 0),
                new RequestMethod(name, "dispatch", null, Requests.RESUME, 2),
                new RequestMethod(name, "invokeListeners", "()V", RequestMethod.END, 0),
                new RequestMethod(name, "close", "()Ljava/lang/Object;", RequestMethod.END_AFTER, 0),
                new RequestMethod(name, "associate", "()V", Requests.BEGIN, 0, "state:Ljava/lang/Object;"),
                new RequestMethod(name, "sendResponseHeaders", "(IJ)V", RequestMethod.RESPONDED, 1),
                new RequestMethod(name, "notifyJobListenersComplete", null, RequestMethod.JOB_ENDED, 2));
        byte[] original = RewrittenClass.bytes(Server.class);
        ClassReader reader = new ClassReader(original);
        // no COMPUTE_MAXS: the wrapper's own maximums must satisfy the verifier
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new RequestMethodVisitor(writer, rules), 0);
        byte[] rewritten = writer.toByteArray();
        server = RewrittenClass.define(Server.class, rewritten);
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
    }

    private Object field(String field) throws ReflectiveOperationException {
        return server.getField(field).get(null);
    }

    @Test
    void anInstanceMethodWithEveryKindOfParameterRunsBoundAndKeepsItsAnnotation() throws Exception {
        Object instance = server.getConstructor().newInstance();
        Method handle = server.getMethod("handle", String.class, long.class, double.class, int[].class);
        assertEquals("r71.52", handle.invoke(instance, "r", 7L, 1.5, new int[2]));
        assertSame(g1, field("seen"), "the request ran bound to the current generation");
        assertNull(Bindings.bound(), "and the thread is unbound again");
        assertNotNull(handle.getAnnotation(Deprecated.class), "annotations stay on the method of the name");
        assertEquals(1, g1.liveTasks(), "begun under its key, the request is live until it ends");
        server.getMethod("recycle").invoke(instance);
        assertEquals(0, g1.liveTasks());
        assertEquals(1, field("ended"), "the ending method still runs its own body");
    }

    @Test
    void aMethodThatEndsItsRequestWhenItReturnsRunsItsBodyOnTheRequest() throws Exception {
        Object stream = server.getConstructor().newInstance();
        server.getMethod("handle", String.class, long.class, double.class, int[].class)
                .invoke(stream, "r", 1L, 1.0, new int[0]);
        PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();
        TestSeams.setCurrent(g2);
        assertSame(stream, server.getMethod("close").invoke(stream), "its result returned");
        assertSame(g1, field("seen"), "what the close runs still reads its request");
        assertEquals(0, g1.liveTasks(), "which ends as it returns");
    }

    @Test
    void aRequestKeyedByAFieldOfThisIsKeptUnderThatFieldsObject() throws Exception {
        Object instance = server.getConstructor().newInstance();
        server.getMethod("associate").invoke(instance);
        assertSame(g1, field("seen"));
        assertEquals(1, g1.liveTasks());
        Requests.end(server.getField("state").get(instance));
        assertEquals(0, g1.liveTasks(), "the request was kept under the field's object");
    }

    @Test
    void aStaticMethodReturnsItsPrimitiveResult() throws Exception {
        assertEquals(65L, server.getMethod("compute", boolean.class, char.class, float.class)
                .invoke(null, true, 'A', 2.5f));
        assertSame(g1, field("seen"));
        assertEquals(0, g1.liveTasks());
    }

    @Test
    void aThrowIsRethrownUnchangedAndCountsAsTheRunsFailure() throws Exception {
        Object instance = server.getConstructor().newInstance();
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> server.getMethod("fail", Object.class).invoke(instance, "x"));
        assertEquals("refused x", thrown.getCause().getMessage());
        assertTrue(thrown.getCause() instanceof IOException);
        assertNull(Bindings.bound());
        assertEquals(0, g1.liveTasks());
        assertEquals(1, g1.outcomes.failedCount());
    }

    @Test
    void aStaticMethodKeyedByItsSecondParameterResumesItsRequestUntilAPrivateMethodEndsIt() throws Exception {
        Object exchange = server.getConstructor().newInstance();
        Method dispatch = server.getMethod("dispatch", String.class, server);
        dispatch.invoke(null, "io-thread", exchange);
        assertSame(g1, field("seen"), "the first call begins the request");
        assertEquals(1, g1.liveTasks(), "kept under the exchange");
        PendingTasksTest.Generation g2 = new PendingTasksTest.Generation();
        TestSeams.setCurrent(g2);
        dispatch.invoke(null, "worker", exchange);
        assertSame(g1, field("seen"), "a later call with the same exchange resumes its binding");
        server.getMethod("complete").invoke(exchange);
        assertEquals(1, field("ended"));
        assertEquals(0, g1.liveTasks(), "the private method ended the request");
        Object next = server.getConstructor().newInstance();
        dispatch.invoke(null, "io-thread", next);
        assertSame(g2, field("seen"), "another exchange is another request, on the current generation");
        assertEquals(1, g2.liveTasks());
        server.getMethod("complete").invoke(next);
        assertEquals(0, g2.liveTasks());
    }

    @Test
    void aResponseStatusCountsForTheRunningRequestsGenerationAtEachReturn() throws Exception {
        Object exchange = server.getConstructor().newInstance();
        Method send = server.getMethod("sendResponseHeaders", int.class, long.class);
        send.invoke(exchange, 200, 5L);
        assertEquals(0, g1.outcomes.requestCount(), "on a thread that runs no request: not counted");
        long[][] responses = {{200, 5}, {503, -1}, {404, 0}};
        for (long[] response : responses) { // one request each: a request's first status is its status
            Object scope = Requests.enter(null, Requests.CALL);
            try {
                send.invoke(exchange, (int) response[0], response[1]);
            } finally {
                Requests.exit(scope);
            }
        }
        assertEquals(3, g1.outcomes.requestCount());
        assertEquals(1, g1.outcomes.serverErrorCount(), "the early return counts too");
        assertEquals(1, g1.outcomes.clientErrorCount());
        assertEquals(3, java.util.Arrays.stream(g1.outcomes.requestLatencyBuckets()).sum(), "each timed");
    }

    @Test
    void aJobRunsOutcomeCountsForItsGenerationFailedIfTheSchedulerCaughtAnException() throws Exception {
        Object shell = server.getConstructor().newInstance();
        Method run = server.getMethod("runJob", Exception.class);
        Object scope = Requests.enter(null, Requests.CALL);
        try {
            run.invoke(shell, (Object) null);
            run.invoke(shell, new IllegalStateException("caught by the scheduler"));
        } finally {
            Requests.exit(scope);
        }
        assertEquals(2, g1.outcomes.jobCount());
        assertEquals(1, g1.outcomes.failedJobCount());
        assertEquals("java.lang.IllegalStateException", g1.outcomes.jobExceptions(1)[0].className);
        assertEquals(0, g1.outcomes.failedCount(), "the run itself ended normally");
    }

    @Test
    void theOriginalBodyIsAPrivateSyntheticMethod() throws Exception {
        Method body = server.getDeclaredMethod("modulets$request$fail", Object.class);
        assertTrue(Modifier.isPrivate(body.getModifiers()) && body.isSynthetic());
    }
}
