package sv;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * A home-made server: a poller thread, started at boot, that only hands each "request" line to a
 * pool. Unless named in loops=, it is a task bound to generation 1 for its whole life.
 */
public final class LoopApp {
    /** The loop: takes work from a queue and submits it. */
    public static final class Poller implements Runnable {
        final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
        final ExecutorService pool = Executors.newFixedThreadPool(2);

        @Override
        public void run() {
            while (true) {
                String id = queue.poll();
                if (id == null) {
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                pool.execute(() -> {
                    try {
                        System.out.println("done " + id + " " + Gates.serve(id));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Poller poller = new Poller();
        Thread thread = new Thread(poller, "home-made-poller");
        thread.setDaemon(true);
        thread.start();
        System.out.println("ready 0");
        Gates.commands(line -> {
            if (line.startsWith("job ")) {
                poller.queue.add(line.substring("job ".length()));
            }
        });
        poller.pool.shutdown(); // its threads would keep the JVM running
    }
}
