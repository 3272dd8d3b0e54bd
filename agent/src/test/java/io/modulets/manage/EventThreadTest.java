package io.modulets.manage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The manage thread's jobs: in order once opened, and a delayed job that holds up none of them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventThreadTest {
    @Test
    void jobsQueuedBeforeTheThreadIsOpenedRunInOrderOnceItIs() throws Exception {
        EventThread thread = EventThread.start();
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        thread.submit(() -> ran.add(1));
        thread.submit(() -> ran.add(2));
        thread.submit(done::countDown);
        assertEquals(List.of(), ran, "nothing runs before premain is done");
        thread.open();
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(List.of(1, 2), ran);
    }

    @Test
    void aDelayedJobHoldsUpNoJobQueuedAfterIt() throws Exception {
        EventThread thread = EventThread.start();
        thread.open();
        CountDownLatch delayedRan = new CountDownLatch(1);
        CountDownLatch next = new CountDownLatch(1);
        thread.submit(() -> thread.later(delayedRan::countDown, TimeUnit.HOURS.toMillis(1)));
        thread.submit(next::countDown);
        assertTrue(next.await(30, TimeUnit.SECONDS), "a job queued after the delayed one runs at once");
        assertEquals(1, delayedRan.getCount(), "the delayed one waits for its time");
    }

    @Test
    void aDelayedJobRunsOnceItsTimeHasCome() throws Exception {
        EventThread thread = EventThread.start();
        thread.open();
        CountDownLatch delayedRan = new CountDownLatch(1);
        CountDownLatch after = new CountDownLatch(1);
        thread.submit(() -> thread.later(delayedRan::countDown, 0));
        assertTrue(delayedRan.await(30, TimeUnit.SECONDS), "due at once, nothing else queued");
        thread.submit(after::countDown);
        assertTrue(after.await(30, TimeUnit.SECONDS), "the thread goes on with queued jobs afterwards");
    }
}
