package io.modulets.bootstrap;

/**
 * The class loader of a generation, as JDK capture code sees it. A task whose own class was defined
 * by such a loader is bound to that generation (DESIGN §2.1). It also counts the generation's live
 * tasks (§2.7): capture calls {@link #taskCaptured()} once per submission bound to it and
 * {@link #taskReleased()} exactly once when that task ends or will never run. On the bootstrap class
 * path so that code inlined into JDK classes can call it.
 */
public interface GenerationLoader {
    /** The generation's live tasks: what {@link #taskCaptured()} and {@link #taskReleased()} count in. */
    LiveCount live();

    /** A task bound to this generation was submitted (or a thread bound to it started). */
    default void taskCaptured() {
        live().captured();
    }

    /** A task counted by {@link #taskCaptured()} finished, or will never run. */
    default void taskReleased() {
        live().released();
    }

    /** Tasks submitted and not yet finished; never negative. */
    default long liveTasks() {
        return live().sum();
    }

    /** What this generation's task runs did; the agent's record of the generation keeps it after the loader is gone. */
    TaskOutcomes outcomes();
}
