package io.modulets.bootstrap;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A concurrent map from objects, compared by identity and held weakly, to values: the threads
 * started and not yet running, the agent's and pools' threads, and CompletableFuture stages where
 * they have no field. An entry goes with its key when the key is collected. (Tasks, far more numerous,
 * have their own cheaper table, {@link TaskTable}.)
 */
final class WeakIdentityMap<V> {
    private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    /** Told the value of each entry whose key was collected (a task dropped without running). */
    private final Consumer<V> onCollected;

    WeakIdentityMap() {
        this(NoHook.instance());
    }

    WeakIdentityMap(Consumer<V> onCollected) {
        this.onCollected = onCollected;
    }

    /** Returns the value {@code key} had, or null. */
    V put(Object key, V value) {
        expunge();
        return map.put(new WeakKey(key, collected), value);
    }

    /** Atomically combines {@code value} with the present one ({@link ConcurrentHashMap#merge}). */
    void merge(Object key, V value, BiFunction<? super V, ? super V, ? extends V> combine) {
        expunge();
        map.merge(new WeakKey(key, collected), value, combine);
    }

    /** Removes the entry only while it still maps to {@code value} (compared by equals). */
    boolean remove(Object key, V value) {
        return map.remove(new LookupKey(key), value);
    }

    /** Replaces the value only while it still is {@code expected}. */
    boolean replace(Object key, V expected, V value) {
        return map.replace(new LookupKey(key), expected, value);
    }

    /**
     * Waits for the next collected key and passes its value to the listener; for a daemon thread
     * that reclaims dropped tasks even when nothing is submitted any more.
     */
    void awaitCollected() throws InterruptedException {
        Object stale = collected.remove();
        V value = map.remove(stale);
        if (value != null) {
            onCollected.accept(value);
        }
        expunge();
    }

    V get(Object key) {
        return map.get(new LookupKey(key));
    }

    V remove(Object key) {
        return map.remove(new LookupKey(key));
    }

    boolean containsKey(Object key) {
        return map.containsKey(new LookupKey(key));
    }

    /** Calls {@code action} with each live key and its value (a snapshot of no particular order). */
    void forEach(java.util.function.BiConsumer<Object, V> action) {
        map.forEach((key, value) -> {
            Object referent = key instanceof WeakKey ? ((WeakKey) key).get() : null;
            if (referent != null) {
                action.accept(referent, value);
            }
        });
    }

    int size() {
        expunge();
        return map.size();
    }

    private void expunge() {
        Object stale;
        while ((stale = collected.poll()) != null) {
            V value = map.remove(stale);
            if (value != null) {
                onCollected.accept(value);
            }
        }
    }

    /**
     * A key's hash: a thread's id for a thread, else the identity hash. A thread is a key from its start to its first
     * read of its state, and a new thread's first identity hash is a call into the VM (about 4 % of the agent's time
     * per virtual thread); its id is a final field, unique for the JVM's life. Keys are still compared by identity.
     */
    static int hashOf(Object key) {
        return key instanceof Thread ? Long.hashCode(((Thread) key).getId()) : System.identityHashCode(key);
    }

    /**
     * The stored key: weak, with the referent's hash ({@link #hashOf}) fixed at creation. Open to a key that carries its
     * entry's value itself ({@link KeptRequests}).
     */
    static class WeakKey extends WeakReference<Object> {
        private final int hash;

        WeakKey(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = hashOf(referent);
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
            if (other instanceof LookupKey) {
                return ((LookupKey) other).referent == get();
            }
            // Two distinct WeakKeys are equal only while they refer to the same live object.
            Object mine = get();
            return mine != null && other instanceof WeakKey && ((WeakKey) other).get() == mine;
        }
    }

    /** A short-lived strong key for look-ups; escape analysis usually removes it. */
    static final class LookupKey {
        private final Object referent;

        LookupKey(Object referent) {
            this.referent = referent;
        }

        @Override
        public int hashCode() {
            return hashOf(referent);
        }

        @Override
        public boolean equals(Object other) {
            if (other instanceof WeakKey) {
                return ((WeakKey) other).get() == referent;
            }
            return other instanceof LookupKey && ((LookupKey) other).referent == referent;
        }
    }
}
