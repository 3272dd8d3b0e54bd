package io.modulets.boundary;

import java.lang.invoke.MutableCallSite;
import java.lang.invoke.SwitchPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

import io.modulets.bootstrap.Bindings;

/**
 * What the boundary's call sites must hear about the generations: a new current generation is
 * published, and a generation retires (no site may keep it reachable afterwards: DESIGN §2.7).
 * The registry calls these; nothing else writes {@link Bindings#current}.
 *
 * <p>Every linked inline-cache site is remembered here, weakly (a shell class of an application
 * loader may itself be unloaded), and so are retired generations, weakly too: a relink that
 * races a retirement must not cache the retired generation again.
 */
public final class BoundaryLinks {
    private static final Set<InlineCacheSite> SITES = Collections.newSetFromMap(new WeakHashMap<>());
    /** The token sites at the entry of shell methods, weakly too. Guarded by SITES. */
    private static final Set<TokenSite> TOKEN_SITES = Collections.newSetFromMap(new WeakHashMap<>());
    private static final Set<ClassLoader> RETIRED = Collections.newSetFromMap(new WeakHashMap<>());
    /** Published and not retired. Guarded by RETIRED, like the two fields below. */
    private static final Set<ClassLoader> LIVE = Collections.newSetFromMap(new WeakHashMap<>());
    /**
     * Valid while exactly one generation is live: binding sites then link straight to its
     * handle behind this switch point, with no per-call test at all (JVM-NOTES, boundary). A
     * second live generation invalidates it, before it becomes current.
     */
    private static SwitchPoint single;
    private static ClassLoader singleGeneration;

    private BoundaryLinks() {
    }

    /** Makes {@code generation} the one that new root tasks and unbound shell code get. */
    public static void publish(ClassLoader generation) {
        boolean endsSingle;
        synchronized (RETIRED) {
            RETIRED.remove(generation); // a rollback may make a retired, still loaded generation current again
            endsSingle = single != null && singleGeneration != generation;
        }
        if (endsSingle) {
            // One batch (JVM-NOTES, the activation wave): every site on the fast path resolves the new
            // generation and gets both entries now, before the fast path ends, instead of each site
            // relinking on a request thread, one call-site change after another.
            List<MutableCallSite> grown = new ArrayList<>();
            for (InlineCacheSite site : sites()) {
                if (site.grow(generation)) {
                    grown.add(site);
                }
            }
            if (!grown.isEmpty()) {
                MutableCallSite.syncAll(grown.toArray(new MutableCallSite[0]));
            }
        }
        boolean phaseChanged;
        synchronized (RETIRED) {
            LIVE.add(generation);
            phaseChanged = updateSingle();
        }
        if (phaseChanged) {
            resetTokenSites();
        }
        Bindings.current = generation;
    }

    /** Forgets every call-site target that reaches {@code generation}'s classes. */
    public static void retire(ClassLoader generation) {
        boolean nowSingle;
        boolean phaseChanged;
        synchronized (RETIRED) {
            RETIRED.add(generation);
            LIVE.remove(generation);
            nowSingle = single == null && LIVE.size() == 1;
            phaseChanged = updateSingle();
        }
        if (phaseChanged) {
            resetTokenSites();
        }
        List<MutableCallSite> changed = new ArrayList<>();
        for (InlineCacheSite site : sites()) {
            // Back to one live generation: every site relinks, to the fast path, at its next call.
            if (nowSingle ? site.forgetAll() : site.forget(generation)) {
                changed.add(site);
            }
        }
        if (!changed.isEmpty()) {
            MutableCallSite.syncAll(changed.toArray(new MutableCallSite[0]));
        }
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

    /** The switch point of the fast path if {@code generation} is the only live one, else null. */
    static SwitchPoint singleFor(ClassLoader generation) {
        synchronized (RETIRED) {
            return generation == singleGeneration ? single : null;
        }
    }

    /** The switch point of the one-generation phase, or null if not in it. */
    static SwitchPoint singlePhase() {
        synchronized (RETIRED) {
            return single;
        }
    }

    /** Starts or ends the one-generation phase as LIVE says; true if it did either. */
    private static boolean updateSingle() {
        if (LIVE.size() == 1) {
            if (single == null) {
                single = new SwitchPoint();
                singleGeneration = LIVE.iterator().next();
                return true;
            }
        } else if (single != null) {
            SwitchPoint.invalidateAll(new SwitchPoint[] {single});
            single = null;
            singleGeneration = null;
            return true;
        }
        return false;
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

    /** Every token site relinks at its next call, to the target of the phase it then finds. */
    private static void resetTokenSites() {
        List<TokenSite> sites;
        synchronized (SITES) {
            sites = new ArrayList<>(TOKEN_SITES);
        }
        for (TokenSite site : sites) {
            site.reset();
        }
        if (!sites.isEmpty()) {
            MutableCallSite.syncAll(sites.toArray(new MutableCallSite[0]));
        }
    }

    static boolean isRetired(ClassLoader generation) {
        synchronized (RETIRED) {
            return RETIRED.contains(generation);
        }
    }

    private static List<InlineCacheSite> sites() {
        synchronized (SITES) {
            return new ArrayList<>(SITES);
        }
    }
}
