package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;

/**
 * The site at the entry of a shell method that runs binding sites more than once per call: it
 * reads the calling thread's binding token once, kept in a local and passed to each binding site
 * of the method (docs/JVM-NOTES.md, the activation wave). While one generation is live the binding sites
 * do not look at it, so it is the constant {@link BindingTokens#UNREAD} and costs nothing (a method
 * still running after a publish then reads the binding at each site, so that a task that started
 * before the publish keeps its generation); while generations overlap it reads
 * {@link BindingTokens#BOUND_UNLESS_CONTEXT} (nothing, where the sites take the key from the
 * thread's context class loader). Neither
 * target has a guard: when the phase changes, {@link Relinker} re-targets every token site,
 * in the background. (A switch-point guard per method costs C2 inlining budget, and made C1 give up on a
 * method that inlines a few dozen of them: "out of virtual registers".) Either target is correct
 * in either phase; a stale one only costs time.
 */
final class TokenSite extends MutableCallSite {
    private static final MethodHandle RELINK;
    private static final MethodHandle UNREAD = MethodHandles.constant(int.class, BindingTokens.UNREAD);

    static {
        try {
            RELINK = MethodHandles.lookup().findVirtual(TokenSite.class, "relink", MethodType.methodType(int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MethodHandle relink = RELINK.bindTo(this);

    TokenSite() {
        super(UNREAD); // a placeholder of the type, not MutableCallSite(MethodType)'s, which spins classes per shape
        setTarget(relink);
    }

    private synchronized int relink() throws Throwable {
        if (BoundaryLinks.oneLive()) {
            setTarget(UNREAD);
            return BindingTokens.UNREAD;
        }
        setTarget(BindingTokens.BOUND_UNLESS_CONTEXT);
        return (int) BindingTokens.BOUND_UNLESS_CONTEXT.invokeExact();
    }

    /** The phase changed: take the target of the phase of now (the caller syncs). */
    synchronized void relinkNow() {
        MethodHandle target = BoundaryLinks.oneLive() ? UNREAD : BindingTokens.BOUND_UNLESS_CONTEXT;
        if (getTarget() != target) {
            setTarget(target);
        }
    }
}
