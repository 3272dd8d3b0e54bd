package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.LiveSet;

/**
 * A site that resolves in the calling thread's binding (static members, {@code new}, class
 * literals, arrays). While one generation is live it links straight to that generation's handle
 * behind a global switch point; while generations overlap its cache is keyed by the binding's
 * token ({@link BindingTokens}): "token == t(g)" → g's handle.
 */
final class BindingSite extends InlineCacheSite {
    /** Whether the last argument is the calling method's binding token (0: the thread is unbound). */
    private final boolean withToken;

    /** @param type the site's type, which ends in the method's token if {@code withToken} */
    BindingSite(MethodType type, Resolver resolver, boolean withToken, BoundaryLinks links) {
        super(type, withToken ? type.dropParameterTypes(type.parameterCount() - 1, type.parameterCount()) : type,
                resolver, links);
        this.withToken = withToken;
    }

    /** The entry "the calling thread's binding is {@code generation}" → {@code target}; null if it retired. */
    private InlineCacheSite.Entry entry(ClassLoader generation, MethodHandle target) {
        int token = links.tokenFor(generation);
        return token == 0 ? null : new Entry(generation, generation, BindingTokens.isToken(token), target);
    }

    @Override
    LiveSet.Epoch epoch() {
        return BoundaryLinks.bindingEpoch();
    }

    @Override
    Class<?> keyType() {
        return int.class;
    }

    /**
     * The key is the token of the calling thread's binding: from its context class loader, or else the
     * method's token, read at its entry, or else read now, once for all entries (docs/JVM-NOTES.md,
     * the activation wave).
     */
    @Override
    MethodHandle keyed(MethodHandle chain) {
        if (!withToken) {
            return MethodHandles.foldArguments(chain, BindingTokens.KEY_NOW);
        }
        MethodHandle keyFirst = MethodHandles.filterArguments(chain, 0, BindingTokens.KEY);
        int n = type().parameterCount();
        int[] order = new int[n];
        order[0] = n - 1;
        for (int i = 1; i < n; i++) {
            order[i] = i - 1;
        }
        return MethodHandles.permuteArguments(keyFirst, type(), order);
    }

    /**
     * A thread whose context class loader is the single generation's takes its handle through a test of
     * its own, even while that generation is the only live one: its compiled code then stays right when
     * a publish ends the fast path's epoch, and is not deoptimised by it unless it also ran the fast path
     * (the guard's profile is this site's own). A test of the token and no more: the cache here made
     * C1 give up on methods that inline a few dozen sites ("out of virtual registers"). No test while the
     * context path does not hold.
     */
    @Override
    MethodHandle fastOrCache(MethodHandle fast, Entry single) {
        MethodHandle first = contextFirst(single, fast);
        return first == null ? fast : first;
    }

    /** The current generation's threads first, by the same context test as the top link's ({@link #fastOrCache}). */
    @Override
    MethodHandle spareFront(MethodHandle cache) {
        Entry current = entryFor(Bindings.current());
        return current == null ? null : contextFirst(current, cache);
    }

    /** "The thread's context is {@code entry}'s generation" → its target, else {@code otherwise}; null without a test. */
    private MethodHandle contextFirst(Entry entry, MethodHandle otherwise) {
        MethodHandle contextIs = BindingTokens.contextIs(links.tokenFor(entry.generation));
        return contextIs == null ? null : MethodHandles.guardWithTest(contextIs, outer(entry.target), otherwise);
    }

    @Override
    MethodHandle outer(MethodHandle inner) {
        return withToken ? MethodHandles.dropArguments(inner, inner.type().parameterCount(), int.class) : inner;
    }

    /**
     * Links the calling thread's generation, and while generations overlap the current one too: a
     * site then usually changes its target once per epoch, not once more when the first task of
     * the new generation arrives (each change deoptimises the code that inlined the site).
     */
    @Override
    MethodHandle relink(Object receiver) {
        LiveSet.Epoch epoch = BoundaryLinks.bindingEpoch();
        ClassLoader generation = Bindings.effective();
        MethodHandle target = cached(generation);
        if (awaitsRelinker()) {
            return target != null ? target : resolver.resolve(generation);
        }
        List<Entry> added = new ArrayList<>(2);
        if (target == null) {
            target = resolver.resolve(generation);
            addTo(added, entry(generation, target));
        }
        ClassLoader current = Bindings.current();
        if (epoch.single == null && current != null && current != generation && cached(current) == null) {
            try {
                addTo(added, entry(current, resolver.resolve(current)));
            } catch (LinkageError | RuntimeException notThere) {
                // the member is not in the current generation: its callers get the error when they call
            }
        }
        link(added);
        return target;
    }

    /** Links every live generation not cached yet, ahead of the calls (the relinker's pass after a change). */
    @Override
    void prelink(List<ClassLoader> live) {
        if (isEmpty()) {
            return; // never called successfully: it stays cold
        }
        List<Entry> added = new ArrayList<>(live.size());
        for (ClassLoader generation : live) {
            if (cached(generation) == null) {
                try {
                    addTo(added, entry(generation, resolver.resolve(generation)));
                } catch (LinkageError | RuntimeException notThere) {
                    // not in that generation: its callers get the error when they call
                }
            }
        }
        link(added);
    }

    private static void addTo(List<Entry> added, Entry entry) {
        if (entry != null) {
            added.add(entry);
        }
    }
}
