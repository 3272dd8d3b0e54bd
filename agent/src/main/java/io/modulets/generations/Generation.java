package io.modulets.generations;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.modulets.bootstrap.TaskOutcomes;
import io.modulets.loader.GenerationClassLoader;

/**
 * One immutable version of all swappable code (DESIGN §1): a snapshot in the store and the class
 * loader that defines its classes. Named by a sequence number for people and a content hash for
 * machines; its label comes from the jars.
 *
 * <p>Its life (§2.7): {@link State#CURRENT} → {@link State#DRAINING} while tasks bound to it remain
 * → {@link State#RETIRED} when none does (the agent then holds its loader only weakly) →
 * {@link State#UNLOADED} once the loader was collected. A draining or retired generation whose
 * content is activated again, or that a task captures again (an object of its classes submitted as
 * a task), goes back. A generation activated as a canary starts in {@link State#CANARY} (a fraction of
 * new root tasks get it) and becomes current when promoted, or drains when aborted. The {@link Registry}
 * makes every transition; this record keeps the metadata, which outlives the loader.
 */
public final class Generation {
    /** The states of DESIGN §4, in the order a generation normally goes through them. */
    public enum State {
        CURRENT, DRAINING, RETIRED, UNLOADED,
        /** Live beside the current generation: a fraction of new root tasks get it (DESIGN §2.1). */
        CANARY;

        /** The word used in logs, JMX and the CLI. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One state change, with when it happened. */
    public record Transition(State state, Instant at) {
    }

    private final int sequence;
    private final Snapshot snapshot;
    private final Instant created;
    private final List<Transition> history = new ArrayList<>();
    /** Read without the registry's lock by the live-count listeners; written under it. */
    private volatile State state;
    /** The loader while current, a canary or draining; null once retired, so the agent does not pin it. */
    private GenerationClassLoader loader;
    /** Always set; cleared by the collector when the loader is unreachable, then enqueued. */
    private LoaderReference reference;
    private boolean pinsReported;
    /** Whether the drain warning named it already (once per draining). */
    private boolean drainWarned;
    /** The loader's task outcome counters, kept past the loader's life (they reference none of its classes). */
    private volatile TaskOutcomes outcomes;

    Generation(int sequence, Snapshot snapshot, Instant created) {
        this.sequence = sequence;
        this.snapshot = snapshot;
        this.created = created;
    }

    void attach(GenerationClassLoader loader, ReferenceQueue<GenerationClassLoader> unloads) {
        this.loader = loader;
        this.reference = new LoaderReference(loader, this, unloads);
        this.outcomes = loader.outcomes();
    }

    public int sequence() {
        return sequence;
    }

    public String hash() {
        return snapshot.hash();
    }

    public String label() {
        return snapshot.label();
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public Instant created() {
        return created;
    }

    public State state() {
        return state;
    }

    /** Every state change so far, oldest first. */
    public synchronized List<Transition> history() {
        return List.copyOf(history);
    }

    /** When the generation last entered {@code wanted}, or null if it never did. */
    public synchronized Instant since(State wanted) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).state() == wanted) {
                return history.get(i).at();
            }
        }
        return null;
    }

    /**
     * The loader while the generation is current or draining. A retired one answers only while
     * the collector has not yet taken it (the answer then holds it again: do not keep it); an
     * unloaded one answers null.
     */
    public GenerationClassLoader loader() {
        GenerationClassLoader strong = loader;
        return strong != null ? strong : reference == null ? null : reference.get();
    }

    /** Tasks bound to this generation that have not finished; 0 once unloaded. */
    public long liveTasks() {
        GenerationClassLoader l = loader();
        return l == null ? 0 : l.liveTasks();
    }

    /**
     * What this generation's task runs did so far (DESIGN §4, "Outcomes"): a snapshot, also after the generation
     * retired and its loader was unloaded.
     */
    public Outcomes outcomes() {
        TaskOutcomes counters = outcomes;
        return counters == null ? Outcomes.NONE : Outcomes.of(counters);
    }

    /** Whether its loader may still be alive: not yet observed collected by the agent. */
    public boolean isLoaded() {
        return reference != null && !reference.refersTo(null);
    }

    // ---- transitions, made by the Registry under its lock ----------------------------------

    void enter(State next, Instant at) {
        synchronized (this) {
            history.add(new Transition(next, at));
        }
        pinsReported = false;
        drainWarned = false;
        state = next;
        GenerationClassLoader held = loader;
        if (held != null) {
            // After the state: a thread that finds its count unsteady then reads the new state. Leaving the steady
            // states takes a safepoint too, which the registry makes (Registry.leave).
            held.live().steady(next == State.CURRENT || next == State.CANARY);
        }
    }

    /** Sets the state without recording it: the registry's check for a racing capture (see Registry). */
    void tentatively(State next) {
        state = next;
    }

    /** Keeps the loader strongly again (it is current or has live tasks again). */
    void hold(GenerationClassLoader l) {
        loader = l;
    }

    /** Drops the agent's strong reference: from now on only the weak reference reaches the loader. */
    void release() {
        loader = null;
    }

    /** Whether the pin report was already logged (once per draining or retirement). */
    boolean pinsReported() {
        return pinsReported;
    }

    void pinsReported(boolean reported) {
        pinsReported = reported;
    }

    /** Whether the drain warning named it (once per draining). */
    boolean drainWarned() {
        return drainWarned;
    }

    void drainWarned(boolean warned) {
        drainWarned = warned;
    }

    @Override
    public String toString() {
        return "generation " + sequence + " (" + snapshot.label() + ", " + snapshot.shortHash() + ")";
    }

    /** The weak reference through which the agent observes that the loader was collected. */
    static final class LoaderReference extends WeakReference<GenerationClassLoader> {
        final Generation generation;

        LoaderReference(GenerationClassLoader loader, Generation generation,
                        ReferenceQueue<GenerationClassLoader> queue) {
            super(loader, queue);
            this.generation = generation;
        }
    }
}
