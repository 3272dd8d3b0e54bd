package modulets.bench.startup.app;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import modulets.bench.startup.swap.Greeting;

/**
 * The small application of the startup figure: at {@code main} it notes the time, submits one task
 * to a pool that calls swappable code, and prints both times ({@code System.nanoTime}, which on
 * Linux is CLOCK_MONOTONIC, shared with the parent that started this JVM). It is packed alone into
 * an app jar; none of the benchmark harness is on its class path.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        long atMain = System.nanoTime();
        TtlContext.holdIfTtl();
        ExecutorService pool = Executors.newFixedThreadPool(1);
        long[] atTask = new long[1];
        String text = pool.submit(() -> {
            String t = Greeting.text();
            atTask[0] = System.nanoTime();
            return t;
        }).get();
        pool.shutdown();
        System.out.println("startup\t" + atMain + "\t" + atTask[0] + "\t" + text);
    }
}
