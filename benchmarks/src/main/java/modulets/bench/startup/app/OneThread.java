package modulets.bench.startup.app;

import modulets.bench.startup.swap.Greeting;

/**
 * The trivial application of the whole-process figure: {@code main} starts one thread that calls one
 * swappable static method, waits for it and exits. Nothing is timed inside: the parent measures the
 * process from its start to its exit. With the TTL agent it sets one TransmittableThreadLocal value
 * first, which the new thread inherits, so that TTL has something to carry.
 */
public final class OneThread {
    private OneThread() {
    }

    public static void main(String[] args) throws Exception {
        TtlContext.holdIfTtl();
        String[] text = new String[1];
        Thread thread = new Thread(() -> text[0] = Greeting.text());
        thread.start();
        thread.join();
        System.out.println(text[0]);
    }
}
