package io.modulets.bootstrap;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * The class loader of a generation, as JDK capture code sees it. A task whose own class was defined
 * by such a loader is bound to that generation (DESIGN §2.1). It also counts the generation's live
 * tasks (§2.7): capture calls {@link #taskCaptured()} once per submission bound to it and
 * {@link #taskReleased()} exactly once when that task ends or will never run. On the bootstrap class
 * path so that code inlined into JDK classes can call it.
 *
 * <p>A class, not an interface, for the hot paths' {@code instanceof GenerationLoader}, which mostly fails (a shell
 * class's loader, a task of the application's): against a class it is one compare at a fixed depth of the
 * hierarchy; against an interface, HotSpot before JDK 23 scans the loader's list of secondary supertypes every time
 * it fails ({@code repnz scas}), 8–9 ns per submission on JDK 17 (docs/JVM-NOTES.md, "A failing check against an
 * interface").
 */
public abstract class GenerationLoader extends URLClassLoader {
    static {
        registerAsParallelCapable(); // else no subclass can be
    }

    protected GenerationLoader(String name, URL[] urls, ClassLoader parent) {
        super(name, urls, parent);
    }

    /** The generation's live tasks: what {@link #taskCaptured()} and {@link #taskReleased()} count in. */
    public abstract LiveCount live();

    /** A task bound to this generation was submitted (or a thread bound to it started). */
    public final void taskCaptured() {
        live().captured();
    }

    /** A task counted by {@link #taskCaptured()} finished, or will never run. */
    public final void taskReleased() {
        live().released();
    }

    /** Tasks submitted and not yet finished; never negative. */
    public final long liveTasks() {
        return live().sum();
    }

    /** What this generation's task runs did; the agent's record of the generation keeps it after the loader is gone. */
    public abstract TaskOutcomes outcomes();

    /** The generation's token at the boundary: positive and unique among this JVM's generation loaders, or 0 for none. */
    public abstract int serial();
}
