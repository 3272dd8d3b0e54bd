package io.modulets.bootstrap;

import java.lang.invoke.SwitchPoint;
import java.util.Arrays;
import java.util.List;

/**
 * Which generations tasks and calls can reach now, as one immutable value (DESIGN §2.1, §2.4): the
 * current generation, the canary and its draw, every live generation (current, canary, draining), and
 * the boundary's epochs for this set. The lifecycle builds the next value from the published one and
 * publishes it with one write ({@code BoundaryLinks.update}); the capture hooks and the boundary's call
 * sites read it with one volatile read ({@link Bindings#liveSet()}), so they never see a current
 * generation that is not live, or a canary drawn before its calls can resolve in it.
 */
public final class LiveSet {
    /**
     * What the boundary's call sites link in: their links hold while {@link #switchPoint} is valid.
     * {@link #single} is the only live generation, if there is one: binding sites then link straight
     * to its handle, with no test per call (docs/JVM-NOTES.md, boundary).
     */
    public static final class Epoch {
        public final SwitchPoint switchPoint = new SwitchPoint();
        public final ClassLoader single;

        Epoch(ClassLoader single) {
            this.single = single;
        }
    }

    /** Before the first generation. */
    static final LiveSet NONE = new LiveSet(null, null, new ClassLoader[0], new Epoch(null), new Epoch(null));

    /** What unbound code resolves in and what new root tasks get unless a canary draws them; null before generation 1. */
    public final ClassLoader current;
    /**
     * {@link #current}'s token ({@link GenerationLoader#serial()}, 0 for none): what an unbound thread's boundary call
     * reads at each call, one load behind the set's instead of three (the loader, its class, its serial).
     */
    public final int currentToken;
    /** The canary in progress, or null. */
    private final CanaryDraw canary;
    /** Published and not retired, in the order they became live. */
    private final ClassLoader[] live;
    /** Of the boundary's binding sites: renewed whenever the live generations or the current one change. */
    public final Epoch bindingEpoch;
    /** Of its receiver sites, which only a retirement concerns: renewed when a generation leaves the set. */
    public final Epoch receiverEpoch;

    private LiveSet(ClassLoader current, CanaryDraw canary, ClassLoader[] live, Epoch bindingEpoch,
                    Epoch receiverEpoch) {
        this.current = current;
        this.currentToken = current instanceof GenerationLoader ? ((GenerationLoader) current).serial() : 0;
        this.canary = canary;
        this.live = live;
        this.bindingEpoch = bindingEpoch;
        this.receiverEpoch = receiverEpoch;
    }

    /** {@code generation} becomes current (an activation, a rollback, a canary's promotion, which ends the canary). */
    public LiveSet withCurrent(ClassLoader generation) {
        CanaryDraw stays = canary != null && canary.generation != generation ? canary : null;
        ClassLoader[] next = plus(generation);
        return new LiveSet(generation, stays, next, new Epoch(single(next)), receiverEpoch);
    }

    /** A canary starts: its generation is live, and {@code draw} picks it for a fraction of new root tasks. */
    public LiveSet withCanary(CanaryDraw draw) {
        ClassLoader[] next = plus(draw.generation);
        return new LiveSet(current, draw, next, new Epoch(single(next)), receiverEpoch);
    }

    /** The canary ends (aborted): no new task draws it; its generation stays live while it drains. */
    public LiveSet withoutCanary() {
        return canary == null ? this : new LiveSet(current, null, live, bindingEpoch, receiverEpoch);
    }

    /** A retired generation got a task again (DESIGN §2.7): it is live again. */
    public LiveSet withLive(ClassLoader generation) {
        if (isLive(generation)) {
            return this;
        }
        ClassLoader[] next = plus(generation);
        return new LiveSet(current, canary, next, new Epoch(single(next)), receiverEpoch);
    }

    /** {@code generation} retires: no call site may reach it from now on. */
    public LiveSet without(ClassLoader generation) {
        ClassLoader[] next = new ClassLoader[live.length];
        int kept = 0;
        for (ClassLoader g : live) {
            if (g != generation) {
                next[kept++] = g;
            }
        }
        next = Arrays.copyOf(next, kept);
        return new LiveSet(current, canary, next, new Epoch(single(next)), new Epoch(null));
    }

    /** The same set with only its current generation replaced, live or not: for tests that set it by hand. */
    LiveSet withCurrentOnly(ClassLoader generation) {
        return new LiveSet(generation, canary, live, bindingEpoch, receiverEpoch);
    }

    /** The same set with only its canary draw replaced: for tests that set it by hand. */
    LiveSet withCanaryOnly(CanaryDraw draw) {
        return new LiveSet(current, draw, live, bindingEpoch, receiverEpoch);
    }

    /** The canary generation in progress, or null. */
    public ClassLoader canary() {
        return canary == null ? null : canary.generation;
    }

    public boolean isLive(ClassLoader generation) {
        for (ClassLoader g : live) {
            if (g == generation) {
                return true;
            }
        }
        return false;
    }

    /** The live generations, in the order they became live. */
    public List<ClassLoader> live() {
        return List.of(live);
    }

    /**
     * The binding of a root task submitted now: the canary for its fraction of them, else the current
     * generation (a thread-local random draw: no allocation, no lock, no shared write).
     */
    ClassLoader rootBinding() {
        return canary == null ? current : canary.pick(current);
    }

    private ClassLoader[] plus(ClassLoader generation) {
        if (generation == null || isLive(generation)) {
            return live;
        }
        ClassLoader[] next = Arrays.copyOf(live, live.length + 1);
        next[live.length] = generation;
        return next;
    }

    private static ClassLoader single(ClassLoader[] live) {
        return live.length == 1 ? live[0] : null;
    }

    @Override
    public String toString() {
        return "current " + current + ", canary " + canary() + ", live " + Arrays.toString(live);
    }
}
