package io.modulets.cli;

import io.modulets.cli.RolloutJudge.Tally;
import io.modulets.manage.ManagerMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The procedure of {@code rollout} (docs/REFERENCE.md, "Command line"): check every target, a canary on the
 * first, then the others in waves, each judged by {@link RolloutJudge}; anything that goes wrong once a target
 * moved stops it, and what moved goes back. Every step that changes a target runs under one lock and only
 * while the rollout has not stopped, so that the shutdown hook (Ctrl-C) and a failure undo exactly what moved,
 * once, and nothing moves after.
 */
final class Rollout {
    /** How often the counters are read while tasks are awaited: one JMX call per target judged. */
    private static final long POLL_MS = 200;

    /** How it ended, as the table's last line and the JSON's {@code outcome} say it. */
    enum Outcome {
        ROLLED_OUT("rolled out"), REFUSED("refused"), STOPPED("stopped"), INTERRUPTED("interrupted");

        final String word;

        Outcome(String word) {
            this.word = word;
        }
    }

    private final List<RolloutTarget> targets;
    private final Connector connector;
    /** For the targets that are service URLs; a pid needs none. */
    private final Credentials credentials;
    private final String canaryFraction;
    private final String margin;
    private final RolloutJudge judge;
    private final int waves;
    private final Duration timeout;
    private final Consumer<String> progress;
    private final Consumer<Rollout> report;

    private final Object lock = new Object();
    /** Set under the lock once the rollout stops: no step changes a target after it. */
    private boolean stopped;
    /** Set under the lock once the outcome is known and reported. */
    private boolean finished;
    private Outcome outcome;
    private String reason;

    /**
     * @param progress told one line at each step ("canary generation 2 on JVM 123 …")
     * @param report   prints the result once: by the thread that ran the rollout, or by the shutdown hook
     */
    Rollout(List<RolloutTarget> targets, Connector connector, Credentials credentials, String canaryFraction,
            String margin,
            RolloutJudge judge, int waves, Duration timeout, Consumer<String> progress, Consumer<Rollout> report) {
        this.targets = List.copyOf(targets);
        this.connector = connector;
        this.credentials = credentials;
        this.canaryFraction = canaryFraction;
        this.margin = margin;
        this.judge = judge;
        this.waves = waves;
        this.timeout = timeout;
        this.progress = progress;
        this.report = report;
    }

    List<RolloutTarget> targets() {
        return targets;
    }

    Outcome outcome() {
        return outcome;
    }

    /** Why it was refused or stopped, one line; null when it rolled out. */
    String reason() {
        return reason;
    }

    /** Runs the rollout and returns the exit code: 0 rolled out, 1 refused, stopped or interrupted. */
    int run() {
        try {
            String refusal = check();
            if (refusal != null) {
                return finish(Outcome.REFUSED, refusal, 1);
            }
            Thread hook = new Thread(this::interrupted, "modulets-rollout-interrupted");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                canary();
                List<List<RolloutTarget>> all = RolloutJudge.waves(targets.subList(1, targets.size()), waves);
                for (int i = 0; i < all.size(); i++) {
                    wave(i + 1, all.size(), all.get(i));
                }
                return finish(Outcome.ROLLED_OUT, null, 0);
            } catch (RuntimeException e) {
                String why = e instanceof Stop ? e.getMessage() : Errors.oneLine(e);
                synchronized (lock) {
                    if (finished) {
                        return 1; // the shutdown hook undid and reported it
                    }
                    undo();
                }
                return finish(Outcome.STOPPED, why, 1);
            } finally {
                removeHook(hook);
            }
        } finally {
            synchronized (lock) {
                if (outcome != Outcome.INTERRUPTED) {
                    targets.forEach(RolloutTarget::close);
                }
            }
        }
    }

    // ---- before anything moves -----------------------------------------------------------------

    /** Connects to and checks every target; returns the refusals in one line, or null when all pass. */
    private String check() {
        List<String> refusals = new ArrayList<>();
        List<String> packages = null;
        String packagesOf = null;
        for (RolloutTarget t : targets) {
            try {
                t.agent = connector.open(t.address, t.address.isPid() ? Credentials.NONE : credentials);
                ManagerMXBean m = t.manager();
                List<String> mine = m.getSwappablePackages().stream().sorted().toList();
                if (packages == null) {
                    packages = mine;
                    packagesOf = t.address.toString();
                } else if (!mine.equals(packages)) {
                    t.verdict = "refused: its swappable packages " + mine + " are not " + packagesOf + "'s "
                            + packages;
                    refusals.add(t.address + ": " + t.verdict.substring("refused: ".length()));
                    continue;
                }
                t.before = m.getCurrentGeneration();
                t.after = t.before;
                t.beforeAtCheck = t.tally(t.before);
                if (t.jars == null) {
                    t.jars = JarUpload.send(m, t.local);
                    progress.accept(t.address + ": sent " + t.local.stream().map(p -> p.getFileName().toString())
                            .toList() + " over JMX; its agent staged " + t.jars);
                }
                String refusal = m.check(t.jars);
                if (refusal != null) {
                    t.verdict = "refused: " + Errors.withoutPrefix(refusal);
                    refusals.add(t.address + ": " + Errors.withoutPrefix(refusal));
                    continue;
                }
                t.verdict = "checked, not moved";
                progress.accept(t.address + ": the jar passes its checks (generation " + t.name(t.before)
                        + " is current)");
            } catch (RuntimeException e) {
                t.verdict = (t.agent == null ? "unreachable: " : "refused: ") + Errors.oneLine(e);
                refusals.add(t.address + ": " + Errors.oneLine(e));
            }
        }
        return refusals.isEmpty() ? null : String.join("; ", refusals);
    }

    // ---- the canary and the waves --------------------------------------------------------------

    private void canary() {
        RolloutTarget t = targets.get(0);
        ManagerMXBean m = t.manager();
        Tally currentAtStart = remote(t, () -> t.tally(t.before));
        int id = step(t, () -> {
            int started = m.activateCanary(t.jars, canaryFraction);
            if (started != t.before) {
                t.canary = started;
            }
            return started;
        });
        if (id == t.before) {
            t.verdict = "unchanged: it runs this content already";
            progress.accept(t.address + ": " + t.verdict + "; no canary to judge");
            return;
        }
        remote(t, () -> {
            try {
                // The agent's own automatic abort guards the canary too, even if this process dies.
                return m.setCanaryPolicy(margin, judge.minTasks());
            } catch (RuntimeException e) {
                if (m.getCanary() == id) {
                    throw e;
                }
                return null; // aborted already: seen below
            }
        });
        progress.accept(t.address + ": canary generation " + t.name(id) + " for " + canaryFraction
                + " of new root tasks; waiting for " + judge.minTasks() + " ended tasks");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // The abort first, then the tally: read the other way round, an abort between the two reads left a
            // tally from before it, too small to judge, and the verdict without the failures that caused it.
            boolean aborted = remote(t, () -> m.getCanary() != id);
            Tally mine = remote(t, () -> t.tally(id));
            if (aborted || judge.ready(mine)) {
                String verdict = judge(t, id, mine, remote(t, () -> t.tally(t.before)).since(currentAtStart));
                if (aborted) {
                    t.canary = 0;
                    t.verdict = "failed: the canary was aborted in the JVM" + (verdict == null ? "" : ": " + verdict);
                    throw new Stop(t.address + ": canary generation " + id + " was aborted in the JVM (see its log)"
                            + (verdict == null ? "" : ": " + verdict));
                }
                if (verdict != null) {
                    t.verdict = "failed: " + verdict;
                    throw new Stop(t.address + ": canary generation " + id + " failed: " + verdict);
                }
                break;
            }
            awaitOrTimeOut(t, deadline, mine);
        }
        step(t, () -> {
            int now = m.promote();
            t.canary = 0;
            t.moved = true;
            t.after = now;
            t.verdict = "passed as a canary, promoted";
            return now;
        });
        progress.accept(t.address + ": the canary passed (" + t.judged.ended() + " tasks, " + t.judged.failureRate()
                + " failed; current " + t.baseline.failureRate() + " of " + t.baseline.ended() + "); generation "
                + t.name(t.after) + " is current");
    }

    private void wave(int number, int of, List<RolloutTarget> wave) {
        progress.accept("wave " + number + " of " + of + ": "
                + wave.stream().map(t -> t.address.toString()).collect(Collectors.joining(", ")));
        List<RolloutTarget> judging = new ArrayList<>();
        for (RolloutTarget t : wave) {
            ManagerMXBean m = t.manager();
            Tally replaced = remote(t, () -> t.tally(t.before)).since(t.beforeAtCheck);
            step(t, () -> {
                int now = m.activate(t.jars);
                if (now != 0 && m.getCanary() == now) {
                    // This agent makes every deploy a canary (agent argument canary=): the rollout judges it.
                    t.canary = now;
                    now = m.promote();
                    t.canary = 0;
                }
                if (now != t.before) {
                    t.moved = true;
                    t.after = now;
                }
                return now;
            });
            if (!t.moved) {
                t.verdict = "unchanged: it runs this content already";
                progress.accept(t.address + ": " + t.verdict);
                continue;
            }
            t.baseline = replaced;
            t.verdict = "activated, waiting for tasks";
            judging.add(t);
            progress.accept(t.address + ": generation " + t.name(t.after) + " is current (was " + t.before
                    + "); waiting for " + judge.minTasks() + " ended tasks");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!judging.isEmpty()) {
            RolloutTarget waitingFor = null;
            Tally waitingTally = null;
            for (Iterator<RolloutTarget> it = judging.iterator(); it.hasNext(); ) {
                RolloutTarget t = it.next();
                Tally mine = remote(t, () -> t.tally(t.after));
                if (!judge.ready(mine)) {
                    waitingFor = t;
                    waitingTally = mine;
                    continue;
                }
                String verdict = judge(t, t.after, mine, t.baseline);
                if (verdict != null) {
                    t.verdict = "failed: " + verdict;
                    throw new Stop(t.address + ": generation " + t.after + " failed: " + verdict);
                }
                t.verdict = "passed";
                it.remove();
            }
            if (waitingFor != null) {
                awaitOrTimeOut(waitingFor, deadline, waitingTally);
            }
        }
        progress.accept("wave " + number + " of " + of + " passed");
    }

    /** Judges generation {@code id} on {@code t}, keeping what was judged in {@code t}: why it fails, or null. */
    private String judge(RolloutTarget t, int id, Tally mine, Tally baseline) {
        t.judged = mine;
        t.baseline = baseline;
        String exceptions = RolloutJudge.top(remote(t, () -> t.agent.generation(id).getExceptions()));
        return judge.verdict(mine, exceptions, "generation " + t.before, baseline);
    }

    /** Waits one period, unless the stage is out of time or the rollout stopped. */
    private void awaitOrTimeOut(RolloutTarget t, long deadline, Tally sofar) {
        if (System.nanoTime() - deadline > 0) {
            t.judged = sofar;
            t.verdict = "timed out: " + sofar.ended() + " of " + judge.minTasks() + " tasks ended";
            throw new Stop(t.address + ": only " + sofar.ended() + " of " + judge.minTasks()
                    + " tasks ended on generation " + (t.canary != 0 ? t.canary : t.after) + " within "
                    + RolloutCommand.format(timeout));
        }
        synchronized (lock) {
            if (stopped) {
                throw new Stop("interrupted");
            }
            try {
                lock.wait(POLL_MS); // the counters have no notification: read again after a pause
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stop("interrupted");
            }
            if (stopped) {
                throw new Stop("interrupted");
            }
        }
    }

    // ---- steps, and undoing them ----------------------------------------------------------------

    /** Changes a target, under the lock, unless the rollout stopped. */
    private <T> T step(RolloutTarget t, Supplier<T> change) {
        synchronized (lock) {
            if (stopped) {
                throw new Stop("interrupted");
            }
            return remote(t, change);
        }
    }

    /** A call to a target: what goes wrong stops the rollout, in one line that names the target. */
    private static <T> T remote(RolloutTarget t, Supplier<T> call) {
        try {
            return call.get();
        } catch (Stop s) {
            throw s;
        } catch (RuntimeException e) {
            String line = Errors.oneLine(e);
            t.verdict = "failed: " + line;
            throw new Stop(t.address + ": " + line);
        }
    }

    /**
     * Under the lock: aborts the canary the rollout started, if it is still in progress, and rolls back every
     * target it moved, if what it made current still is; says each in a progress line.
     */
    private void undo() {
        stopped = true;
        lock.notifyAll();
        for (int i = targets.size() - 1; i >= 0; i--) {
            RolloutTarget t = targets.get(i);
            if (t.canary == 0 && !t.moved) {
                continue;
            }
            try {
                ManagerMXBean m = t.manager();
                if (t.canary != 0) {
                    abort(t, m);
                }
                if (t.moved) {
                    int now = m.getCurrentGeneration();
                    if (now == t.after) {
                        t.after = m.rollback();
                        t.moved = false;
                        t.verdict += "; rolled back";
                    } else {
                        t.after = now;
                        t.verdict += "; generation " + now + " became current meanwhile, left alone";
                    }
                }
                t.after = m.getCurrentGeneration();
                progress.accept(t.address + ": generation " + t.name(t.after) + " is current");
            } catch (RuntimeException e) {
                t.verdict += "; could not undo: " + Errors.oneLine(e);
                progress.accept(t.address + ": could not undo: " + Errors.oneLine(e));
            }
        }
    }

    /** Aborts the canary the rollout started on {@code t}, unless it ended already (the agent's automatic abort). */
    private static void abort(RolloutTarget t, ManagerMXBean m) {
        try {
            if (m.getCanary() == t.canary) {
                m.abort();
                t.verdict += "; canary aborted";
            }
        } catch (RuntimeException e) {
            if (m.getCanary() == t.canary) {
                throw e;
            }
            // the agent aborted it between the look and the abort: it is not in progress, as wanted
        }
        t.canary = 0;
    }

    /** The shutdown hook (Ctrl-C): undoes what moved and reports, unless the rollout finished. */
    private void interrupted() {
        synchronized (lock) {
            if (finished) {
                return;
            }
            progress.accept("interrupted: undoing what moved");
            undo();
            finished = true;
            outcome = Outcome.INTERRUPTED;
            reason = "the rollout's JVM is shutting down (Ctrl-C)";
        }
        report.accept(this);
    }

    private int finish(Outcome how, String why, int code) {
        synchronized (lock) {
            if (finished) {
                return 1; // the shutdown hook reported
            }
            finished = true;
            stopped = true;
            outcome = how;
            reason = why;
        }
        report.accept(this);
        return code;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran: it reported
        }
    }

    /** What stops the rollout once something may have moved: its message is the one line. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop(String reason) {
            super(reason, null, false, false);
        }
    }
}
