package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;

/**
 * A handle that calls a {@link MutableCallSite}'s target, as {@link MutableCallSite#dynamicInvoker()} does, but
 * that C1 compiles as C2 does: it reads the target through the final {@link MutableCallSite#getTarget()}, which
 * C1 binds, folds to the target of now (with a dependency, as C2 does) and inlines.
 *
 * <p>Why: {@code dynamicInvoker()} reads it through the abstract {@code CallSite.getTarget()}, which C1 calls as
 * a virtual method and whose result it then calls as a variable, through the JDK's exact invoker: its type check,
 * its customization count, and a class spun and compiled per handle called more than 127 times. In the
 * JIT's first tier (before C2, and again after a publish sends new tasks through code compiled for the old
 * generation) the calls that go through a spare or a level's end did that once per hot site: thousands of
 * classes spun and compiled while the code waited (docs/BOUNDARY.md, "Before C2").
 */
final class TargetInvoker {
    /** {@code (MutableCallSite) MethodHandle}: the final {@link MutableCallSite#getTarget()}. */
    private static final MethodHandle TARGET_OF;

    static {
        try {
            TARGET_OF = MethodHandles.lookup().findVirtual(MutableCallSite.class, "getTarget",
                    MethodType.methodType(MethodHandle.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TargetInvoker() {
    }

    /** A handle of {@code site}'s type that calls its target of the moment. */
    static MethodHandle of(MutableCallSite site) {
        return MethodHandles.foldArguments(MethodHandles.exactInvoker(site.type()), TARGET_OF.bindTo(site));
    }
}
