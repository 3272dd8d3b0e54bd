package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;

/**
 * A boundary call site as a polymorphic inline cache: a chain of guards, each leading to one
 * resolved handle, ending in a fallback that resolves the miss and adds an entry in front. A
 * cache that reaches {@link #MAX_ENTRIES} starts over with the newest entry.
 */
abstract class InlineCacheSite extends MutableCallSite {
    private static final int MAX_ENTRIES = 8;
    private static final MethodHandle RELINK;

    static {
        try {
            RELINK = MethodHandles.lookup().findVirtual(InlineCacheSite.class, "relink",
                    MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Resolver resolver;
    private final MethodHandle fallback;
    private int entries;

    InlineCacheSite(MethodType type, Resolver resolver) {
        super(type);
        this.resolver = resolver;
        this.fallback = RELINK.bindTo(this).asCollector(Object[].class, type.parameterCount()).asType(type);
        setTarget(fallback);
    }

    /** A miss: resolve, {@link #addEntry} for what was resolved, and make the call with the arguments. */
    abstract Object relink(Object[] arguments) throws Throwable;

    /** Puts "if {@code test} then {@code target}" in front of the cache. */
    final synchronized void addEntry(MethodHandle test, MethodHandle target) {
        MethodHandle rest = entries < MAX_ENTRIES ? getTarget() : fallback;
        entries = entries < MAX_ENTRIES ? entries + 1 : 1;
        setTarget(MethodHandles.guardWithTest(test, target, rest));
    }
}
