package io.modulets.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.springframework.util.ErrorHandler;

import io.modulets.bootstrap.PendingTasksTest;
import io.modulets.bootstrap.Requests;
import io.modulets.testing.CurrentGeneration;

/**
 * The hooks in Spring's DelegatingErrorHandlingRunnable.run (DESIGN §2.12), on a copy of its shape compiled by
 * javac (the real class is in ScheduledJobOutcomesIT): each run is a job run of the thread's generation, failed
 * with the class of what the task threw into the error handler (unwrapped as Spring does); a task that only hands
 * the run on is none; a class of another shape is left as it is.
 */
class SpringSchedulingHooksTest {
    /** Spring's DelegatingErrorHandlingRunnable (3.0 to 7.0), as javac compiles it. */
    public static class Wrapper implements Runnable {
        private final Runnable delegate;
        private final ErrorHandler errorHandler;

        public Wrapper(Runnable delegate, ErrorHandler errorHandler) {
            this.delegate = delegate;
            this.errorHandler = errorHandler;
        }

        @Override
        public void run() {
            try {
                delegate.run();
            } catch (UndeclaredThrowableException ex) {
                errorHandler.handleError(ex.getUndeclaredThrowable());
            } catch (Throwable ex) {
                errorHandler.handleError(ex);
            }
        }
    }

    /** A wrapper of another shape: no error handler called. */
    public static class Other implements Runnable {
        private final Runnable delegate;

        public Other(Runnable delegate) {
            this.delegate = delegate;
        }

        @Override
        public void run() {
            delegate.run();
        }
    }

    private final PendingTasksTest.Generation g1 = new PendingTasksTest.Generation();
    private final List<Throwable> handled = new ArrayList<>();

    @RegisterExtension
    final CurrentGeneration current = new CurrentGeneration(g1);

    @AfterEach
    void restore() {
        Requests.jobHandOff = task -> false;
    }

    @Test
    void eachRunIsAJobRunOfTheThreadsGenerationFailedByWhatTheErrorHandlerGot() throws Exception {
        Class<?> wrapper = hooked(Wrapper.class);
        runBound(wrapper, () -> { });
        runBound(wrapper, () -> {
            throw new IllegalStateException("caught by the handler");
        });
        runBound(wrapper, () -> {
            throw new UndeclaredThrowableException(new IOException("checked"));
        });
        assertEquals(3, g1.outcomes.jobCount());
        assertEquals(2, g1.outcomes.failedJobCount());
        assertEquals(2, g1.outcomes.jobExceptions(2).length);
        assertEquals(2, handled.size(), "the handler still gets what the task threw");
        assertSame(IOException.class, handled.get(1).getClass(), "unwrapped, as Spring passes it");
        assertEquals(0, g1.outcomes.failedCount(), "no task run failed");
    }

    @Test
    void aRunOnAnUnboundThreadOrOneThatHandsTheRunOnCountsNoJob() throws Exception {
        Class<?> wrapper = hooked(Wrapper.class);
        ((Runnable) wrapper.getConstructor(Runnable.class, ErrorHandler.class).newInstance(
                (Runnable) () -> { }, (ErrorHandler) handled::add)).run();
        Runnable handOff = () -> { };
        Requests.jobHandOff = task -> task == handOff;
        runBound(wrapper, handOff);
        assertEquals(0, g1.outcomes.jobCount());
    }

    @Test
    void aClassOfAnotherShapeIsLeftAsItIs() throws IOException {
        byte[] bytes = RewrittenClass.bytes(Other.class);
        ClassVisitor next = new ClassWriter(0);
        assertSame(next, SpringSchedulingHooks.visitorFor(bytes, next));
    }

    private void runBound(Class<?> wrapper, Runnable task) throws Exception {
        Runnable run = (Runnable) wrapper.getConstructor(Runnable.class, ErrorHandler.class)
                .newInstance(task, (ErrorHandler) handled::add);
        Object scope = Requests.enter(null, Requests.CALL);
        try {
            run.run();
        } finally {
            Requests.exit(scope);
        }
    }

    private static Class<?> hooked(Class<?> type) throws IOException, ClassNotFoundException {
        byte[] original = RewrittenClass.bytes(type);
        ClassReader reader = new ClassReader(original);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(SpringSchedulingHooks.visitorFor(original, writer), 0);
        byte[] rewritten = writer.toByteArray();
        return RewrittenClass.define(type, rewritten);
    }
}
