package io.modulets.boundary;

import java.lang.invoke.MutableCallSite;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.UnaryOperator;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.CanaryDraw;
import io.modulets.bootstrap.LiveSet;
import io.modulets.config.Log;

/**
 * What the boundary's call sites must hear about the generations: a new current generation is
 * published, and a generation retires (no site may keep it reachable afterwards: DESIGN §2.7).
 * The registry calls these; they are the only writers of the published {@link LiveSet}.
 *
 * <p>Every linked site is remembered here, weakly (a shell class of an application loader may
 * itself be unloaded), and so are retired generations, weakly too: a relink that races a
 * retirement must not cache the retired generation again.
 *
 * <p>One instance per lifecycle: the registry makes it ({@link #install}) and owns it, with its
 * {@link Relinker}. The call sites find it through the one static root, {@link #installed()}, when they
 * are linked (an {@code invokedynamic} bootstrap in an application class has nothing else to reach it
 * by), and keep it. What is live is not here but in the published {@link LiveSet}, which the hooks in
 * JDK code read: there is one per JVM.
 *
 * <p>Why a publish is one switch-point invalidation and nothing per site: while one generation is
 * live, binding sites link straight to it behind the switch point of the {@link LiveSet.Epoch}, whose
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
     * Every links made, weakly (their sites hold them): those replaced keep sites whose targets stay correct, but
     * for the context path's end (followContext). Guarded by BoundaryLinks.class.
     */
    private static final Set<BoundaryLinks> ALL = Collections.newSetFromMap(new WeakHashMap<>());
    /** The links of this JVM's lifecycle: what new call sites register with. */
    private static volatile BoundaryLinks installed = new BoundaryLinks();

    private final Set<InlineCacheSite> sites = Collections.newSetFromMap(new WeakHashMap<>());
    /** The token sites at the entry of shell methods, weakly too. Guarded by sites. */
    private final Set<TokenSite> tokenSites = Collections.newSetFromMap(new WeakHashMap<>());
    /**
     * Generations that retired, weakly: a relink that races a retirement must not cache one again. Changed
     * with the published live set, under this lock: {@link #update} is the one way to change either.
     */
    private final Set<ClassLoader> retired = Collections.newSetFromMap(new WeakHashMap<>());
    final Relinker relinker = new Relinker(new Runnable() { // not a method reference: made at every start
        @Override
        public void run() {
            catchUp();
        }
    });

    private BoundaryLinks() {
        synchronized (BoundaryLinks.class) {
            ALL.add(this);
        }
    }

    /**
     * Makes new links the ones new call sites register with, for a new lifecycle (the agent's registry,
     * once per JVM; each test's own), and returns them. The links they replace stop relinking: their sites
     * keep their targets, which stay correct, and are no longer told of publishes.
     */
    public static BoundaryLinks install() {
        BoundaryLinks links = new BoundaryLinks();
        BoundaryLinks previous;
        synchronized (BoundaryLinks.class) {
            previous = installed;
            installed = links;
        }
        previous.relinker.stop();
        return links;
    }

    /** The links new call sites register with. */
    public static BoundaryLinks installed() {
        return installed;
    }

    /**
     * Makes {@code generation} the one that new root tasks and unbound shell code get (an activation, a
     * rollback, or a canary's promotion, which ends the canary). Costs one switch-point invalidation,
     * whatever the number of sites: each site relinks itself at its first call, or ahead of it on the
     * relinker's thread, whichever comes first. A rollback may make a retired, still loaded generation
     * current again.
     */
    public void publish(ClassLoader generation) {
        update(new UnaryOperator<LiveSet>() { // not a lambda: generation 1 is published at every start
            @Override
            public LiveSet apply(LiveSet live) {
                return live.withCurrent(generation);
            }
        }, generation);
    }

    /**
     * A retired generation has a live task again (an object of its classes submitted as a task,
     * DESIGN §2.7): called on the capturing thread before the task can run, so that its calls resolve
     * in it rather than through the other generation's single-generation fast path.
     */
    public void revive(ClassLoader generation) {
        update(live -> live.withLive(generation), generation);
    }

    /**
     * A canary starts (DESIGN §2.1): live beside the current generation, like a draining one, and drawn
     * by new root tasks from the same write on. Current does not change: unbound calls keep following
     * it (§2.4).
     */
    public void canary(CanaryDraw draw) {
        update(live -> live.withCanary(draw), draw.generation());
    }

    /** The canary is aborted: no new root task draws it; it stays live while it drains. */
    public void endCanary() {
        update(LiveSet::withoutCanary, null);
    }

    /**
     * The one seam through which the live set changes: the next set is built from the published one and
     * published in one write ({@link Bindings#publish}), under this lock, with the retired generations;
     * then the relinker links the sites in the new epoch.
     */
    private void update(UnaryOperator<LiveSet> change, ClassLoader madeLive) {
        boolean newEpoch;
        synchronized (retired) {
            if (madeLive != null) {
                retired.remove(madeLive);
            }
            LiveSet previous = Bindings.liveSet();
            LiveSet next = change.apply(previous);
            Bindings.publish(next);
            newEpoch = next.bindingEpoch != previous.bindingEpoch;
        }
        if (newEpoch) {
            relinker.request();
        }
    }

    /**
     * Lets binding sites read a bound thread's binding from its context class loader while
     * Bindings.contextIsBinding holds (the agent calls this once capture is installed); they stop
     * when it ends.
     */
    public static void followContext() {
        Bindings.contextNotBinding = new Runnable() { // a class, not a method reference: made in premain
            @Override
            public void run() {
                if (BindingTokens.followContext()) {
                    relinkAll();
                }
            }
        };
        BindingTokens.followContext();
    }

    /**
     * The context path ended: every binding site of every links is linked again from the top, so that no fast
     * path tests the thread's context any more. On the thread whose write ended it, before that write: a
     * re-target per linked site, each a handshake with every thread where compiled code inlined the site (with
     * thousands of hot sites, seconds), once per JVM at most; a stale test would run another generation's code.
     */
    private static void relinkAll() {
        List<BoundaryLinks> all;
        synchronized (BoundaryLinks.class) {
            all = new ArrayList<>(ALL);
        }
        for (BoundaryLinks links : all) {
            List<MutableCallSite> changed = new ArrayList<>();
            for (InlineCacheSite site : links.sites()) {
                if (site.relinkFromTop()) {
                    changed.add(site);
                }
            }
            if (!changed.isEmpty()) {
                MutableCallSite.syncAll(changed.toArray(new MutableCallSite[0]));
            }
        }
    }

    /** Forgets every call-site target that reaches {@code generation}'s classes. */
    public void retire(ClassLoader generation) {
        boolean nowSingle;
        synchronized (retired) {
            retired.add(generation);
            LiveSet next = Bindings.liveSet().without(generation);
            Bindings.publish(next);
            nowSingle = next.bindingEpoch.single != null;
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
        relinker.request();
    }

    /** {@code generation}'s binding token; 0 if it retired, so that nothing caches it again. */
    int tokenFor(ClassLoader generation) {
        return isRetired(generation) ? 0 : BindingTokens.tokenOf(generation);
    }

    /** How many call sites currently hold a target in {@code generation}, for the pin report. */
    public int linkedSites(ClassLoader generation) {
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
        return Bindings.liveSet().live();
    }

    /** The epoch that binding sites link in now. */
    static LiveSet.Epoch bindingEpoch() {
        return Bindings.liveSet().bindingEpoch;
    }

    /** The epoch that receiver sites link in now. */
    static LiveSet.Epoch receiverEpoch() {
        return Bindings.liveSet().receiverEpoch;
    }

    /** Whether exactly one generation is live (the token sites' phase). */
    static boolean oneLive() {
        return Bindings.liveSet().bindingEpoch.single != null;
    }

    void register(InlineCacheSite site) {
        synchronized (sites) {
            sites.add(site);
        }
    }

    void register(TokenSite site) {
        synchronized (sites) {
            tokenSites.add(site);
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
    private void catchUp() {
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

    private List<TokenSite> tokenSites() {
        synchronized (sites) {
            return new ArrayList<>(tokenSites);
        }
    }

    boolean isRetired(ClassLoader generation) {
        synchronized (retired) {
            return retired.contains(generation);
        }
    }

    List<InlineCacheSite> sites() {
        synchronized (sites) {
            return new ArrayList<>(sites);
        }
    }
}
