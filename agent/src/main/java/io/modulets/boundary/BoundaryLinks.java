package io.modulets.boundary;

import io.modulets.bootstrap.Bindings;

/**
 * What the boundary's call sites must hear about the generations: a new current generation is
 * published, and a generation retires (no site may keep it reachable afterwards: DESIGN §2.7).
 * The registry calls these; nothing else writes {@link Bindings#current}.
 */
public final class BoundaryLinks {
    private BoundaryLinks() {
    }

    /** Makes {@code generation} the one that new root tasks and unbound shell code get. */
    public static void publish(ClassLoader generation) {
        Bindings.current = generation;
    }

    /** Forgets every call-site target that reaches {@code generation}'s classes. */
    public static void retire(ClassLoader generation) {
        // TODO(issue 4): sites cache handles per generation; drop those of a retired generation.
    }

    /** How many call sites currently hold a target in {@code generation}, for the pin report. */
    public static int linkedSites(ClassLoader generation) {
        return 0; // TODO(issue 4)
    }
}
