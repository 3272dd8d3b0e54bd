package bnd;

import bnd.mod.Api;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The context path's end (docs/BOUNDARY.md, "The context path"): a site linked while generation 1 alone is live
 * tests the thread's context class loader on its fast path; once a thread is given a generation's loader that is
 * not its binding's, no context says anything any more, and a task of generation 2 whose context is generation
 * 1's loader must still run generation 2.
 */
public final class ContextEnd {
    private ContextEnd() {
    }

    public static void main(String[] args) throws Exception {
        Path versions = Path.of(args[0]);
        Path modules = Path.of(args[1]);
        int first = version(); // linked now: the single generation's fast path
        ClassLoader one = Api.class.getClassLoader();
        Thread main = Thread.currentThread();
        ClassLoader saved = main.getContextClassLoader();
        main.setContextClassLoader(one); // unbound main given generation 1's loader: the context path ends
        main.setContextClassLoader(saved);
        CountDownLatch release = new CountDownLatch(1);
        Thread old = new Thread(() -> App.await(release)); // bound to generation 1: keeps it live
        old.start();
        App.deploy(versions.resolve("bnd-2.jar"), modules);
        App.awaitVersion(2);
        int[] seen = new int[1];
        Thread task = new Thread(() -> { // bound to generation 2
            Thread.currentThread().setContextClassLoader(one);
            seen[0] = version();
        });
        task.start();
        task.join(30_000);
        release.countDown();
        old.join(30_000);
        App.print("main", "first", first);
        App.print("task", "afterEnd", seen[0]);
        App.print("done", "", "");
    }

    /** The one site every call here goes through. */
    static int version() {
        return Api.version();
    }
}
