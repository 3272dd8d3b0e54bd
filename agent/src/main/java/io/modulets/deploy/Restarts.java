package io.modulets.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.modulets.config.Log;
import io.modulets.generations.DeployState;
import io.modulets.generations.Generation;
import io.modulets.generations.Registry;
import io.modulets.generations.Snapshot;
import io.modulets.generations.StateFile;
import io.modulets.generations.Store;
import io.modulets.generations.StoreHygiene;

/**
 * What a restart keeps of the operator's decisions (DESIGN §2.9): records each one in the modules
 * directory's {@link StateFile} as the {@link Deployer} makes it, and at a start chooses generation 1 by
 * {@link DeployState#take}. After each decision it prunes the store ({@link StoreHygiene}); the jars of
 * refused content go at once.
 */
public final class Restarts implements DeployJournal {
    private final Store store;
    private final StateFile file;
    private final Registry registry;
    private final Path modules;
    private final int retain;
    private final StoreHygiene hygiene;
    /** Changed under this object's lock. */
    private DeployState state;
    /** The content the deployer last read from the modules directory, until a decision about it is recorded. */
    private String readFromDirectory;
    /** Whether the last write failed (its line is logged once until a write works again). */
    private boolean writeFailed;

    private Restarts(Store store, StateFile file, Registry registry, Path modules, int retain, DeployState state) {
        this.store = store;
        this.file = file;
        this.registry = registry;
        this.modules = modules;
        this.retain = retain;
        this.state = state;
        this.hygiene = new StoreHygiene(store);
    }

    /** Reads the modules directory's state from the store (a corrupt one is logged and ignored: {@link StateFile}). */
    public static Restarts open(Store store, Path modules, Registry registry, int retain) {
        StateFile file = new StateFile(store, modules);
        return new Restarts(store, file, registry, modules, retain, file.read().retaining(retain));
    }

    public Path stateFile() {
        return file.path();
    }

    /**
     * Generation 1: what the modules directory holds ({@code jars}), unless the state says it was refused,
     * rolled back from, left a canary, or replaced by the operator since it was read; then the generation
     * that was current, with one line saying why. New content that the checks refuse at the start falls back
     * to that generation too. A refusal of what is started stops the JVM as ever.
     */
    public Generation start(Deployer deployer, List<Path> jars) throws DeployRefused {
        Generation first = chooseAndStart(deployer, jars);
        seedRollback(first);
        return first;
    }

    /**
     * A rollback right after a restart returns to the generation made current before generation 1's content
     * last was: the next one in the state's history (it is in the store: pruning keeps what the history
     * lists; the rollback re-hashes it, and says so in one line if it is gone or altered).
     */
    private void seedRollback(Generation first) {
        DeployState.Recorded before = null;
        synchronized (this) {
            for (DeployState.Recorded r : state.history()) {
                if (!r.hash().equals(first.hash())) {
                    before = r;
                    break;
                }
            }
        }
        if (before == null) return;
        try {
            registry.seedRollback(before.snapshot(store));
        } catch (RuntimeException e) {
            Log.warn("the generation current before %s (content %s) cannot be read from the deployment state (%s):"
                    + " a rollback is refused until the next deploy", first, before.hash().substring(0, 12),
                    Log.oneLine(e));
        }
    }

    private Generation chooseAndStart(Deployer deployer, List<Path> jars) throws DeployRefused {
        DeployState at;
        synchronized (this) {
            at = state;
        }
        String held;
        try {
            held = store.contentHash(jars);
        } catch (IOException e) {
            return deployer.start(jars); // the deploy says why it cannot read them
        }
        switch (at.take(held)) {
            case DIRECTORY:
                return deployer.start(jars);
            case NEW:
                try {
                    return deployer.start(jars);
                } catch (DeployRefused refused) {
                    Snapshot good = restorable(at.current());
                    if (good == null) throw refused;
                    Log.error("%s; generation 1 is the last good one instead, %s (content %s)", refused.getMessage(),
                            good.label(), good.shortHash());
                    return deployer.start(good);
                }
            default:
                Snapshot good = restorable(at.current());
                if (good == null) return deployer.start(jars);
                Log.warn("%s", keepLine(at, held, jars, good));
                synchronized (this) {
                    state = state.directoryHeld(held);
                }
                return deployer.start(good);
        }
    }

    /** Why content the directory holds is not taken: the decision about it, for a line. */
    private static String why(DeployState at, String held) {
        DeployState.Decision decision = at.decision(held);
        return decision == null ? "which the operator replaced by another generation while it was there"
                : "which " + decision.kind().words(decision.at())
                + (decision.reason().isEmpty() ? "" : " (" + decision.reason() + ")");
    }

    /** The start of both lines that say why the directory's content is not taken: what it holds, and the decision. */
    private String notTakenBecause(DeployState at, String held, List<Path> jars) {
        return "modules=" + Log.escape(modules.toString()) + " holds "
                + jars.stream().map(p -> Log.escape(p.getFileName().toString())).toList()
                + " (content " + held.substring(0, 12) + "), " + why(at, held);
    }

    private String keepLine(DeployState at, String held, List<Path> jars, Snapshot good) {
        return notTakenBecause(at, held, jars) + "; generation 1 is the last chosen one, " + good.label()
                + " (content " + good.shortHash() + "); to take the directory's content, deploy it"
                + " (the CLI's rescan) or delete " + file.path() + " before a start";
    }

    /** The recorded generation's snapshot, its stored jars re-hashed; null, with the one line why, if it cannot be. */
    private Snapshot restorable(DeployState.Recorded recorded) {
        try {
            Snapshot snapshot = recorded.snapshot(store);
            store.check(snapshot);
            return snapshot;
        } catch (IOException | RuntimeException e) {
            Log.error("the last chosen generation (content %s) cannot be restored from the store (%s); this start"
                    + " takes what modules=%s holds", recorded.hash().substring(0, 12), Log.oneLine(e), modules);
            return null;
        }
    }

    // ---- the journal -------------------------------------------------------------------------------------

    @Override
    public String notTaken(List<Path> jars, Generation current) {
        String held;
        try {
            held = store.contentHash(jars);
        } catch (IOException e) {
            return null; // the deploy says why it cannot read them
        }
        DeployState at;
        synchronized (this) {
            at = state;
        }
        if (at.take(held) != DeployState.Take.KEEP_CURRENT) return null;
        return notTakenBecause(at, held, jars) + "; the watcher leaves it out and " + current
                + " stays current; to take it, deploy it explicitly (the CLI's rescan or activate, or JMX)";
    }

    @Override
    public synchronized void directoryHeld(Snapshot content) {
        readFromDirectory = content.hash();
    }

    // The decision has taken effect when these are called: nothing here may turn it into a refusal.

    @Override
    public synchronized void current(Snapshot now, String what, Generation before) {
        safely(new Runnable() { // not a lambda: generation 1 records here at every start
            @Override
            public void run() {
                DeployState next = fromDirectory(now).current(now, retain);
                if (what.equals("rollback") && before != null) {
                    next = next.decided(before.hash(), DeployState.Kind.ROLLED_BACK, Instant.now(), "");
                }
                save(next);
                hygiene.prune(live(), Instant.now());
            }
        });
    }

    @Override
    public synchronized void refused(Snapshot content, String reason) {
        safely(() -> {
            save(fromDirectory(content).decided(content.hash(), DeployState.Kind.REFUSED, Instant.now(), reason));
            hygiene.forget(content, live());
        });
    }

    @Override
    public synchronized void canary(Snapshot content) {
        safely(() -> save(fromDirectory(content).decided(content.hash(), DeployState.Kind.CANARY, Instant.now(),
                "")));
    }

    private void safely(Runnable record) {
        try {
            record.run();
        } catch (RuntimeException e) {
            Log.error("recording a deployment decision in %s failed (%s): a restart may not keep it; the running"
                    + " generations are not affected", file.path(), Log.oneLine(e));
        }
    }

    /** The state, with the directory's content decided about if {@code content} was read from it. */
    private DeployState fromDirectory(Snapshot content) {
        if (!content.hash().equals(readFromDirectory)) return state;
        readFromDirectory = null;
        return state.directoryHeld(content.hash());
    }

    private void save(DeployState next) {
        state = next;
        try {
            file.write(next);
            writeFailed = false;
        } catch (IOException | RuntimeException e) {
            if (!writeFailed) {
                Log.error("cannot write the deployment state %s (%s): a restart may not keep this decision; the"
                        + " running generations are not affected", file.path(), Log.oneLine(e));
            }
            writeFailed = true;
        }
    }

    private static void addHashes(Snapshot snapshot, Set<String> hashes) {
        for (Snapshot.Jar jar : snapshot.jars()) {
            hashes.add(jar.sha256());
        }
    }

    /** The jars of this JVM's generations that are not unloaded, and of the rollback target. */
    private Set<String> live() {
        Set<String> live = new HashSet<>();
        for (Generation g : registry.all()) {
            if (g.state() != Generation.State.UNLOADED) addHashes(g.snapshot(), live);
        }
        try {
            addHashes(registry.rollbackTo().snapshot(), live);
        } catch (IOException none) {
            // only one generation so far
        }
        return live;
    }
}
