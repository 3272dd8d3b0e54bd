package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
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
    /** Whether the last argument is the calling method's binding token (0: the thread is unbound). */
    private final boolean withToken;

    /** @param type the site's type, which ends in the method's token if {@code withToken} */
    BindingSite(MethodType type, Resolver resolver, boolean withToken) {
        super(type, withToken ? type.dropParameterTypes(type.parameterCount() - 1, type.parameterCount()) : type,
                resolver);
        this.withToken = withToken;
    }

    /** The guard "the calling thread's binding is {@code generation}", over its token; null if it retired. */
    @Override
    MethodHandle testFor(ClassLoader generation) {
        int token = BoundaryLinks.tokenFor(generation);
        return token == 0 ? null : BindingTokens.isToken(token);
    }

    @Override
    Class<?> keyType() {
        return int.class;
    }

    /**
     * The key is the token of the calling thread's binding: the method's token, read at its entry,
     * or else read now, once for all entries (JVM-NOTES, the activation wave).
     */
    @Override
    MethodHandle keyed(MethodHandle chain) {
        if (!withToken) {
            return MethodHandles.foldArguments(chain, BindingTokens.CURRENT);
        }
        MethodHandle keyFirst = MethodHandles.filterArguments(chain, 0, BindingTokens.KEY_OF);
        int n = type().parameterCount();
        int[] order = new int[n];
        order[0] = n - 1;
        for (int i = 1; i < n; i++) {
            order[i] = i - 1;
        }
        return MethodHandles.permuteArguments(keyFirst, type(), order);
    }

    @Override
    MethodHandle outer(MethodHandle inner) {
        return withToken ? MethodHandles.dropArguments(inner, inner.type().parameterCount(), int.class) : inner;
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
