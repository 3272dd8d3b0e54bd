package io.modulets.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The bodies of the lambdas of swappable interfaces written in shell code, one per site and generation (the
 * boundary's {@code LambdaObjects}): the site's host class loads its body through a dynamic constant whose bootstrap
 * method is {@link #of}, so that the JIT sees the body as a constant and inlines it. Kept by the host class (a class
 * value), so it goes with the generation. On the bootstrap class path: the host is defined in a generation's loader.
 */
public final class LambdaBodies {
    private static final ClassValue<MethodHandle[]> BODIES = new ClassValue<MethodHandle[]>() {
        @Override
        protected MethodHandle[] computeValue(Class<?> host) {
            return new MethodHandle[1];
        }
    };

    private LambdaBodies() {
    }

    /** Gives {@code host} its body, before its first call. */
    public static void set(Class<?> host, MethodHandle body) {
        BODIES.get(host)[0] = body;
    }

    /** The bootstrap method of the host's dynamic constant: its body. */
    public static Object of(MethodHandles.Lookup host, String name, Class<?> type) {
        MethodHandle body = BODIES.get(host.lookupClass())[0];
        if (body == null) {
            throw new IllegalStateException("modulets: no body for " + host.lookupClass().getName());
        }
        return body;
    }
}
