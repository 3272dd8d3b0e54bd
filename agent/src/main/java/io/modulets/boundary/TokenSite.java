package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.lang.invoke.SwitchPoint;

/**
 * The site at the entry of a shell method that has binding sites: it reads the calling thread's
 * binding token once, kept in a local and passed to each binding site of the method (JVM-NOTES,
 * the activation wave). While one generation is live the binding sites do not look at it, so it
 * is a constant behind that phase's switch point and costs nothing ({@link BindingTokens#UNREAD}:
 * a method still running after the publish then reads the binding at each site, so that a task
 * that started before the publish keeps its generation); while generations
 * overlap it reads {@link BindingTokens#BOUND}, with no guard (a guard per method is enough to
 * make C1 give up on a method that inlines a few dozen of them: "out of virtual registers"), and
 * {@link BoundaryLinks} puts it back to {@link #reset} when one generation is left.
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
        super(MethodType.methodType(int.class));
        setTarget(relink);
    }

    private synchronized int relink() throws Throwable {
        SwitchPoint single = BoundaryLinks.singlePhase();
        if (single != null) {
            setTarget(single.guardWithTest(UNREAD, relink));
            return BindingTokens.UNREAD;
        }
        setTarget(BindingTokens.BOUND);
        return (int) BindingTokens.BOUND.invokeExact();
    }

    /** Back to one live generation: relink at the next call, to the constant (the caller syncs). */
    synchronized void reset() {
        setTarget(relink);
    }
}
