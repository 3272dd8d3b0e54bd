package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.invoke.SwitchPoint;

import io.modulets.bootstrap.Bindings;

/**
 * A site that resolves in the calling thread's binding (static members, {@code new}, class
 * literals, arrays). While one generation is live it links straight to that generation's handle
 * behind a global switch point; while generations overlap its cache is keyed by the binding's
 * token ({@link BindingTokens}): "token == t(g)" → g's handle.
 */
final class BindingSite extends InlineCacheSite {
    BindingSite(MethodType type, Resolver resolver) {
        super(type, resolver);
    }

    /** The guard "the calling thread's binding is {@code generation}", over its token; null if it retired. */
    @Override
    MethodHandle testFor(ClassLoader generation) {
        int token = BoundaryLinks.tokenFor(generation);
        return token == 0 ? null : BindingTokens.isToken(token);
    }

    /** The token of the calling thread's binding, read once per call for all entries. */
    @Override
    MethodHandle key() {
        return BindingTokens.CURRENT;
    }

    @Override
    Object relink(Object[] arguments) throws Throwable {
        ClassLoader generation = Bindings.effective();
        MethodHandle target = resolver.resolve(generation);
        SwitchPoint single = BoundaryLinks.singleFor(generation);
        if (single != null) {
            linkSingle(generation, single, target);
        } else {
            MethodHandle test = testFor(generation);
            if (test != null) { // null: it retired meanwhile, nothing may cache it
                addEntry(generation, test, target);
            }
        }
        return target.invokeWithArguments(arguments);
    }
}
