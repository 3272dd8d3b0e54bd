package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The relinker's thread survives whatever one pass throws (issue 19: no agent thread dies silently). */
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
        for (int i = 1; i <= 4; i++) {
            Relinker.request(pass);
            assertTrue(Relinker.awaitIdle(TimeUnit.SECONDS.toMillis(30)), "pass " + i + " ended");
        }
        assertTrue(fourth.await(30, TimeUnit.SECONDS), "the fourth pass ran on the same thread's loop");
        assertEquals(4, passes.get());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
