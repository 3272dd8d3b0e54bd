package io.modulets.bootstrap;

import java.util.function.Consumer;

/**
 * The platform MBean server's making, which the agent's MBeans wait for instead of making it themselves: about 300
 * classes and a few hundred ms of CPU (docs/PERFORMANCE.md) that a JVM nobody manages never pays. Hook of the
 * capture rule {@code ManagementRules}: {@code ManagementFactory.getPlatformMBeanServer()} calls {@link
 * #platformServer} before it returns, whoever called it (the application, a framework, a JMX client's attach, the
 * JVM's management agent).
 */
public final class ManagementHooks {
    private static final Handoff PLATFORM_SERVER = new Handoff();

    private ManagementHooks() {
    }

    /** {@code ManagementFactory.getPlatformMBeanServer()}, before each return: the server it returns. */
    public static void platformServer(Object made) {
        PLATFORM_SERVER.made(made);
    }

    /** The agent: gives {@code to} the platform MBean server once it is made (at once if it is); once per JVM. */
    public static void whenPlatformServer(Consumer<Object> to) {
        PLATFORM_SERVER.receiver(to);
    }

    /**
     * Hands a value over once, when both it and its receiver are there, on the thread that brought the second. The
     * receiver is called outside this object's lock, but under whatever the caller holds ({@code
     * ManagementFactory}'s): it should only queue its work.
     */
    static final class Handoff {
        /** Whether the value was handed over: after that, {@link #made} is one read. */
        private volatile boolean handedOver;
        /** Guarded by this. */
        private Object value;
        /** Guarded by this. */
        private Consumer<Object> receiver;

        void made(Object made) {
            if (handedOver || made == null) {
                return;
            }
            Consumer<Object> to;
            synchronized (this) {
                if (handedOver) {
                    return;
                }
                value = made;
                to = receiver;
                if (to == null) {
                    return;
                }
                handedOver = true;
            }
            to.accept(made);
        }

        void receiver(Consumer<Object> to) {
            Object made;
            synchronized (this) {
                if (receiver != null) {
                    throw new IllegalStateException("a second receiver");
                }
                receiver = to;
                made = value;
                if (made == null) {
                    return;
                }
                handedOver = true;
            }
            to.accept(made);
        }
    }
}
