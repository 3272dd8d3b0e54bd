package io.modulets.boundary;

import java.lang.invoke.MutableCallSite;
import java.lang.invoke.SwitchPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

import io.modulets.bootstrap.Bindings;
import io.modulets.config.Log;

/**
 * What the boundary's call sites must hear about the generations: a new current generation is
 * published, and a generation retires (no site may keep it reachable afterwards: DESIGN §2.7).
 * The registry calls these; nothing else writes {@link Bindings#current}.
 *
 * <p>Every linked site is remembered here, weakly (a shell class of an application loader may
 * itself be unloaded), and so are retired generations, weakly too: a relink that races a
 * retirement must not cache the retired generation again.
 *
 * <p>Why a publish is one switch-point invalidation and nothing per site: while one generation is
 * live, binding sites link straight to it behind the switch point of the {@link Epoch}, whose
 * fallback is a spare call site that holds the site's whole cache, keyed by the thread's binding,
 * and that no compiled code inlines. Changing the target of a site that compiled code inlined
 * deoptimises that code, and each such change is a handshake with every thread: thousands of sites
 * re-targeted one by one took seconds (the activation wave). The one invalidation deoptimises the
 * code that inlined a fast path, all at once; calls of the generations cached go on through the
 * spare without a relink, and the {@link Relinker} adds the new generation at the end of each
 * site's chain, which nothing compiled has inlined either (InlineCacheSite).
 */
public final class BoundaryLinks {
    /**
     * What a site's links were built for: they hold while {@link #switchPoint} is valid.
     * {@link #single} is the only live generation, if there is one: binding sites then link
     * straight to its handle, with no test per call (docs/JVM-NOTES.md, boundary).
     */
    static final class Epoch {
        final SwitchPoint switchPoint = new SwitchPoint();
        final ClassLoader single;

        Epoch(ClassLoader single) {
            this.single = single;
        }
    }

    private static final Set<InlineCacheSite> SITES = Collections.newSetFromMap(new WeakHashMap<>());
    /** The token sites at the entry of shell methods, weakly too. Guarded by SITES. */
    private static final Set<TokenSite> TOKEN_SITES = Collections.newSetFromMap(new WeakHashMap<>());
    private static final Set<ClassLoader> RETIRED = Collections.newSetFromMap(new WeakHashMap<>());
    /** Published and not retired. Guarded by RETIRED. */
    private static final Set<ClassLoader> LIVE = Collections.newSetFromMap(new WeakHashMap<>());
    /** Of binding sites: renewed by every publish and retirement. Written under RETIRED. */
    private static volatile Epoch bindings = new Epoch(null);
    /** Of receiver sites, which a publish does not concern: renewed by every retirement. Written under RETIRED. */
    private static volatile Epoch receivers = new Epoch(null);

    private BoundaryLinks() {
    }

    /**
     * Makes {@code generation} the one that new root tasks and unbound shell code get. Costs one
     * switch-point invalidation, whatever the number of sites: each site relinks itself at its first
     * call, or ahead of it on the relinker's thread, whichever comes first.
     */
    public static void publish(ClassLoader generation) {
        // Before the write of current: no site may keep serving the old single generation's fast path.
        makeLive(generation); // a rollback may make a retired, still loaded generation current again
        Bindings.current = generation;
        Relinker.request(BoundaryLinks::catchUp);
    }

    /**
     * A retired generation has a live task again (an object of its classes submitted as a task,
     * DESIGN §2.7): called on the capturing thread before the task can run, so that its calls resolve
     * in it rather than through the other generation's single-generation fast path.
     */
    public static void revive(ClassLoader generation) {
        makeLive(generation);
        Relinker.request(BoundaryLinks::catchUp);
    }

    /**
     * A canary starts (DESIGN §2.1): live beside the current generation, like a draining one, before
     * any task can draw it. Current does not change: unbound calls keep following it (§2.4).
     */
    public static void canary(ClassLoader generation) {
        makeLive(generation);
        Relinker.request(BoundaryLinks::catchUp);
    }

    private static void makeLive(ClassLoader generation) {
        synchronized (RETIRED) {
            RETIRED.remove(generation);
            LIVE.add(generation);
            renew(false);
        }
    }

    /**
     * Lets binding sites read a bound thread's binding from its context class loader while
     * Bindings.contextIsBinding holds (the agent calls this once capture is installed); they stop
     * when it ends.
     */
    public static void followContext() {
        Bindings.contextNotBinding = BindingTokens::followContext;
        BindingTokens.followContext();
    }

    /** Forgets every call-site target that reaches {@code generation}'s classes. */
    public static void retire(ClassLoader generation) {
        boolean nowSingle;
        synchronized (RETIRED) {
            RETIRED.add(generation);
            LIVE.remove(generation);
            renew(true);
            nowSingle = LIVE.size() == 1;
        }
        // A site that reaches the generation holds it in its own target (and maybe in levels below):
        // it is linked again from the top, here, so that nothing reaches the generation after this.
        List<MutableCallSite> changed = new ArrayList<>();
        for (InlineCacheSite site : sites()) {
            // Back to one live generation: every site to the fast path, from the top.
            if (site.forget(generation, nowSingle)) {
                changed.add(site);
            }
        }
        if (!changed.isEmpty()) {
            MutableCallSite.syncAll(changed.toArray(new MutableCallSite[0]));
        }
        Relinker.request(BoundaryLinks::catchUp);
    }

    /** {@code generation}'s binding token; 0 if it retired, so that nothing caches it again. */
    static int tokenFor(ClassLoader generation) {
        return isRetired(generation) ? 0 : BindingTokens.tokenOf(generation);
    }

    /** How many call sites currently hold a target in {@code generation}, for the pin report. */
    public static int linkedSites(ClassLoader generation) {
        int count = 0;
        for (InlineCacheSite site : sites()) {
            if (site.reaches(generation)) {
                count++;
            }
        }
        return count;
    }

    /** The generations published and not retired. */
    static List<ClassLoader> live() {
        synchronized (RETIRED) {
            return new ArrayList<>(LIVE);
        }
    }

    /** The epoch that binding sites link in now. */
    static Epoch bindingEpoch() {
        return bindings;
    }

    /** The epoch that receiver sites link in now. */
    static Epoch receiverEpoch() {
        return receivers;
    }

    /** Whether exactly one generation is live (the token sites' phase). */
    static boolean oneLive() {
        return bindings.single != null;
    }

    /** Ends the binding sites' epoch (and the receiver sites' too if {@code retirement}) in one invalidation. */
    private static void renew(boolean retirement) {
        // Invalidated before the new epoch is visible: a site never links in an epoch after its successor.
        if (retirement) {
            SwitchPoint.invalidateAll(new SwitchPoint[] {bindings.switchPoint, receivers.switchPoint});
            receivers = new Epoch(null);
        } else {
            SwitchPoint.invalidateAll(new SwitchPoint[] {bindings.switchPoint});
        }
        bindings = new Epoch(LIVE.size() == 1 ? LIVE.iterator().next() : null);
    }

    static void register(InlineCacheSite site) {
        synchronized (SITES) {
            SITES.add(site);
        }
    }

    static void register(TokenSite site) {
        synchronized (SITES) {
            TOKEN_SITES.add(site);
        }
    }

    /**
     * The relinker's pass: every token site on the target of the phase of now, then every site
     * linked in the epoch of now for every live generation (a site that relinked itself first is
     * left as it is). The token sites come first: their re-targets deoptimise the methods that
     * inlined them, which the publish's invalidation deoptimised already, so that this happens
     * before the JIT has compiled them again. Linking the sites re-targets none of them (only the
     * ends of their chains, which compiled code has not inlined: see InlineCacheSite).
     */
    private static void catchUp() {
        List<TokenSite> tokens = tokenSites();
        for (TokenSite site : tokens) {
            site.relinkNow();
        }
        if (!tokens.isEmpty()) {
            MutableCallSite.syncAll(tokens.toArray(new MutableCallSite[0]));
        }
        List<ClassLoader> live = live();
        List<InlineCacheSite> sites = sites();
        for (InlineCacheSite site : sites) {
            try {
                site.prelink(live);
            } catch (RuntimeException | LinkageError e) {
                Log.debug("prelinking a boundary site failed (it relinks at its next call): %s", e);
            }
        }
        if (!sites.isEmpty()) {
            MutableCallSite.syncAll(sites.toArray(new MutableCallSite[0]));
        }
    }

    private static List<TokenSite> tokenSites() {
        synchronized (SITES) {
            return new ArrayList<>(TOKEN_SITES);
        }
    }

    static boolean isRetired(ClassLoader generation) {
        synchronized (RETIRED) {
            return RETIRED.contains(generation);
        }
    }

    static List<InlineCacheSite> sites() {
        synchronized (SITES) {
            return new ArrayList<>(SITES);
        }
    }
}
