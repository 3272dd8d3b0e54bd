package modulets.bench.startup.app;

import com.alibaba.ttl.TransmittableThreadLocal;

/**
 * With the TTL agent ({@code -Dmodulets.bench.setup=ttl}): one TransmittableThreadLocal value in
 * the main thread, which the first task carries. TTL's classes are loaded only then (its agent puts
 * them on the boot class path).
 */
final class TtlContext {
    private TtlContext() {
    }

    static void holdIfTtl() {
        if ("ttl".equals(System.getProperty("modulets.bench.setup"))) {
            Holder.CONTEXT.set("request-42");
        }
    }

    private static final class Holder {
        static final TransmittableThreadLocal<String> CONTEXT = new TransmittableThreadLocal<>();
    }
}
