package io.modulets.bootstrap;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The requests begun and not yet ended ({@link Requests}), by key, compared by identity and held weakly: each
 * one's binding and the time it began. A {@link WeakIdentityMap} with the start kept in the entry's own key object,
 * which is also its value, so that timing a request allocates nothing more than keeping it did (a wider key:
 * DESIGN §2.12). An entry whose key is collected is released ({@link PendingTasks#release}) as it is found.
 */
final class KeptRequests {
    /** One kept request: its key (weakly), the key's identity hash, its binding and when it began. */
    static final class Kept extends WeakReference<Object> {
        private final int hash;
        final ClassLoader binding;
        /** {@link System#nanoTime()} when the request began. */
        final long start;

        private Kept(Object key, ReferenceQueue<Object> queue, ClassLoader binding, long start) {
            super(key, queue);
            this.hash = System.identityHashCode(key);
            this.binding = binding;
            this.start = start;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            Object mine = get();
            if (other instanceof Lookup) {
                return mine != null && ((Lookup) other).key == mine;
            }
            return mine != null && other instanceof Kept && ((Kept) other).get() == mine;
        }
    }

    /** A short-lived strong key for look-ups; escape analysis usually removes it. */
    private static final class Lookup {
        private final Object key;

        Lookup(Object key) {
            this.key = key;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(key);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Kept ? ((Kept) other).get() == key
                    : other instanceof Lookup && ((Lookup) other).key == key;
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
        return map.get(new Lookup(key));
    }

    Kept remove(Object key) {
        return map.remove(new Lookup(key));
    }

    boolean containsKey(Object key) {
        return map.containsKey(new Lookup(key));
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
