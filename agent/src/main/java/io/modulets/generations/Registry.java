package io.modulets.generations;

import java.io.IOException;
import java.lang.ref.ReferenceQueue;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

import io.modulets.bootstrap.CanaryDraw;
import io.modulets.boundary.BoundaryLinks;
import io.modulets.config.Log;
import io.modulets.config.PackageFilter;
import io.modulets.generations.Generation.State;
import io.modulets.loader.GenerationClassLoader;
import io.modulets.loader.GenerationModules;

/**
 * The generations of this JVM and the current one, and every transition of their lives (DESIGN
 * §2.7). Activation snapshots the jars into the store, reuses a loaded generation of the same
 * content (or recreates an unloaded one from the store under a new sequence number), and publishes
 * the new current generation in one volatile write, which new root tasks read when they are
 * submitted. The previous current generation drains while tasks bound to it remain and retires
 * when none does; {@link Unloads} observes when the collector took its loader. A canary
 * ({@link #startCanary}) is live beside the current generation until it is promoted (an activation)
 * or aborted (it drains like any generation that is not current); activations wait for its end.
 *
 * <p>Retiring races with capture: a task of a generation can be captured while the generation
 * retires (an object of its classes submitted as a task). Both sides follow the same order — the
 * registry writes the state, then reads the live count; capture changes the count, then reads the
 * state — so at least one of them sees the other and the generation ends in the right state. While a generation
 * is current its counts are not fenced: the safepoint that {@link #leave} makes orders them ({@code LiveCount}).
 */
public final class Registry {
    /**
     * The unloaded generations whose records {@link #all()} keeps, newest first (a JVM that activates
     * all day would otherwise keep a record, its history and its outcomes per activation, forever).
     */
    static final int UNLOADED_RECORDS = 100;
    /** The boundary's links of this lifecycle, which publish what is live (made and installed by the registry). */
    private final BoundaryLinks links;
    private final Store store;
    private final PackageFilter filter;
    private final ClassLoader shell;
    private final Limit limit;
    private final List<Generation> generations = new ArrayList<>();
    private final ReferenceQueue<GenerationClassLoader> collected = new ReferenceQueue<>();
    private final Unloads unloads;
    private volatile Generation current;
    /** The canary in progress, or null; changed under the lock. */
    private volatile Canary canary;
    /** The generation that was current before {@link #current}: what {@link #rollback()} returns to. */
    private Generation previous;
    /**
     * Until this JVM's first activation: the content current before the restart, from the deployment state
     * ({@link #seedRollback}), so that a rollback right after a restart has somewhere to go (DESIGN §2.9).
     */
    private Snapshot beforeRestart;
    private int lastSequence;
    private volatile Listener listener = Listener.NONE;
    /**
     * Serializes activations, whose preparation (opening and re-hashing the stored jars) runs outside
     * the registry's lock; task threads never take it.
     */
    private final Object activations = new Object();
    /** The automatic abort's thread, started with the first canary. */
    private CanaryWatch canaryWatch;
    private final Duration drainWarning;
    private boolean drainWatchStarted;
    /** The last drain warning's line, or null (for JMX and the CLI's status). */
    private volatile String lastDrainWarning;

    /**
     * Told of every transition, under the registry's lock and on whatever thread made it (a task's
     * thread for a retirement, the collector's reference thread for an unloading): a listener only
     * records and hands the work to its own thread. One listener; JMX and JFR share it.
     */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** {@code g} was made from a snapshot (before it becomes current). */
        default void created(Generation g) {
        }

        /**
         * {@code now} became current, {@code before} (null for generation 1) is no longer.
         *
         * @param what "activation", "rollback" or "promotion" (of a canary)
         */
        default void activated(Generation now, Generation before, String what) {
        }

        /** {@code canary} was started beside {@code current}: a fraction of new root tasks get it. */
        default void canaryStarted(Canary canary) {
        }

        /**
         * {@code canary} was aborted: no new task gets it, and it drains. A promotion is an activation
         * ({@link #activated}, what "promotion").
         *
         * @param reason why, one line: "by the operator", or what the automatic abort measured
         */
        default void aborted(Canary canary, String reason) {
        }

        /** {@code g} retired: no task needs it. */
        default void retired(Generation g) {
        }

        /** The collector took {@code g}'s loader. */
        default void unloaded(Generation g) {
        }
    }

    public Registry(Store store, PackageFilter filter, ClassLoader shell) {
        this(store, filter, shell, Limit.NONE);
    }

    public Registry(Store store, PackageFilter filter, ClassLoader shell, Limit limit) {
        this(store, filter, shell, limit, null);
    }

    /**
     * @param drainWarning how long a generation may drain before the agent names the threads bound to it
     *                     (DESIGN §6), or null for never
     */
    public Registry(Store store, PackageFilter filter, ClassLoader shell, Limit limit, Duration drainWarning) {
        this.links = BoundaryLinks.install();
        this.drainWarning = drainWarning;
        this.store = store;
        this.filter = filter;
        this.shell = shell;
        this.limit = limit;
        this.unloads = new Unloads(this, collected);
        // Started now, from the agent's startup: a thread started later from a task's thread would
        // inherit that thread's access control context (JDK 17), which names — and pins — its
        // generation's classes.
        unloads.start();
    }

    /**
     * Makes the content of {@code jars} the current generation. On failure (unreadable jar, full
     * disk, the generation limit, …) nothing changes and the exception's message is the one-line
     * reason.
     */
    public Generation activate(List<Path> jars) throws IOException {
        return activate(store.snapshot(jars), "activation");
    }

    /**
     * Makes a snapshot already in the store current: the deployer snapshots and verifies first,
     * so that the bytes it checked are the bytes the generation loads.
     *
     * @param what "activation" or "rollback", for the log line
     */
    public Generation activate(Snapshot snapshot, String what) throws IOException {
        synchronized (activations) {
            refuseWhileCanary(); // no canary can start meanwhile: starting one takes this lock too
            // Copying and hashing happen outside the registry's lock: a task ending on a draining
            // generation takes it to retire that generation and must not wait for disk I/O.
            Candidate candidate = candidate(snapshot);
            synchronized (this) {
                return activateLocked(snapshot, what, candidate);
            }
        }
    }

    /** The generation that was current before the current one: what a rollback returns to. */
    public synchronized Generation rollbackTarget() throws IOException {
        if (previous == null) {
            throw new IOException("modulets: rollback refused: " + current
                    + " is the only generation activated so far; there is nothing to roll back to");
        }
        return previous;
    }

    /**
     * What a rollback returns to: the content of {@link #rollbackTarget()}, or right after a restart the
     * content that was current before it ({@link #seedRollback}).
     *
     * @param name what the log line calls it
     */
    public record RollbackTo(Snapshot snapshot, String name) {
    }

    /** What a rollback returns to now; the one line why not if there is nothing. */
    public synchronized RollbackTo rollbackTo() throws IOException {
        if (previous == null && beforeRestart != null) {
            return new RollbackTo(beforeRestart, "the generation current before the restart (" + beforeRestart.label()
                    + ", " + beforeRestart.shortHash() + ")");
        }
        Generation target = rollbackTarget();
        return new RollbackTo(target.snapshot(), target.toString());
    }

    /**
     * Right after a restart: {@code snapshot}, the content that was current before it (a stored snapshot), is
     * what a rollback returns to until this JVM makes another generation current. Ignored once it has.
     */
    public synchronized void seedRollback(Snapshot snapshot) {
        if (previous == null && (current == null || !current.hash().equals(snapshot.hash()))) {
            beforeRestart = snapshot;
        }
    }

    /**
     * Makes the content of the generation that was current before this one current again, from
     * the store even if that generation was unloaded. Rolling back twice returns to where it
     * started. (The deployer's rollback verifies the content against the shell first.)
     */
    public Generation rollback() throws IOException {
        // activate re-hashes the stored jars (outside the lock), and refuses a missing or altered one
        return activate(rollbackTo().snapshot(), "rollback");
    }

    public Generation current() {
        return current;
    }

    /** The canary in progress, or null. */
    public Canary canary() {
        return canary;
    }

    // ---- canary --------------------------------------------------------------------------------

    /**
     * Makes a snapshot already in the store (verified by the deployer) a canary: live beside the
     * current generation, which stays current; a root task submitted from now on gets it with
     * probability {@code fraction} (DESIGN §2.1). One canary at a time.
     */
    public Canary startCanary(Snapshot snapshot, double fraction, AbortPolicy policy) throws IOException {
        synchronized (activations) {
            // Before the stored jars are opened and re-hashed; no canary can start meanwhile (the lock).
            refuseWhileCanary();
            Candidate candidate = candidate(snapshot);
            synchronized (this) {
                return startCanaryLocked(snapshot, fraction, policy, candidate);
            }
        }
    }

    private Canary startCanaryLocked(Snapshot snapshot, double fraction, AbortPolicy policy, Candidate candidate)
            throws IOException {
        Generation against = current;
        try {
            if (against == null) {
                throw new IOException("modulets: canary refused: there is no current generation yet");
            }
            if (candidate == null || against.hash().equals(snapshot.hash())) {
                throw new IOException("modulets: canary refused: its content is " + against
                        + ", the current generation");
            }
            checkLimit("canary", candidate.fresh());
        } catch (IOException e) {
            if (candidate != null) candidate.discard();
            throw e;
        }
        Generation next = candidate.generation();
        GenerationClassLoader loader = admit(candidate);
        next.enter(State.CANARY, Instant.now());
        Canary started = new Canary(next, against, fraction, Instant.now());
        started.policy(policy);
        canary = started;
        // Live for the boundary's sites before any task can draw it.
        links.canary(new CanaryDraw(loader, fraction));
        Log.info("%s is a canary for %s of new root tasks (%s stays current; %s)", next, Canary.percent(fraction),
                against, started.policy());
        listener.canaryStarted(started);
        if (canaryWatch == null) {
            canaryWatch = CanaryWatch.start(this);
        }
        canaryWatch.wake();
        return started;
    }

    /**
     * The canary becomes current for every new root task; the generation that was current drains, as
     * after an activation, and is what a rollback returns to.
     */
    public synchronized Generation promote() throws IOException {
        Canary promoted = canaryOr("promote");
        Generation next = promoted.generation();
        Generation before = current;
        next.enter(State.CURRENT, Instant.now());
        current = next;
        links.publish(next.loader()); // ends the canary's draw in the same write
        canary = null;
        Log.info("%s is current (was %d, promotion)", next, before.sequence());
        listener.activated(next, before, "promotion");
        previous = before;
        beforeRestart = null;
        leave(before);
        return next;
    }

    /**
     * No new task gets the canary from now on; its running tasks finish on it and it drains, retires
     * and unloads like any generation that is not current. The current generation is untouched.
     *
     * @param reason one line: "by the operator", or what the automatic abort measured
     */
    public synchronized Generation abort(String reason) throws IOException {
        return abort(reason, false);
    }

    private Generation abort(String reason, boolean automatic) throws IOException {
        Canary aborted = canaryOr("abort");
        Generation g = aborted.generation();
        links.endCanary(); // before it drains: a task that drew it just before is counted and takes it back
        canary = null;
        if (automatic) {
            Log.warn("canary %s aborted: %s", g, reason);
        } else {
            Log.info("canary %s aborted: %s", g, reason);
        }
        listener.aborted(aborted, reason);
        leave(g);
        return g;
    }

    /**
     * The automatic abort: aborts {@code expected} if it is still the canary in progress (its check races
     * the operator's promote and abort), and logs the reason as a warning.
     */
    public synchronized boolean abortIfCanary(Canary expected, String reason) throws IOException {
        if (canary != expected) {
            return false;
        }
        abort(reason, true);
        return true;
    }

    private Canary canaryOr(String what) throws IOException {
        Canary c = canary;
        if (c == null) {
            throw new IOException("modulets: " + what + " refused: no canary is in progress (current: " + current + ")");
        }
        return c;
    }

    /** Refuses, with the one line, while a canary is in progress: activations and rollbacks wait for its end. */
    public void refuseWhileCanary() throws IOException {
        Canary c = canary;
        if (c != null) {
            throw new IOException("modulets: " + c.generation() + " is a canary: promote or abort it first");
        }
    }

    /** Sets the one {@link Listener}; the generations already made are not replayed (see {@link #all()}). */
    public void listen(Listener listener) {
        this.listener = listener == null ? Listener.NONE : listener;
    }

    /**
     * Every generation this JVM has had, oldest first: all that are loaded, and the newest
     * {@link #UNLOADED_RECORDS} unloaded ones (and the rollback target).
     */
    public synchronized List<Generation> all() {
        return List.copyOf(generations);
    }

    public synchronized Optional<Generation> find(int sequence) {
        for (Generation g : generations) {
            if (g.sequence() == sequence) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /** Generations whose loader the agent has not yet seen collected: current, draining, retired. */
    public synchronized int loadedCount() {
        int loaded = 0;
        for (Generation g : generations) {
            if (g.isLoaded()) {
                loaded++;
            }
        }
        return loaded;
    }

    /**
     * What holds the generation {@code sequence}, as far as the agent can see without a heap dump
     * (DESIGN §6). The same report JMX and the CLI show.
     */
    public PinReport pins(int sequence) {
        Generation g = find(sequence).orElseThrow(() -> new IllegalArgumentException(
                "modulets: no generation " + sequence + " (this JVM has 1 to " + lastSequence() + ")"));
        return Pins.report(g);
    }

    private synchronized int lastSequence() {
        return lastSequence;
    }

    // ---- activation --------------------------------------------------------------------------

    /**
     * What an activation makes current: a loaded generation of the same content, or a new one not yet
     * registered ({@code fresh}); its loader is held, so that it stays loaded until then.
     */
    private record Candidate(Generation generation, GenerationClassLoader loader, boolean fresh) {
        void discard() {
            if (fresh) {
                try {
                    loader.close();
                } catch (IOException e) {
                    // nothing was defined by it; the files are closed as far as they can be
                }
            }
        }
    }

    /**
     * The generation of {@code snapshot}, with its stored bytes re-hashed (DESIGN §4, Security): a
     * loaded one of the same content, or a new one whose loader opened its jars before the re-hash;
     * null if the snapshot is current already. Runs outside the registry's lock.
     */
    private Candidate candidate(Snapshot snapshot) throws IOException {
        int sequence;
        Candidate loaded = null;
        synchronized (this) {
            if (current != null && current.hash().equals(snapshot.hash())) {
                return null;
            }
            for (Generation g : generations) {
                GenerationClassLoader l = g.hash().equals(snapshot.hash()) ? g.loader() : null;
                if (l != null) {
                    loaded = new Candidate(g, l, false);
                    break;
                }
            }
            sequence = lastSequence + 1; // taken only once it is registered
        }
        if (loaded != null) {
            store.check(snapshot); // a loaded generation made current again reads the store too
            return loaded;
        }
        return create(snapshot, sequence);
    }

    /** Registers the candidate's generation if it is new (it takes its sequence now) and holds its loader. */
    private GenerationClassLoader admit(Candidate candidate) {
        GenerationClassLoader loader = candidate.loader();
        if (candidate.fresh()) {
            register(candidate.generation(), loader);
        }
        candidate.generation().hold(loader);
        return loader;
    }

    private Generation activateLocked(Snapshot snapshot, String what, Candidate candidate) throws IOException {
        Generation before = current;
        if (candidate == null || before != null && before.hash().equals(snapshot.hash())) {
            if (candidate != null) candidate.discard();
            return before;
        }
        try {
            checkLimit(what, candidate.fresh());
        } catch (IOException e) {
            candidate.discard();
            throw e;
        }
        Generation next = candidate.generation();
        GenerationClassLoader reusable = admit(candidate);
        next.enter(State.CURRENT, Instant.now());
        current = next;
        links.publish(reusable);
        // "(was 1)" after an activation, "(was 2, rollback)" after a rollback
        Log.info("%s is current%s", next, before == null ? ""
                : " (was " + before.sequence() + (what.equals("activation") ? "" : ", " + what) + ")");
        listener.activated(next, before, what);
        if (before != null) {
            previous = before;
            beforeRestart = null;
            leave(before);
        }
        return next;
    }

    /** Refuses (or warns about) an activation that would load one generation more than allowed. */
    private void checkLimit(String what, boolean addsOne) throws IOException {
        if (!addsOne || !limit.isSet() || loadedCount() < limit.maxGenerations()) {
            return;
        }
        if (limit.refuses() && anyRetiredAndLoaded()) {
            // Retired generations go at the next collection that unloads classes: ask for one
            // before refusing, rather than refusing for memory that is already free.
            Log.debug("at maxGenerations=%d with retired generations loaded: requesting a collection",
                    limit.maxGenerations());
            System.gc();
            if (loadedCount() < limit.maxGenerations()) {
                return;
            }
        }
        String reason = "would load more than maxGenerations=" + limit.maxGenerations() + " generations; loaded: "
                + describeLoaded();
        if (limit.refuses()) {
            throw new IOException("modulets: " + what + " refused: " + reason);
        }
        Log.warn("%s %s (onLimit=warn: activating anyway)", what, reason);
    }

    private boolean anyRetiredAndLoaded() {
        for (Generation g : generations) {
            if (g.state() == State.RETIRED && g.isLoaded()) {
                return true;
            }
        }
        return false;
    }

    private String describeLoaded() {
        StringJoiner loaded = new StringJoiner("; ");
        for (Generation g : generations) {
            if (g.isLoaded()) {
                String detail = g.state() == State.DRAINING ? ", " + liveTasks(g.liveTasks())
                        : g.state() == State.RETIRED ? ", pinned by: " + Pins.report(g).summary() : "";
                loaded.add(g.sequence() + " (" + g.state().word() + detail + ")");
            }
        }
        return loaded.toString();
    }

    /** A new generation of {@code snapshot}, not yet registered: its loader, with its jars open and re-hashed. */
    private Candidate create(Snapshot snapshot, int sequence) throws IOException {
        URL[] urls = urls(snapshot);
        Generation generation = new Generation(sequence, snapshot, Instant.now());
        GenerationClassLoader loader = new GenerationClassLoader("modulets-gen-" + generation.sequence(),
                urls, shell, filter, generation);
        Candidate candidate = new Candidate(generation, loader, true);
        // Open the jars first, then re-hash them: the classes the loader defines come from the bytes
        // that were checked, whatever happens to the names in the store afterwards.
        try {
            GenerationModules modules = GenerationModules.installed();
            if (modules != null) {
                modules.define(loader, urls, true); // before the loader defines any class
            }
            loader.openJars();
            store.check(snapshot);
        } catch (IOException | RuntimeException e) {
            candidate.discard();
            throw e;
        }
        return candidate;
    }

    /** Makes a new generation one of this registry's, under its lock: it takes its sequence number now. */
    private void register(Generation generation, GenerationClassLoader loader) {
        lastSequence = generation.sequence();
        generation.attach(loader, collected);
        // Cheap in the common case: one volatile read on the capturing or releasing thread. Classes, not lambdas:
        // generation 1 registers at every start, where each lambda is a class spun (docs/PERFORMANCE.md, start-up).
        loader.live().onIdle(new Runnable() {
            @Override
            public void run() {
                if (generation.state() == State.DRAINING && generation.liveTasks() == 0) {
                    retireIfIdle(generation);
                }
            }
        });
        loader.live().onBusy(new Runnable() {
            @Override
            public void run() {
                if (generation.state() == State.RETIRED) {
                    takeBack(generation);
                }
            }
        });
        generations.add(generation);
        listener.created(generation);
    }

    // ---- draining, retiring, unloading ---------------------------------------------------------

    /** {@code g} is no longer current: it drains while tasks bound to it remain. */
    private void leave(Generation g) {
        g.enter(State.DRAINING, Instant.now());
        // Its count is no longer steady; counts made before without a fence are visible after every thread passed a
        // safepoint (LiveCount). Once per generation that stops being current: tens of microseconds.
        Safepoints.passedByEveryThread();
        unloads.watch();
        if (drainWarning != null && !drainWatchStarted) {
            drainWatchStarted = true;
            DrainWatch.start(this, drainWarning);
        }
        if (g.liveTasks() == 0) {
            retireIfIdle(g);
        } else {
            Log.info("%s is draining: %s", g, liveTasks(g.liveTasks()));
        }
    }

    /** Retires {@code g} if it is draining with no live task; see the class comment for the race. */
    synchronized void retireIfIdle(Generation g) {
        if (g == current || g.state() != State.DRAINING) {
            return;
        }
        GenerationClassLoader loader = g.loader();
        g.tentatively(State.RETIRED);
        if (loader.liveTasks() != 0) {
            g.tentatively(State.DRAINING); // a task was captured meanwhile: it will release it
            return;
        }
        g.enter(State.RETIRED, Instant.now());
        g.release();
        links.retire(loader);
        unloads.watch();
        Log.info("%s retired: no live task; unloaded at the next collection that unloads classes", g);
        listener.retired(g);
    }

    /** A task of the retired {@code g} was captured (an object of its classes submitted as a task). */
    synchronized void takeBack(Generation g) {
        GenerationClassLoader loader = g.loader();
        if (g.state() != State.RETIRED || loader == null || loader.liveTasks() == 0) {
            return;
        }
        g.hold(loader);
        links.revive(loader);
        g.enter(State.DRAINING, Instant.now());
        Log.info("%s is draining again: a task of its classes was submitted", g);
        if (loader.liveTasks() == 0) {
            retireIfIdle(g); // the task ended before the state was written
        }
    }

    /** The collector took the loader of {@code g}. */
    synchronized void unloaded(Generation g) {
        if (g.state() == State.UNLOADED) {
            return;
        }
        g.enter(State.UNLOADED, Instant.now());
        Log.info("%s unloaded", g);
        listener.unloaded(g);
        forgetOldestUnloaded();
    }

    /** Drops the oldest unloaded generations' records beyond {@link #UNLOADED_RECORDS}, but the rollback target. */
    private void forgetOldestUnloaded() {
        int unloaded = 0;
        for (Generation g : generations) {
            if (g.state() == State.UNLOADED) unloaded++;
        }
        for (Iterator<Generation> oldestFirst = generations.iterator(); unloaded > UNLOADED_RECORDS
                && oldestFirst.hasNext(); ) {
            Generation g = oldestFirst.next();
            if (g.state() == State.UNLOADED && g != previous) {
                oldestFirst.remove();
                unloaded--;
            }
        }
    }

    /**
     * Draining and retired generations that were so when a full collection started and are still
     * loaded after it, each returned once per draining or retirement: their pins are worth a line.
     */
    synchronized List<Generation> survivorsOf(Instant collectionStart) {
        List<Generation> survivors = new ArrayList<>();
        for (Generation g : generations) {
            State state = g.state();
            Instant since = g.since(state);
            if ((state == State.RETIRED || state == State.DRAINING) && g != current && !g.pinsReported()
                    && since != null && since.isBefore(collectionStart) && g.isLoaded()) {
                g.pinsReported(true);
                survivors.add(g);
            }
        }
        return survivors;
    }

    /** The last drain warning logged (DESIGN §6), without the "modulets: " prefix, or null. */
    public String lastDrainWarning() {
        return lastDrainWarning;
    }

    void drainWarned(String line) {
        lastDrainWarning = line;
    }

    /**
     * Generations draining since before {@code before} and not yet named by the drain warning, each
     * returned once per draining.
     */
    synchronized List<Generation> drainingSince(Instant before) {
        List<Generation> found = new ArrayList<>();
        for (Generation g : generations) {
            Instant since = g.since(State.DRAINING);
            if (g.state() == State.DRAINING && !g.drainWarned() && since != null && since.isBefore(before)) {
                g.drainWarned(true);
                found.add(g);
            }
        }
        return found;
    }

    private static String liveTasks(long n) {
        return n + (n == 1 ? " live task" : " live tasks");
    }

    private static URL[] urls(Snapshot snapshot) throws IOException {
        List<Path> paths = snapshot.paths();
        URL[] urls = new URL[paths.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = paths.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IOException("modulets: bad snapshot path " + paths.get(i), e);
            }
        }
        return urls;
    }
}
