package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The platform MBean server reaches the agent once, whichever comes first: the server or the agent's receiver. */
class ManagementHooksTest {
    private final ManagementHooks.Handoff handoff = new ManagementHooks.Handoff();
    private final List<Object> received = new ArrayList<>();

    @Test
    void aServerMadeBeforeTheReceiverIsHandedOverWhenItComes() {
        Object server = new Object();
        handoff.made(server);
        handoff.made(server); // getPlatformMBeanServer() again
        assertEquals(List.of(), received);
        handoff.receiver(received::add);
        handoff.made(server);
        assertEquals(List.of(server), received);
    }

    @Test
    void aReceiverWaitsForTheServerAndGetsItOnce() {
        handoff.receiver(received::add);
        handoff.made(null); // a JDK whose method returned null: nothing to hand over
        assertEquals(List.of(), received);
        Object server = new Object();
        handoff.made(server);
        handoff.made(server);
        handoff.made(new Object());
        assertEquals(List.of(server), received);
    }

    @Test
    void aSecondReceiverIsRefused() {
        handoff.receiver(received::add);
        assertThrows(IllegalStateException.class, () -> handoff.receiver(received::add));
    }

    /** The server's making and the receiver's coming race: exactly one hand-over, whoever wins. */
    @RepeatedTest(50)
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void whenBothComeAtOnceTheServerIsHandedOverExactlyOnce() throws Exception {
        List<Object> got = java.util.Collections.synchronizedList(new ArrayList<>());
        Object server = new Object();
        CyclicBarrier start = new CyclicBarrier(2);
        Thread maker = new Thread(() -> {
            await(start);
            handoff.made(server);
            handoff.made(server);
        });
        maker.start();
        await(start);
        handoff.receiver(got::add);
        maker.join();
        assertEquals(List.of(server), got);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
