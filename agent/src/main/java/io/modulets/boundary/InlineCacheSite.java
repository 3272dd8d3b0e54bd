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
 * resolved handle, ending in a fallback that resolves the miss and adds an entry in front. While
 * one generation is live a binding site links straight to its handle instead, which holds while
 * the {@link BoundaryLinks.Epoch} it was built in holds; the site relinks after that from the
 * entries it kept. A cache that reaches {@link #MAX_ENTRIES} drops its oldest entry.
 *
 * <p>Every entry remembers the generation its target reaches, so that retiring a generation can
 * take its entries out ({@link #forget}): a handle cached in a site would otherwise keep the
 * generation's loader, and all its classes, reachable for as long as the shell class lives.
 */
abstract class InlineCacheSite extends MutableCallSite {
    private static final int MAX_ENTRIES = 8;
    /** Levels of links below the site before a link collapses them (see {@link #link}). */
    private static final int MAX_DEPTH = 4;
    private static final MethodHandle RELINK;

    static {
        try {
            RELINK = MethodHandles.lookup().findVirtual(InlineCacheSite.class, "relink",
                    MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One cached case: if {@code test} then {@code target}, a handle into {@code generation}, for
     * calls whose key (a generation, a receiver class) is {@code key}.
     */
    static final class Entry {
        final Object key;
        final ClassLoader generation;
        final MethodHandle test;
        final MethodHandle target;

        Entry(Object key, ClassLoader generation, MethodHandle test, MethodHandle target) {
            this.key = key;
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
    /** The level that holds the site's link: this site, or a spare of an earlier link. Guarded by this. */
    private MutableCallSite tail = this;
    /** How many levels below this site {@link #tail} is. Guarded by this. */
    private int depth;
    /** The fallback of the link in {@link #tail}: a call site that no compiled code has inlined. Guarded by this. */
    private MutableCallSite spare;
    /** The switch point of the epoch the link in {@link #tail} was built in; null if none. Guarded by this. */
    private SwitchPoint linked;
    /**
     * Whether that link ends with its epoch (the fast path of the single live generation, whose
     * fallback is {@link #spare}); a cache keyed by token or class is right in every epoch and has
     * no guard (a guard around it made C1 give up on methods that inline a few dozen sites: "out of
     * virtual registers"). Guarded by this.
     */
    private boolean guarded;

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

    /** A miss, or the first call in a new epoch: {@link #link}, and make the call with the arguments. */
    abstract Object relink(Object[] arguments) throws Throwable;

    /** The epoch the site links in now. */
    abstract BoundaryLinks.Epoch epoch();

    /**
     * Links the site in the epoch of now, ahead of its next call, caching what it will need in
     * {@code live} (the generations live now); by default from what it has cached.
     */
    void prelink(List<ClassLoader> live) {
        if (!isEmpty()) {
            link(List.of());
        }
    }

    /**
     * Whether the site's epoch ended and the relinker's pass, under way, will link it: the call is
     * then made without linking (from the cache, or resolved for this call only). A request thread
     * that runs thousands of distinct sites right after a publish would otherwise build all their
     * links in one round.
     */
    final synchronized boolean awaitsRelinker() {
        return guarded && linked.hasBeenInvalidated() && Relinker.busy();
    }

    /** Whether nothing is cached: the site was never called successfully, or only for retired generations. */
    final synchronized boolean isEmpty() {
        return entries.isEmpty();
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

    /** The target cached for {@code key}, or null. */
    final synchronized MethodHandle cached(Object key) {
        Entry entry = find(key);
        return entry == null ? null : entry.target;
    }

    /**
     * Puts {@code added} in front of the cache, except an entry whose generation retired meanwhile
     * (the call is still made, but nothing keeps the generation), and links the site in the epoch
     * of now unless it already is and nothing was added.
     *
     * <p>Where the link goes: re-targeting a call site that compiled code inlined deoptimises that
     * code, one handshake with every thread per site (on JDK 17 and 25 also when the code was
     * already deoptimised, until the JIT flushes it). After an epoch ends, calls reach the spare of
     * the dead link, which nothing compiled has inlined: the new link goes there, one level down,
     * and costs no deoptimisation. A retirement, which must take entries out of every level,
     * collapses the levels ({@link #forget}); so does reaching {@link #MAX_DEPTH}.
     */
    final synchronized void link(List<Entry> added) {
        boolean grew = false;
        for (Entry entry : added) {
            if (!BoundaryLinks.isRetired(entry.generation) && find(entry.key) == null) {
                entries.add(0, entry);
                grew = true;
            }
        }
        while (entries.size() > MAX_ENTRIES) {
            entries.remove(entries.size() - 1);
        }
        BoundaryLinks.Epoch epoch = epoch();
        if (!grew && linked != null && (linked == epoch.switchPoint || (!guarded && fastEntry(epoch) == null))) {
            linked = epoch.switchPoint; // an unguarded cache is right in every epoch without a fast path
            return;
        }
        if (guarded && linked.hasBeenInvalidated()) {
            if (depth < MAX_DEPTH) {
                tail = spare;
                depth++;
            } else {
                tail = this;
                depth = 0;
            }
        }
        install(epoch);
    }

    /**
     * Takes out every entry that reaches {@code generation} (from every level: the site is linked
     * again from the top, in the epoch of now), and if {@code relink}, links the site from the top
     * even if it had none (back to one live generation: the fast path); true if the target changed.
     */
    final synchronized boolean forget(ClassLoader generation, boolean relink) {
        boolean removed = entries.removeIf(e -> e.generation == generation);
        if (!removed && (!relink || entries.isEmpty())) {
            return false;
        }
        tail = this;
        depth = 0;
        if (entries.isEmpty()) {
            linked = null;
            guarded = false;
            spare = null;
            setTarget(outer(fallback));
        } else {
            install(epoch());
        }
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

    /**
     * Links the site at its own level again, if it went down (the relinker's last step): a link one
     * level down costs C1 more than it can take in a method that inlines a few dozen sites ("out of
     * virtual registers"), and the interpreter twice as much. A handshake, so off the request threads.
     */
    final synchronized boolean collapse() {
        if (depth == 0 || (guarded && linked.hasBeenInvalidated())) {
            return false; // at its own level, or its link died meanwhile: its next call relinks it
        }
        tail = this;
        depth = 0;
        install(epoch());
        return true;
    }

    /** How many levels the site has below itself, for tests. */
    final synchronized int depth() {
        return depth;
    }

    private Entry find(Object key) {
        for (Entry e : entries) {
            if (e.key == key) {
                return e;
            }
        }
        return null;
    }

    /**
     * Links {@link #tail} in {@code epoch}: the fast path behind the epoch's switch point, with a
     * fresh spare as the fallback once the epoch ends, or the cache, unguarded.
     */
    private void install(BoundaryLinks.Epoch epoch) {
        linked = epoch.switchPoint;
        Entry fast = fastEntry(epoch);
        if (fast != null) {
            guarded = true;
            spare = new MutableCallSite(outer(fallback));
            tail.setTarget(epoch.switchPoint.guardWithTest(outer(fast.target), spare.dynamicInvoker()));
        } else {
            guarded = false;
            spare = null;
            tail.setTarget(chain());
        }
    }

    /** The entry of the only live generation if the site keys by generation: linked with no test at all. */
    private Entry fastEntry(BoundaryLinks.Epoch epoch) {
        return epoch.single == null || keyType() == null ? null : find(epoch.single);
    }

    /** The cache: a guard per entry, newest first, ending in the fallback; of the site's type. */
    private MethodHandle chain() {
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
