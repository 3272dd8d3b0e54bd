package stress;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import capture.mod.Magic;
import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.GenerationLoader;

/**
 * 10,000 virtual-thread tasks (each also starts a child) while the current generation changes every
 * few milliseconds. Every task reads the swappable code three times around sleeps: all reads must be
 * one generation, the one current when it was submitted; its child must see the same one. None may
 * be lost, and every generation's live count returns to zero. Prints "key value" lines.
 *
 * <p>Generations 1000..1003 are made by deploying jars (the watcher waits 200 ms for quiet); the
 * fast swaps then go through the registry's {@code BoundaryLinks} ({@code publish}), the seam through which
 * the registry activates a generation. Args: versionsDir modulesDir.
 */
public final class Stress {
    static final int TASKS = 10_000;
    static final AtomicInteger finished = new AtomicInteger();
    static final AtomicInteger mixed = new AtomicInteger();
    static final AtomicInteger wrongRoot = new AtomicInteger();
    static final AtomicInteger wrongChild = new AtomicInteger();
    static final AtomicInteger checkedRoot = new AtomicInteger();

    private Stress() {
    }

    public static void main(String[] args) throws Throwable {
        Path versions = Path.of(args[0]);
        Path modules = Path.of(args[1]);
        List<ClassLoader> generations = new ArrayList<>();
        generations.add(Bindings.current());
        for (int magic = 1001; magic <= 1003; magic++) {
            deploy(versions.resolve("magic-" + magic + ".jar"), modules, magic);
            generations.add(Bindings.current());
        }
        Class<?> linksClass = Class.forName("io.modulets.boundary.BoundaryLinks");
        Object links = linksClass.getMethod("installed").invoke(null); // the registry's
        Method publish = linksClass.getMethod("publish", ClassLoader.class);
        Method ofVirtual = Thread.class.getMethod("ofVirtual");
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        Object builder = ofVirtual.invoke(null);

        AtomicInteger swaps = new AtomicInteger();
        volatileStop = false;
        Thread swapper = new Thread(() -> {
            int i = 0;
            while (!volatileStop) {
                try {
                    publish.invoke(links, generations.get(i++ % generations.size()));
                    swaps.incrementAndGet();
                    Thread.sleep(2);
                } catch (Exception e) {
                    System.out.println("swapper-failed " + e);
                    return;
                }
            }
        }, "swapper");
        swapper.setDaemon(true);
        swapper.start();

        long began = System.nanoTime();
        List<Thread> threads = new ArrayList<>(TASKS);
        ClassLoader[] before = new ClassLoader[TASKS];
        boolean[] quiet = new boolean[TASKS];
        for (int i = 0; i < TASKS; i++) {
            int index = i;
            int swapsBefore = swaps.get();
            before[i] = Bindings.current();
            threads.add((Thread) start.invoke(builder, (Runnable) () -> task(index)));
            // No swap during start() (the count also catches a full cycle back to the same generation
            // while this thread was descheduled: the swapper counts right after each publish).
            quiet[i] = Bindings.current() == before[i] && swaps.get() == swapsBefore;
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        for (int i = 0; i < TASKS; i++) {
            // A swap during start() itself leaves either generation possible: only the others are checked.
            if (quiet[i]) {
                checkedRoot.incrementAndGet();
                if (BOUND_TO[i] != before[i]) {
                    wrongRoot.incrementAndGet();
                }
            }
        }
        volatileStop = true;
        swapper.join(10_000);
        System.out.println("tasks " + TASKS);
        System.out.println("finished " + finished.get());
        System.out.println("mixed " + mixed.get());
        System.out.println("wrong-root " + wrongRoot.get());
        System.out.println("wrong-child " + wrongChild.get());
        System.out.println("checked-root " + checkedRoot.get());
        System.out.println("swaps " + swaps.get());
        System.out.println("millis " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (live(generations) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        System.out.println("live " + live(generations));
        System.out.println("done");
    }

    static volatile boolean volatileStop;
    /** The generation each task ran on. */
    static final ClassLoader[] BOUND_TO = new ClassLoader[TASKS];

    static long live(List<ClassLoader> generations) {
        long live = 0;
        for (ClassLoader generation : generations) {
            live += ((GenerationLoader) generation).liveTasks();
        }
        return live;
    }

    static void task(int index) {
        int first = Magic.magic();
        BOUND_TO[index] = Magic.class.getClassLoader();
        pause();
        int second = Magic.magic();
        int[] child = {0};
        Thread childThread = new Thread(() -> child[0] = Magic.magic());
        childThread.start();
        pause();
        int third = Magic.magic();
        try {
            childThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (first != second || second != third) {
            mixed.incrementAndGet();
        }
        if (child[0] != first) {
            wrongChild.incrementAndGet();
        }
        finished.incrementAndGet();
    }

    static void pause() {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deploy(Path jar, Path modules, int magic) throws Exception {
        Path temp = modules.resolve(".magic.jar.tmp");
        Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, modules.resolve("magic.jar"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((int) Bindings.current().loadClass("capture.mod.Magic").getMethod("magic").invoke(null) != magic) {
            if (System.nanoTime() > deadline) {
                System.out.println("swap-not-seen " + magic);
                System.exit(3);
            }
            Thread.sleep(5);
        }
    }
}
