package bnd;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import bnd.mod.Api;

/**
 * Shell program for BoundaryUnloadIT: uses generation 1 through every construct of App, swaps
 * to generation 2 and uses it through the same sites while a task of generation 1 still runs;
 * that task ends, generation 1 retires, and no call site keeps it: its loader becomes unreachable
 * and its classes unload. Prints "key value" lines. Args: versionsDir modulesDir.
 */
public final class Unload {
    public static void main(String[] args) throws Exception {
        Path versions = Path.of(args[0]);
        Path modules = Path.of(args[1]);
        WeakReference<ClassLoader> first = new WeakReference<>(Api.class.getClassLoader());
        App.early = new bnd.mod.Widget(1);
        App.earlyThrower = new bnd.mod.Thrower();
        App.all("gen1");
        // Held past the retirement (a pinned generation): calls on it must work without a site keeping it.
        Object pinned = new bnd.mod.Widget(5);
        // A root task started now is bound to generation 1: it keeps it draining until released.
        CountDownLatch release = new CountDownLatch(1);
        Thread draining = new Thread(() -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gen1-task");
        draining.start();
        App.deploy(versions.resolve("bnd-2.jar"), modules);
        App.awaitVersion(2);
        App.all("gen2");
        // What the program itself still holds of generation 1 goes; the boundary's sites must not hold it.
        App.early = null;
        App.earlyThrower = null;
        Board.last = null;
        Board.all = null;
        Adapt.madeAtInit = null;
        App.print("linked", "before", linkedSites(first.get()));
        release.countDown();
        draining.join(TimeUnit.SECONDS.toMillis(30));
        draining = null; // an ended Thread object still names its binding's loader as context class loader
        App.print("retired", "", retired(first.get()));
        App.print("linked", "after", linkedSites(first.get()));
        App.print("pinned", "", callPinned(pinned) + " " + callPinned(pinned));
        App.print("linked", "pinned", linkedSites(first.get()));
        pinned = null;
        boolean unloaded = collected(first);
        App.print("unloaded", "", unloaded);
        if (!unloaded) { // what may still hold it, for the report
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                App.print("thread", thread.getName(), thread.getContextClassLoader());
            }
        }
        // The sites go on working on generation 2 (constructs that need generation 1's objects are left out).
        App.run("after", "static", App::statics);
        App.run("after", "arrays", App::arrays);
        App.run("after", "lambdas", App::lambdas);
        App.run("after", "erased", App::erased);
        App.run("after", "enum", App::enums);
        App.run("after", "byname", App::byName);
        App.run("after", "subclass", App::subclasses);
        App.print("done", "", "");
    }

    /** Calls on an object of a retired generation, through receiver sites (by value: its own generation's code). */
    static String callPinned(Object pinned) {
        bnd.mod.Widget widget = (bnd.mod.Widget) pinned;
        return widget.describe() + "/" + widget.value() + "/" + (pinned instanceof bnd.mod.Widget);
    }

    static int linkedSites(ClassLoader generation) throws ReflectiveOperationException {
        Class<?> links = Class.forName("io.modulets.boundary.BoundaryLinks");
        return (int) links.getMethod("linkedSites", ClassLoader.class)
                .invoke(links.getMethod("installed").invoke(null), generation); // the registry's links
    }

    /** Waits (at most 20 s) until the registry retired the generation: its sites are emptied then. */
    static boolean retired(ClassLoader generation) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (linkedSites(generation) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return linkedSites(generation) == 0;
    }

    /** Collects until the reference is cleared, for at most 20 seconds of collections. */
    static boolean collected(WeakReference<?> reference) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (reference.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        return reference.get() == null;
    }
}
