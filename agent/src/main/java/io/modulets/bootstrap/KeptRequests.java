package io.modulets.bootstrap;

import java.lang.ref.ReferenceQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The requests begun and not yet ended ({@link Requests}), by key, compared by identity and held weakly: each
 * one's binding and the time it began. A {@link WeakIdentityMap} with the start kept in the entry's own key object,
 * which is also its value, so that timing a request allocates nothing more than keeping it did (a wider key:
 * DESIGN §2.12). An entry whose key is collected is released ({@link PendingTasks#release}) as it is found.
 */
final class KeptRequests {
    /** One kept request: its key (weakly, compared by identity as the map's keys are), its binding and its start. */
    static final class Kept extends WeakIdentityMap.WeakKey {
        final ClassLoader binding;
        /** {@link System#nanoTime()} when the request began. */
        final long start;
        /**
         * The response's status where the server tells it before the request ends (an HTTP/2 stream's HEADERS, written
         * on the connection's event loop, which also closes it); 0: read from the key at the end.
         */
        int status;

        private Kept(Object key, ReferenceQueue<Object> queue, ClassLoader binding, long start) {
            super(key, queue);
            this.binding = binding;
            this.start = start;
        }
    }

    private final ConcurrentHashMap<Object, Kept> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    /** Keeps the request of {@code key} on {@code binding}, begun now; returns the request the key held, or null. */
    Kept put(Object key, ClassLoader binding) {
        expunge();
        Kept kept = new Kept(key, collected, binding, System.nanoTime());
        return map.put(kept, kept);
    }

    Kept get(Object key) {
        return map.get(new WeakIdentityMap.LookupKey(key));
    }

    Kept remove(Object key) {
        return map.remove(new WeakIdentityMap.LookupKey(key));
    }

    boolean containsKey(Object key) {
        return map.containsKey(new WeakIdentityMap.LookupKey(key));
    }

    /** Calls {@code action} with each live key and its binding (a snapshot of no particular order). */
    void forEach(BiConsumer<Object, ClassLoader> action) {
        map.forEach((entry, kept) -> {
            Object key = kept.get();
            if (key != null) {
                action.accept(key, kept.binding);
            }
        });
    }

    private void expunge() {
        Object stale;
        while ((stale = collected.poll()) != null) {
            Kept kept = map.remove(stale);
            if (kept != null) {
                PendingTasks.release(kept.binding);
            }
        }
    }
}
