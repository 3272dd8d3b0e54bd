package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.ref.WeakReference;

import org.junit.jupiter.api.Test;

import io.modulets.testing.Collections;

class WeakIdentityMapTest {
    /** Equal by value but distinct: the map must tell them apart. */
    private record Task(String name) {
    }

    @Test
    void keysAreComparedByIdentity() {
        WeakIdentityMap<String> map = new WeakIdentityMap<>();
        Task a = new Task("t");
        Task b = new Task("t");
        map.put(a, "A");
        assertEquals("A", map.get(a));
        assertNull(map.get(b));
        assertFalse(map.containsKey(b));
        map.put(b, "B");
        assertEquals("A", map.remove(a));
        assertEquals("B", map.get(b));
        assertFalse(map.containsKey(a));
    }

    @Test
    void threadsAreHashedByTheirIdAndStillComparedByIdentity() {
        WeakIdentityMap<String> map = new WeakIdentityMap<>();
        // a subclass whose id is the same for every instance: the id is only the hash
        class SameId extends Thread {
            @Override
            @SuppressWarnings("deprecation")
            public long getId() {
                return 7;
            }
        }
        Thread a = new SameId();
        Thread b = new SameId();
        Thread plain = new Thread(() -> { });
        assertEquals(Long.hashCode(plain.getId()), WeakIdentityMap.hashOf(plain));
        map.put(a, "A");
        map.put(plain, "P");
        assertNull(map.get(b));
        map.put(b, "B");
        assertEquals("A", map.remove(a));
        assertEquals("B", map.get(b));
        assertEquals("P", map.remove(plain));
        assertNull(map.get(plain));
    }

    @Test
    void aCollectedKeyTakesItsEntryWithIt() throws InterruptedException {
        WeakIdentityMap<String> map = new WeakIdentityMap<>();
        Object key = new Object();
        WeakReference<Object> watch = new WeakReference<>(key);
        map.put(key, "value");
        assertEquals(1, map.size());
        key = null;
        // The JVM clears the key at a collection and the Reference Handler thread enqueues it a
        // little later: wait for that, bounded (size() expunges what was enqueued).
        Collections.awaitAfterCollections(() -> map.size() == 0);
        assertNull(watch.get(), "the key was collected");
        assertEquals(0, map.size(), "the stale entry was expunged");
    }
}
