package io.modulets.boundary;

import java.lang.invoke.MutableCallSite;
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
    private static final Set<ClassLoader> RETIRED = Collections.newSetFromMap(new WeakHashMap<>());

    private BoundaryLinks() {
    }

    /** Makes {@code generation} the one that new root tasks and unbound shell code get. */
    public static void publish(ClassLoader generation) {
        synchronized (RETIRED) {
            RETIRED.remove(generation); // a rollback may make a retired, still loaded generation current again
        }
        Bindings.current = generation;
    }

    /** Forgets every call-site target that reaches {@code generation}'s classes. */
    public static void retire(ClassLoader generation) {
        synchronized (RETIRED) {
            RETIRED.add(generation);
        }
        List<MutableCallSite> changed = new ArrayList<>();
        for (InlineCacheSite site : sites()) {
            if (site.forget(generation)) {
                changed.add(site);
            }
        }
        if (!changed.isEmpty()) {
            MutableCallSite.syncAll(changed.toArray(new MutableCallSite[0]));
        }
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

    static void register(InlineCacheSite site) {
        synchronized (SITES) {
            SITES.add(site);
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
