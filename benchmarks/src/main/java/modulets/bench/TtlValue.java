package modulets.bench;

import com.alibaba.ttl.TransmittableThreadLocal;

/**
 * What the "ttl" setup's agent exists to carry: one {@code TransmittableThreadLocal} holding a value
 * in the submitting thread, so that every captured task copies it and every run replays it (with
 * nothing set, TTL's capture is cheaper than any real use of it). In the other setups this does
 * nothing and TTL's classes are never loaded: they are on the boot class path only where its agent
 * put them there ({@code Boot-Class-Path} in its manifest).
 */
public final class TtlValue {
    /** The version the build copies beside benchmarks.jar (benchmarks/pom.xml, {@code ttl.version}). */
    public static final String VERSION = "2.14.5";

    private static final boolean ACTIVE = "ttl".equals(System.getProperty("modulets.bench.setup"));

    private TtlValue() {
    }

    /** Sets the value in the calling thread if the TTL agent runs; idempotent. */
    public static void holdInThisThread() {
        if (ACTIVE) {
            Holder.set();
        }
    }

    /** Loaded only when the TTL agent runs. */
    private static final class Holder {
        static final TransmittableThreadLocal<String> CONTEXT = new TransmittableThreadLocal<>();

        static void set() {
            if (CONTEXT.get() == null) {
                CONTEXT.set("request-42");
            }
        }
    }
}
