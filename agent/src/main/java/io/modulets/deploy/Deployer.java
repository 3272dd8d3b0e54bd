package io.modulets.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.modulets.boundary.BoundaryReferences;
import io.modulets.boundary.BoundaryReferences.Reference;
import io.modulets.boundary.Erasure;
import io.modulets.config.JarLimits;
import io.modulets.config.Log;
import io.modulets.config.PackageFilter;
import io.modulets.generations.AbortPolicy;
import io.modulets.generations.Generation;
import io.modulets.generations.JarContents;
import io.modulets.generations.Registry;
import io.modulets.generations.Snapshot;
import io.modulets.generations.Store;
import io.modulets.security.PathGuard;
import io.modulets.security.Trust;

/**
 * The one way in for a new version (the watcher, and later JMX and the CLI): check who may write the
 * jars ({@link PathGuard}), snapshot them, verify the snapshot (its zip directories within the
 * {@link ZipBounds}; its signatures, {@link SignatureCheck}: with a trust keystore whose they are, and
 * always that a signed jar matches them; then {@link JarCheck}, then the {@link LinkCheck} against what
 * loaded shell code reaches, the erasure, and last the {@link LoadCheck}, in which the JVM itself defines
 * and links every class), and only then activate; the registry re-hashes the stored bytes once the new
 * generation's loader holds them open.
 * A refusal changes nothing and is logged in one line that names the generation that stays current;
 * whatever a deploy throws, an {@link Error} included, is such a refusal, so that no thread that
 * deploys (the watcher, JMX) ends with it. An operator's rollback does not wait behind a deploy's
 * checks: they stop, refused, at the next entry or class ({@link Budget}).
 */
public final class Deployer {
    private static final String GENERATION_1 = "generation 1";
    private final Registry registry;
    private final Store store;
    private final PackageFilter filter;
    /** {@link PackageFilter#isSwappableInternal}, made once (not a method reference per deploy check). */
    private final Predicate<String> swappableInternal;
    private final boolean allowOutside;
    private final ClassLoader shell;
    private final Path modules;
    private final Supplier<Map<Reference, Set<String>>> shellReferences;
    private final Function<ClassLoader, List<String>> erasureChanges;
    /** What every deploy is held to (agent arguments), fixed at startup. */
    private final DeployRules rules;
    /** Told of each refusal after generation 1 (its one line), on the refusing thread. */
    private volatile Consumer<String> onRefusal = NO_LISTENER;
    /** Told of each decision a restart keeps ({@link Restarts}); {@link DeployJournal#NONE} without one. */
    private final DeployJournal journal;
    /** Rollbacks waiting for the lock: a deploy's checks stop for them. */
    private final AtomicInteger rollbacksWaiting = new AtomicInteger();

    /**
     * @param allowOutside whether jars may hold classes outside the swappable packages
     * @param shell        the loader of the application's shell classes (the shell, or Spring Boot's loader
     *                     once adopted): generations' parent, and shared supertypes are read from it as bytes
     * @param modules      the modules directory that {@link #rescan} reads, or null
     * @param erasure      the boundary's erasure, fixed for the life of the JVM
     * @param rules        what every deploy is held to
     * @param journal      who records the decisions a restart keeps; null: none (no modules directory)
     */
    public Deployer(Registry registry, Store store, PackageFilter filter, boolean allowOutside, ClassLoader shell,
                    Path modules, Erasure erasure, DeployRules rules, DeployJournal journal) {
        // Classes, not a lambda or method reference each: these are made at every start, where each lambda is a
        // class spun (docs/PERFORMANCE.md, start-up).
        this(registry, store, filter, allowOutside, shell, modules, new Supplier<Map<Reference, Set<String>>>() {
            @Override
            public Map<Reference, Set<String>> get() {
                return BoundaryReferences.byMember();
            }
        }, new Function<ClassLoader, List<String>>() {
            @Override
            public List<String> apply(ClassLoader candidate) {
                return erasure.changesIn(candidate);
            }
        }, rules, journal);
    }

    private static final Consumer<String> NO_LISTENER = new Consumer<String>() {
        @Override
        public void accept(String line) {
        }
    };

    /**
     * @param shellReferences what shell code reaches through the boundary (tests give their own)
     * @param erasureChanges  the erasures a candidate's classes (read through the loader) would change
     */
    Deployer(Registry registry, Store store, PackageFilter filter, boolean allowOutside, ClassLoader shell,
             Path modules, Supplier<Map<Reference, Set<String>>> shellReferences,
             Function<ClassLoader, List<String>> erasureChanges, DeployRules rules, DeployJournal journal) {
        this.rules = rules;
        this.journal = journal == null ? DeployJournal.NONE : journal;
        this.shellReferences = shellReferences;
        this.erasureChanges = erasureChanges;
        this.registry = registry;
        this.store = store;
        this.filter = filter;
        this.swappableInternal = new Predicate<String>() {
            @Override
            public boolean test(String internalName) {
                return filter.isSwappableInternal(internalName);
            }
        };
        this.allowOutside = allowOutside;
        this.shell = shell;
        this.modules = modules;
    }

    /** The share of new root tasks a deploy's generation gets as a canary; 0 when deploys are plain activations. */
    public double canaryByDefault() {
        return rules.canary();
    }

    /** The most bytes all entries of one jar may inflate to (agent argument {@code maxJarSize}). */
    public long maxJarSize() {
        return rules.limits().maxJarSize();
    }

    /** The policy a canary starts with. */
    public AbortPolicy canaryPolicy() {
        return rules.canaryPolicy();
    }

    /**
     * Activates {@code jars} after verification (as a canary if the agent was told {@code canary=F});
     * the refusal is logged, and its message is the one line.
     */
    public synchronized Generation activate(List<Path> jars) throws DeployRefused {
        return deploy(jars, rules.canary());
    }

    /**
     * Activates {@code jars} of the application's class path after verification as the new current
     * generation (a package-lists change without {@code modules}): never a canary, since every task must
     * see the package's new classes at once; and, like generation 1 from the class path, not held to the
     * permission rule, which the JVM did not apply when it loaded the shell from the same jars.
     */
    public synchronized Generation activateClassPath(List<Path> jars) throws DeployRefused {
        try {
            return attempt(jars, "deploy of " + jars.stream().map(p -> p.getFileName().toString()).toList(), false,
                    0, false);
        } catch (DeployRefused e) {
            throw logged(e);
        }
    }

    /**
     * Starts {@code jars} as a canary for {@code fraction} of new root tasks, after the same verification
     * as an activation; the current generation stays current.
     */
    public synchronized Generation canary(List<Path> jars, double fraction) throws DeployRefused {
        return deploy(jars, fraction);
    }

    private Generation deploy(List<Path> jars, double fraction) throws DeployRefused {
        try {
            return attempt(jars, "deploy of " + jars.stream().map(p -> p.getFileName().toString()).toList(), true,
                    fraction, false);
        } catch (DeployRefused e) {
            throw logged(e);
        }
    }

    /** The canary becomes current; a refusal (no canary) is logged, and its message is the one line. */
    public synchronized Generation promote() throws DeployRefused {
        Generation promoted = logged("promote", registry::promote);
        journal.current(promoted.snapshot(), "promotion", null);
        return promoted;
    }

    /** The operator aborts the canary: no new task gets it, it drains; the current generation is untouched. */
    public synchronized Generation abort() throws DeployRefused {
        return logged("abort", () -> registry.abort("by the operator"));
    }

    private interface RegistryChange {
        Generation run() throws IOException;
    }

    private Generation logged(String what, RegistryChange change) throws DeployRefused {
        try {
            return change.run();
        } catch (IOException e) {
            throw logged(new DeployRefused(reason(e), e));
        }
    }

    /**
     * Generation 1 at startup, verified like any other; a refusal is not logged, because the agent
     * prints it and stops the JVM.
     */
    public synchronized Generation start(List<Path> jars) throws DeployRefused {
        return attempt(jars, GENERATION_1, modules != null, 0, modules != null);
    }

    /**
     * Generation 1 at startup from a snapshot already in the store: the generation a restart keeps
     * ({@link Restarts}), verified like any other.
     */
    public synchronized Generation start(Snapshot snapshot) throws DeployRefused {
        return verifyAndActivate(snapshot, GENERATION_1, "start", 0);
    }

    /** Activates what the modules directory holds now, after verification. */
    public synchronized Generation rescan() throws DeployRefused {
        try {
            return scan();
        } catch (DeployRefused e) {
            throw logged(e);
        }
    }

    /**
     * What every deploy's checks need whatever the content, done ahead: the watcher calls it when the modules
     * directory starts changing, so that it runs while the directory settles ({@link LoadCheck#prepareAhead}).
     */
    public void prepare() {
        LoadCheck.prepareAhead();
    }

    /**
     * The watcher's deploy: what the modules directory holds now, unless a decision about that content
     * stands — it was refused, rolled back from, left a canary, or replaced by the operator (DESIGN §2.9):
     * then one line says why and nothing changes. An explicit {@link #rescan} takes it.
     */
    public synchronized Generation watched() throws DeployRefused {
        try {
            return scan(false);
        } catch (DeployRefused e) {
            throw logged(e);
        }
    }

    private Generation scan() throws DeployRefused {
        return scan(true);
    }

    /** @param explicit whether the operator asked for it (JMX, the CLI), or the watcher saw the directory change */
    private Generation scan(boolean explicit) throws DeployRefused {
        if (modules == null) {
            throw refused("rescan", new DeployRefused("no modules=DIR was given; activate jars instead"));
        }
        String what = "deploy from " + modules;
        List<Path> jars;
        try {
            jars = Files.isDirectory(modules) ? JarContents.jarsIn(modules) : List.of();
        } catch (IOException e) {
            throw refused(what, new DeployRefused("cannot list " + modules + " (" + e + ")", e));
        }
        if (jars.isEmpty()) {
            throw refused(what, new DeployRefused(Files.isDirectory(modules)
                    ? modules + " holds no *.jar" : modules + " is not there (it may be being replaced)"));
        }
        if (!explicit && registry.canary() == null) {
            String why = journal.notTaken(jars, registry.current());
            if (why != null) {
                Log.warn("%s", why);
                return registry.current();
            }
        }
        return attempt(jars, what, true, rules.canary(), true);
    }

    /**
     * Returns to the previous generation's content, from the store even if it was unloaded, after
     * the same verification as any activation: shell code loaded since may reach what it lacks.
     */
    public Generation rollback() throws DeployRefused {
        rollbacksWaiting.incrementAndGet(); // a deploy's checks in progress stop for it
        boolean counted = true;
        try {
            synchronized (this) {
                rollbacksWaiting.decrementAndGet();
                counted = false;
                return rollbackLocked();
            }
        } finally {
            if (counted) rollbacksWaiting.decrementAndGet();
        }
    }

    private Generation rollbackLocked() throws DeployRefused {
        try {
            Registry.RollbackTo target;
            try {
                target = registry.rollbackTo();
            } catch (IOException e) {
                throw new DeployRefused(reason(e), e);
            }
            try {
                guardStore();
            } catch (DeployRefused e) {
                throw refused("rollback to " + target.name(), e);
            }
            return verifyAndActivate(target.snapshot(), "rollback to " + target.name(), "rollback", 0);
        } catch (DeployRefused e) {
            throw logged(e);
        }
    }

    /**
     * @param guarded whether the jars are held to the permission rule (not the class path's)
     * @param canary the share of new root tasks the generation gets as a canary; 0: it becomes current
     * @param directory whether the jars are what the modules directory holds (for {@link Restarts})
     */
    private Generation attempt(List<Path> jars, String what, boolean guarded, double canary, boolean directory)
            throws DeployRefused {
        Snapshot snapshot;
        try {
            registry.refuseWhileCanary(); // before the work: the registry would refuse at the end
            guardStore();
            if (guarded) guard(jars);
            snapshot = snapshot(jars);
            if (directory) journal.directoryHeld(snapshot);
        } catch (DeployRefused e) {
            throw refused(what, e);
        } catch (IOException | RuntimeException e) {
            throw refused(what, new DeployRefused(reason(e), e));
        } catch (Error e) {
            throw refused(what, new DeployRefused(LoadCheck.firstLine(e), e));
        }
        return verifyAndActivate(snapshot, what, what.equals(GENERATION_1) ? "start" : "activation", canary);
    }

    /**
     * @param kind   "activation" or "rollback", for the registry's log line; "start" for generation 1, which
     *               is not put through the {@link LoadCheck}: the boundary's transformer is installed after
     *               it, and the shell classes that loading its classes would define must be rewritten
     * @param canary the share of new root tasks the generation gets as a canary; 0: it becomes current (a
     *               rollback is never a canary: it backs out)
     */
    private Generation verifyAndActivate(Snapshot snapshot, String what, String kind, double canary)
            throws DeployRefused {
        Generation before = registry.current();
        Budget budget = null;
        boolean checking = false; // a refusal while true is the content's: a restart keeps it (Restarts)
        try {
            registry.refuseWhileCanary();
            if (before != null && before.hash().equals(snapshot.hash())) {
                Log.info("%s: same content, %s stays current", what, before);
                return before;
            }
            // A rollback does not stop for another rollback: it is what the operator asked for. Generation 1
            // has no deadline: nothing waits for it, and a big application must not fail to start for time.
            budget = kind.equals("start") ? Budget.NONE : new Budget(Budget.CHECKS,
                    kind.equals("rollback") ? () -> false : () -> rollbacksWaiting.get() > 0);
            checking = true;
            verify(snapshot, budget, !kind.equals("start"));
            checking = false;
            // The registry re-hashes the stored jars once a new generation's loader holds them open.
            if (canary > 0) {
                Generation started = registry.startCanary(snapshot, canary, rules.canaryPolicy()).generation();
                journal.canary(snapshot);
                return started;
            }
            Generation now = registry.activate(snapshot, kind.equals("start") ? "activation" : kind);
            if (now != before) journal.current(snapshot, kind, before);
            return now;
        } catch (DeployRefused e) {
            throw refused(what, journaled(e, snapshot, checking, budget));
        } catch (IOException | RuntimeException e) {
            throw refused(what, journaled(new DeployRefused(reason(e), e), snapshot, checking, budget));
        } catch (Error e) {
            // One deploy's error (out of memory, a stack overflow in a parser) ends neither the deploying
            // thread nor the agent: the candidate is dropped, and what it allocated with it.
            throw refused(what, journaled(new DeployRefused(LoadCheck.firstLine(e) + " while checking "
                    + snapshot.fileNames(), e), snapshot, checking, budget));
        }
    }

    /**
     * The checks of a deploy, in order; throws the first refusal.
     *
     * @param load whether to run the {@link LoadCheck} (not for generation 1)
     */
    private void verify(Snapshot snapshot, Budget budget, boolean load) throws IOException, DeployRefused {
        ZipBounds bounds = new ZipBounds(rules.limits(), budget);
        bounds.check(snapshot); // from the zip directories, before anything is inflated
        // The gate with trust=: nothing unsigned is even parsed; without, a signed jar must match.
        new SignatureCheck(rules.trust(), bounds).check(snapshot);
        JarCheck.Classes classes = new JarCheck(filter, allowOutside, bounds).read(snapshot);
        new LinkCheck(classes, snapshot.fileNames(), shell,
                swappableInternal).check(shellReferences.get());
        checkErasure(snapshot);
        budget.check();
        if (load) new LoadCheck(shell, filter, budget).check(snapshot, classes);
    }

    /**
     * The checks an activation of {@code jars} would run, without activating (the CLI's {@code rollout} asks
     * every target before it moves any): the refusal's one line, worded as an activation's, or null when the
     * activation would pass them. Like an activation it refuses while a canary is in progress and snapshots
     * the jars into the store (an activation of the same content reuses the snapshot); unlike one it changes
     * nothing else: no refusal is counted, notified or kept for restarts, since nothing was deployed.
     */
    public synchronized String check(List<Path> jars) {
        String what = "check of " + jars.stream().map(p -> p.getFileName().toString()).toList();
        try {
            registry.refuseWhileCanary();
            guardStore();
            guard(jars);
            verify(snapshot(jars), new Budget(Budget.CHECKS, () -> rollbacksWaiting.get() > 0), true);
            Log.info("%s: an activation would pass the checks", what);
            return null;
        } catch (DeployRefused e) {
            return checkRefused(what, e);
        } catch (IOException | RuntimeException e) {
            return checkRefused(what, new DeployRefused(reason(e), e));
        } catch (Error e) {
            return checkRefused(what, new DeployRefused(LoadCheck.firstLine(e), e));
        }
    }

    private String checkRefused(String what, DeployRefused reason) {
        String line = refused(what, reason).getMessage();
        Log.info("%s", line);
        return line;
    }

    /**
     * A refusal by the checks is the content's, and a restart keeps it; one that stopped for a rollback or
     * the time budget, or came from the registry (a canary, the generation limit, the store) is not.
     */
    private DeployRefused journaled(DeployRefused reason, Snapshot snapshot, boolean checking, Budget budget) {
        if (checking && (budget == null || budget.exceeded() == null)) journal.refused(snapshot, reason.getMessage());
        return reason;
    }

    /** Shell classes already defined depend on each swappable type's erasure: it may not change. */
    private void checkErasure(Snapshot snapshot) throws IOException, DeployRefused {
        List<String> changes;
        try (SnapshotResources candidate = SnapshotResources.of(snapshot, shell, swappableInternal)) {
            changes = erasureChanges.apply(candidate);
        }
        if (!changes.isEmpty()) {
            throw new DeployRefused("erasure: " + changes.get(0)
                    + (changes.size() > 1 ? " (and " + (changes.size() - 1) + " more)" : ""));
        }
    }

    /**
     * The store, which a generation's classes are read from, is held to the permission rule at each activation
     * and rollback, not only at the start: a store opened to other users since refuses the next one
     * in one line, and what runs keeps running (its jars are open already and were re-hashed when opened).
     */
    private void guardStore() throws DeployRefused {
        try {
            rules.guard().check(store.dir());
        } catch (IOException e) {
            throw new DeployRefused(reason(e), e);
        }
    }

    /** Every jar, and each directory above it, must be out of other users' reach (or permissions=warn). */
    private void guard(List<Path> jars) throws DeployRefused {
        for (Path jar : jars) {
            try {
                rules.guard().check(jar);
            } catch (IOException e) {
                throw new DeployRefused(reason(e), e);
            }
        }
    }

    private Snapshot snapshot(List<Path> jars) throws DeployRefused {
        try {
            return store.snapshot(jars);
        } catch (IOException e) {
            throw new DeployRefused(reason(e), e);
        }
    }

    private DeployRefused refused(String what, DeployRefused reason) {
        Generation current = registry.current();
        String line = current == null ? what + " refused: " + reason.getMessage()
                : what + " refused, " + current + " stays current: " + reason.getMessage();
        return new DeployRefused(line, reason.getCause() != null ? reason.getCause() : reason);
    }

    /**
     * Runs {@code change} while no deploy runs: a change of the package lists, which every deploy
     * reads, and which may deploy itself (the lock is reentrant).
     */
    public synchronized <T> T exclusively(Supplier<T> change) {
        return change.get();
    }

    /** Sets the one listener told of every refusal of activate, rescan and rollback (JMX, JFR). */
    public void onRefusal(Consumer<String> listener) {
        this.onRefusal = listener == null ? NO_LISTENER : listener;
    }

    private DeployRefused logged(DeployRefused refusal) {
        Log.error("%s", refusal.getMessage());
        onRefusal.accept(refusal.getMessage());
        return refusal;
    }

    private static String reason(Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.startsWith("modulets: ") ? message.substring("modulets: ".length()) : message;
    }
}
