package ex;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.example.magic.MagicModule;

/**
 * ExitIT's application: runs generation 1, deploys generation 2 through the watched modules directory
 * (args[1] renamed into args[2]) and waits until a new task runs it, then ends the way args[0] says:
 * {@code return} from main, {@code exit-in-thread} (System.exit(3) from a task on a new thread) or
 * {@code exit-in-pool} (System.exit(4) from a pool's task). Before it ends it prints the live threads
 * that would keep the JVM from exiting (non-daemon ones but its own) and how many of the JDK's
 * watch-service threads are alive; a shutdown hook of its own waits (bounded) for those to end, and
 * prints how many are left: one still sitting in its native poll when the JVM exits holds the exit
 * back by about 300 ms (HotSpot waits for threads in native code).
 */
public final class App {
    private static final String POLLER = "FileSystemWatchService";

    private App() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("generation " + inNewThread());
        Path staged = Path.of(args[2]).resolveSibling(".magic.jar.tmp");
        Files.copy(Path.of(args[1]), staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, Path.of(args[2]), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int magic;
        while ((magic = inNewThread()) == 1000 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("generation " + magic);
        List<String> holding = new ArrayList<>();
        int pollers = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t != Thread.currentThread() && t.isAlive() && !t.isDaemon()) {
                holding.add(t.getName());
            }
            pollers += t.getName().equals(POLLER) ? 1 : 0;
        }
        System.out.println("non-daemon threads: " + holding);
        System.out.println("watch-service threads: " + pollers);
        Runtime.getRuntime().addShutdownHook(new Thread(App::awaitPollers, "ex-await-pollers"));
        switch (args[0]) {
            case "return" -> System.out.println("returning");
            case "exit-in-thread" -> {
                Thread task = new Thread(() -> {
                    MagicModule.getMagic();
                    System.exit(3);
                });
                task.start();
                task.join(); // never returns: the exit waits for nothing of this thread's
            }
            case "exit-in-pool" -> {
                ExecutorService pool = Executors.newFixedThreadPool(1);
                pool.submit(() -> {
                    MagicModule.getMagic();
                    System.exit(4);
                }).get();
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static int inNewThread() throws InterruptedException {
        int[] magic = new int[1];
        Thread t = new Thread(() -> magic[0] = MagicModule.getMagic());
        t.start();
        t.join();
        return magic[0];
    }

    /** In a shutdown hook: waits up to 20 s for the watch-service threads to end, and prints how many did not. */
    private static void awaitPollers() {
        int left = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(POLLER)) {
                try {
                    t.join(20_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                left += t.isAlive() ? 1 : 0;
            }
        }
        System.out.println("watch-service threads left at exit: " + left);
    }
}
