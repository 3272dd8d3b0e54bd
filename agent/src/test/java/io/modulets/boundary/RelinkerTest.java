package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** The relinker's thread survives whatever one pass throws (no agent thread dies silently), and ends when told. */
class RelinkerTest {

    @Test
    void aPassThatThrowsAnythingEndsOnlyThatPass() throws Exception {
        AtomicInteger passes = new AtomicInteger();
        CountDownLatch fourth = new CountDownLatch(1);
        Runnable pass = () -> {
            switch (passes.incrementAndGet()) {
                case 1 -> throw new OutOfMemoryError("Java heap space");
                case 2 -> throw new IllegalStateException("line one\nline two");
                case 3 -> throw RelinkerTest.<RuntimeException>sneaky(new IOException("checked"));
                default -> fourth.countDown();
            }
        };
        Relinker relinker = new Relinker(pass);
        for (int i = 1; i <= 4; i++) {
            relinker.request();
            assertTrue(relinker.awaitIdle(TimeUnit.SECONDS.toMillis(30)), "pass " + i + " ended");
        }
        assertTrue(fourth.await(30, TimeUnit.SECONDS), "the fourth pass ran on the same thread's loop");
        assertEquals(4, passes.get());
        relinker.stop();
    }

    @Test
    void aStoppedRelinkerEndsItsThreadAndRunsNoMorePasses() throws Exception {
        AtomicInteger passes = new AtomicInteger();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Relinker relinker = new Relinker(() -> {
            passes.incrementAndGet();
            ranOn.set(Thread.currentThread());
        });
        relinker.request();
        assertTrue(relinker.awaitIdle(TimeUnit.SECONDS.toMillis(30)));
        Thread thread = ranOn.get();
        relinker.stop();
        thread.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(!thread.isAlive(), "the thread ended");
        relinker.request();
        assertTrue(relinker.awaitIdle(TimeUnit.SECONDS.toMillis(30)), "nothing to wait for");
        assertEquals(1, passes.get());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
