package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.lang.invoke.SwitchPoint;
import java.util.ArrayList;
import java.util.List;
import io.modulets.bootstrap.LiveSet;

/**
 * A boundary call site as a polymorphic inline cache: a chain of guards, each leading to one
 * resolved handle, ending in a fallback that resolves the miss. While one generation is live a
 * binding site links straight to its handle instead, which holds while the
 * {@link LiveSet.Epoch} it was built in holds. A cache that reaches {@link #MAX_ENTRIES} drops
 * its oldest entry.
 *
 * <p>Every entry remembers the generation its target reaches, so that retiring a generation can
 * take its entries out ({@link #forget}): a handle cached in a site would otherwise keep the
 * generation's loader, and all its classes, reachable for as long as the shell class lives.
 *
 * <p>Why the links are made so that a publish, and what follows it, re-targets no call site that
 * compiled code inlined (the activation wave): re-targeting such a call site deoptimises the code,
 * one handshake with every thread per call site, and the code then waits for the JIT again; with
 * thousands of hot sites on a few cores, that was a minute of slow calls after every publish. So:
 * <ul>
 *   <li>the fast path of a single generation falls back to a call site of its own (a spare) that
 *       holds the site's whole cache from the start, keyed by token: when the epoch ends, calls of
 *       the cached generations go on without a relink;</li>
 *   <li>every chain ends in a call site of its own (the level's end) instead of the fallback: a new
 *       entry (the new generation's, linked by the relinker or at the first call that misses) is
 *       linked there, one level down. Compiled code that never missed has no dependency on the end
 *       (the guard's branch profile made the miss an uncommon trap), so linking there costs no
 *       handshake; code that did miss deoptimises itself, at the trap.</li>
 * </ul>
 * Only a retirement (which must take entries out of every level), a cache that drops an entry, and
 * {@link #MAX_DEPTH} levels link the site again from the top.
 */
abstract class InlineCacheSite extends MutableCallSite {
    private static final int MAX_ENTRIES = 8;
    /** Levels grown below the top link before a link starts from the top again (see {@link #link}). */
    private static final int MAX_DEPTH = 4;
    /** {@code (InlineCacheSite, Object) MethodHandle}: {@link #relink(Object)}. */
    private static final MethodHandle RELINK;

    static {
        try {
            RELINK = MethodHandles.lookup().findVirtual(InlineCacheSite.class, "relink",
                    MethodType.methodType(MethodHandle.class, Object.class));
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
    /** The links the site registered with when it was linked first (its lifecycle's). */
    final BoundaryLinks links;
    /** Of the resolver's type, which is the site's own type unless {@link #outer} adds to it. */
    private final MethodHandle fallback;
    /** The fallback with the key in front (the type of a level of the chain). */
    private final MethodHandle levelFallback;
    /** Newest first; every entry is reachable through the links. Guarded by this. */
    private final List<Entry> entries = new ArrayList<>();
    /** The end of the chain's last level, whose target is {@link #levelFallback}; null if unlinked. Guarded by this. */
    private MutableCallSite end;
    /** How many levels were grown below the top link. Guarded by this. */
    private int depth;
    /** The switch point of the epoch the site was last linked in; null if none. Guarded by this. */
    private SwitchPoint linked;
    /**
     * The spare of the top link's fast path while the top link is the fast path of a single generation (which ends
     * with its epoch), else null. Guarded by this.
     */
    private MutableCallSite spare;
    /** The cache the top link was made with (its levels grow at its end). Guarded by this. */
    private MethodHandle cache;
    /** The switch point of the epoch whose current generation the spare tests first; null if none. Guarded by this. */
    private SwitchPoint frontedIn;

    /**
     * @param type  the site's type
     * @param inner the resolver's type: the site's type, or without the parameters that {@link #outer}
     *              adds
     * @param links the links it registers with
     */
    InlineCacheSite(MethodType type, MethodType inner, Resolver resolver, BoundaryLinks links) {
        // A placeholder that start() replaces before the JVM can call the site: MutableCallSite(MethodType) makes an
        // "uninitialized call site" target per shape, whose varargs conversion spun nine classes at a JVM's first site.
        super(MethodHandles.empty(type));
        this.resolver = resolver;
        this.links = links;
        this.fallback = fallback(inner, resolver.kind().byReceiver);
        this.levelFallback = keyType() == null ? fallback : MethodHandles.dropArguments(fallback, 0, keyType());
    }

    /** Call once constructed: the first call relinks. */
    final void start() {
        setTarget(outer(fallback));
        links.register(this);
    }

    /**
     * A miss, or the first call in a new epoch: {@link #link}, and the handle that makes this call (of the
     * resolver's type), which the fallback then invokes with the call's arguments. {@code receiver} is the
     * call's first argument if the site keys by receiver ({@link SiteKind#byReceiver}), else null.
     */
    abstract MethodHandle relink(Object receiver) throws Throwable;

    /**
     * {@link #relink} folded into an exact invoker of {@code inner}: the call's arguments go to the handle it
     * returns. Not a varargs collector around a method that takes them as an array: that spun eight classes
     * (the collector's forms) at a JVM's first boundary site, and each call through it spread them again.
     */
    private MethodHandle fallback(MethodType inner, boolean byReceiver) {
        MethodHandle select = RELINK.bindTo(this);
        if (byReceiver) {
            select = MethodHandles.dropArguments(
                    select.asType(MethodType.methodType(MethodHandle.class, inner.parameterType(0))),
                    1, inner.parameterList().subList(1, inner.parameterCount()));
        } else {
            select = MethodHandles.dropArguments(MethodHandles.insertArguments(select, 0, (Object) null),
                    0, inner.parameterList());
        }
        return MethodHandles.foldArguments(MethodHandles.exactInvoker(inner), select);
    }

    /** The epoch the site links in now. */
    abstract LiveSet.Epoch epoch();

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
     * Whether the site has not been linked in the epoch of now and the relinker's pass, under way,
     * will link it: a call that misses is then made without linking (from the cache, or resolved
     * for this call only). A request thread that runs thousands of distinct sites right after a
     * publish would otherwise build all their links in one round.
     */
    final synchronized boolean awaitsRelinker() {
        return linked != epoch().switchPoint && links.relinker.busy();
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

    /** The target of the fast path {@code fast} of the single generation's entry {@code single}. */
    MethodHandle fastOrCache(MethodHandle fast, Entry single) {
        return fast;
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
     * of now: the fast path of a single generation from the top, else what was added one level
     * down, at the end of the chain (see the class comment).
     */
    final synchronized void link(List<Entry> added) {
        List<Entry> grown = new ArrayList<>(added.size());
        for (Entry entry : added) {
            if (!links.isRetired(entry.generation) && find(entry.key) == null) {
                entries.add(0, entry);
                grown.add(entry);
            }
        }
        boolean dropped = false;
        while (entries.size() > MAX_ENTRIES) {
            dropped |= !grown.remove(entries.remove(entries.size() - 1));
        }
        LiveSet.Epoch epoch = epoch();
        Entry single = fastEntry(epoch);
        if (single != null) {
            if (spare == null || linked != epoch.switchPoint || !grown.isEmpty() || dropped) {
                linkFromTop(epoch);
            }
            return;
        }
        if (end == null || dropped || (!grown.isEmpty() && depth >= MAX_DEPTH)) {
            linkFromTop(epoch);
            return;
        }
        if (!grown.isEmpty()) {
            MutableCallSite next = new MutableCallSite(levelFallback);
            end.setTarget(chain(grown, TargetInvoker.of(next)));
            MutableCallSite.syncAll(new MutableCallSite[] {end});
            end = next;
            depth++;
        }
        if (spare != null && frontedIn != epoch.switchPoint) {
            MethodHandle front = spareFront(cache);
            if (front != null) {
                spare.setTarget(front);
                MutableCallSite.syncAll(new MutableCallSite[] {spare});
                frontedIn = epoch.switchPoint;
            }
        }
        linked = epoch.switchPoint;
    }

    /**
     * The spare's target once the single generation's epoch has ended: {@code cache} behind a first test for the
     * threads of the current generation, or null to leave the spare as it is. Why: the first tasks of a new
     * generation reach the top link's fast path, whose switch point is invalid, so their calls go through the
     * spare; through the cache they pass a test per cached generation and the levels, which C1's first tier
     * compiles as a handle each (too large for C1 in methods of a few dozen sites), and they stay slow until C2
     * has compiled the method again. The spare is re-targeted, not the site: code that only the old generation's
     * threads ran never inlined the spare (its branch was never taken), and code that inlined it ran the fast
     * path and was deoptimised by the publish already.
     */
    MethodHandle spareFront(MethodHandle cache) {
        return null;
    }

    /** The cached entry for {@code key}, or null; call holding the site's lock. */
    final Entry entryFor(Object key) {
        return find(key);
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
        linkFromTop(epoch());
        return true;
    }

    /** Links the site again from the top, in the epoch of now, if it has a cache; true if it did. */
    final synchronized boolean relinkFromTop() {
        if (entries.isEmpty()) {
            return false;
        }
        linkFromTop(epoch());
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

    /** How many levels were grown below the top link since it was last made, for tests. */
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
     * Links the site itself in {@code epoch} with every entry: the fast path behind the epoch's switch
     * point, falling back to a spare that holds the cache, or the cache; its chain ends in a fresh
     * level end. A re-target of the site: code that inlined it is deoptimised.
     */
    private void linkFromTop(LiveSet.Epoch epoch) {
        depth = 0;
        if (entries.isEmpty()) {
            end = null;
            linked = null;
            spare = null;
            cache = null;
            setTarget(outer(fallback));
            return;
        }
        end = new MutableCallSite(levelFallback);
        cache = keyed(chain(entries, TargetInvoker.of(end)));
        linked = epoch.switchPoint;
        Entry single = fastEntry(epoch);
        frontedIn = null;
        if (single != null) {
            // The switch point around the spare, not inside it: an unbound thread's path is then the test, the
            // switch point's guard and the target, which C1 compiles in a method of 25 sites (with the switch
            // point in the spare it passed the spare's invoker too, and C1 gave up: 1,751 ns per site 40 s in)
            spare = new MutableCallSite(cache);
            MethodHandle fastPath = epoch.switchPoint.guardWithTest(outer(single.target), TargetInvoker.of(spare));
            setTarget(fastOrCache(fastPath, single));
        } else {
            spare = null;
            setTarget(cache);
        }
    }

    /** The entry of the only live generation if the site keys by generation: linked with no test at all. */
    private Entry fastEntry(LiveSet.Epoch epoch) {
        return epoch.single == null || keyType() == null ? null : find(epoch.single);
    }

    /** A level of the cache: a guard per entry of {@code level}, in its order, ending in {@code miss}; keyed. */
    private MethodHandle chain(List<Entry> level, MethodHandle miss) {
        Class<?>[] key = keyType() == null ? new Class<?>[0] : new Class<?>[] {keyType()};
        MethodHandle chain = miss;
        for (int i = level.size() - 1; i >= 0; i--) {
            Entry e = level.get(i);
            chain = MethodHandles.guardWithTest(e.test, MethodHandles.dropArguments(e.target, 0, key), chain);
        }
        return chain;
    }
}
