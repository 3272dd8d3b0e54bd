package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.lang.invoke.SwitchPoint;
import java.util.ArrayList;
import java.util.List;

/**
 * A boundary call site as a polymorphic inline cache: a chain of guards, each leading to one
 * resolved handle, ending in a fallback that resolves the miss and adds an entry in front. A
 * cache that reaches {@link #MAX_ENTRIES} starts over with the newest entry.
 *
 * <p>Every entry remembers the generation its target reaches, so that retiring a generation can
 * take its entries out ({@link #forget}): a handle cached in a site would otherwise keep the
 * generation's loader, and all its classes, reachable for as long as the shell class lives.
 */
abstract class InlineCacheSite extends MutableCallSite {
    private static final int MAX_ENTRIES = 8;
    private static final MethodHandle RELINK;

    static {
        try {
            RELINK = MethodHandles.lookup().findVirtual(InlineCacheSite.class, "relink",
                    MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One cached case: if {@code test} then {@code target}, a handle into {@code generation}. */
    private static final class Entry {
        final ClassLoader generation;
        final MethodHandle test;
        final MethodHandle target;

        Entry(ClassLoader generation, MethodHandle test, MethodHandle target) {
            this.generation = generation;
            this.test = test;
            this.target = target;
        }
    }

    final Resolver resolver;
    /** Of the resolver's type, which is the site's own type unless {@link #outer} adds to it. */
    private final MethodHandle fallback;
    /** Newest first, the order of the guard chain. Guarded by this. */
    private final List<Entry> entries = new ArrayList<>();
    /** Set while the only entry is the fast path of the single live generation. Guarded by this. */
    private SwitchPoint single;

    /**
     * @param type  the site's type
     * @param inner the resolver's type: the site's type, or without the parameters that {@link #outer}
     *              adds
     */
    InlineCacheSite(MethodType type, MethodType inner, Resolver resolver) {
        super(type);
        this.resolver = resolver;
        this.fallback = RELINK.bindTo(this).asCollector(Object[].class, inner.parameterCount()).asType(inner);
    }

    /** Call once constructed: the first call relinks. */
    final void start() {
        setTarget(outer(fallback));
    }

    /** A miss: resolve, {@link #addEntry} for what was resolved, and make the call with the arguments. */
    abstract Object relink(Object[] arguments) throws Throwable;

    /**
     * The guard of an entry for {@code generation} when the site keys by generation (null if it
     * cannot be cached); receiver sites, which key by class, have none.
     */
    MethodHandle testFor(ClassLoader generation) {
        return null;
    }

    /** The type of the key the guards test, passed to them as a leading argument; null if they test the arguments. */
    Class<?> keyType() {
        return null;
    }

    /** The site's target from a chain of guards that takes the key and then the resolver's arguments. */
    MethodHandle keyed(MethodHandle chain) {
        return chain;
    }

    /** The site's target from a handle of the resolver's type. */
    MethodHandle outer(MethodHandle inner) {
        return inner;
    }

    /**
     * Puts "if {@code test} then {@code target}" in front of the cache, unless {@code generation}
     * retired meanwhile (the call is still made, but nothing keeps the generation).
     */
    final synchronized void addEntry(ClassLoader generation, MethodHandle test, MethodHandle target) {
        if (BoundaryLinks.isRetired(generation)) {
            return;
        }
        if (entries.size() == MAX_ENTRIES || single != null) {
            entries.clear();
            single = null;
        }
        entries.add(0, new Entry(generation, test, target));
        setTarget(chain());
    }

    /**
     * Links straight to {@code target} while {@code switchPoint} holds (the only live generation):
     * no test per call. Once it is invalidated the site falls back and relinks as a cache.
     */
    final synchronized void linkSingle(ClassLoader generation, SwitchPoint switchPoint, MethodHandle target) {
        if (BoundaryLinks.isRetired(generation)) {
            return;
        }
        entries.clear();
        entries.add(new Entry(generation, null, target));
        single = switchPoint;
        setTarget(chain());
    }

    /**
     * On the fast path of one generation, resolves {@code generation} too and becomes a cache of
     * both (the batch of a publish); false if not on the fast path or if the member does not
     * resolve there (the site then relinks at its next call, and reports the error to its caller).
     */
    final synchronized boolean grow(ClassLoader generation) {
        if (single == null || entries.size() != 1) {
            return false;
        }
        Entry only = entries.get(0);
        MethodHandle newTest = testFor(generation);
        MethodHandle onlyTest = testFor(only.generation);
        if (newTest == null || onlyTest == null) {
            return false;
        }
        MethodHandle target;
        try {
            target = resolver.resolve(generation);
        } catch (LinkageError | RuntimeException unresolved) {
            return false;
        }
        entries.clear();
        entries.add(new Entry(generation, newTest, target));
        entries.add(new Entry(only.generation, onlyTest, only.target));
        single = null;
        setTarget(chain());
        return true;
    }

    /** Empties the cache; true if there was anything to drop. */
    final synchronized boolean forgetAll() {
        if (entries.isEmpty()) {
            return false;
        }
        entries.clear();
        single = null;
        setTarget(outer(fallback));
        return true;
    }

    /** Takes out every entry that reaches {@code generation}; true if the target changed. */
    final synchronized boolean forget(ClassLoader generation) {
        if (!entries.removeIf(e -> e.generation == generation)) {
            return false;
        }
        if (entries.isEmpty()) {
            single = null;
        }
        setTarget(chain());
        return true;
    }

    final synchronized boolean reaches(ClassLoader generation) {
        for (Entry e : entries) {
            if (e.generation == generation) {
                return true;
            }
        }
        return false;
    }

    private MethodHandle chain() {
        if (single != null) {
            return outer(single.guardWithTest(entries.get(0).target, fallback));
        }
        if (entries.isEmpty()) {
            return outer(fallback);
        }
        Class<?>[] key = keyType() == null ? new Class<?>[0] : new Class<?>[] {keyType()};
        MethodHandle chain = MethodHandles.dropArguments(fallback, 0, key);
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            chain = MethodHandles.guardWithTest(e.test, MethodHandles.dropArguments(e.target, 0, key), chain);
        }
        return keyed(chain);
    }
}
