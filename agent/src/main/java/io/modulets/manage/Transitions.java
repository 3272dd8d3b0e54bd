package io.modulets.manage;

import java.util.function.Consumer;

import io.modulets.config.Percent;
import io.modulets.generations.Canary;
import io.modulets.generations.Generation;
import io.modulets.generations.Registry;

/**
 * What the manage package hears from the registry and the deployer: it counts at once (so that an
 * operation that returned is already counted) and hands each event to the outputs — JMX
 * notifications, JFR events — on the {@link EventThread}. Loads no {@code javax.management} or
 * {@code jdk.jfr} class: it is made on premain's path; the outputs are made on the manage thread.
 */
final class Transitions implements Registry.Listener, Consumer<String> {
    /** One output of events (JMX, JFR); called on the manage thread, in the order they happened. */
    interface Output {
        /** A generation was made (before it becomes current). */
        default void created(Generation g) {
        }

        void activated(Generation now, Generation before, String what, String message);

        void rejected(Generation current, String message);

        void retired(Generation g, String message);

        void unloaded(Generation g, String message);

        /** A canary started beside the current generation. */
        default void canaryStarted(Canary canary, String message) {
        }

        /** A canary was aborted ({@code reason}: by the operator, or what the automatic abort measured). */
        default void canaryAborted(Canary canary, String reason, String message) {
        }
    }

    private final EventThread thread;
    private final Registry registry;
    private final Counts counts;
    /** Set by the first job on the manage thread, read only there: the outputs load JMX and JFR classes. */
    private Output[] outputs = {};

    Transitions(EventThread thread, Registry registry, Counts counts) {
        this.thread = thread;
        this.registry = registry;
        this.counts = counts;
    }

    /** Called on the manage thread, before the jobs of any event. */
    void outputs(Output... outputs) {
        this.outputs = outputs.clone();
    }

    @Override
    public void created(Generation g) {
        thread.submit(new Runnable() { // not a lambda: generation 1 is created at every start
            @Override
            public void run() {
                for (Output out : outputs) {
                    out.created(g);
                }
            }
        });
    }

    @Override
    public void activated(Generation now, Generation before, String what) {
        counts.activation();
        String message = now + " is current" + (before == null ? ""
                : " (was " + before.sequence() + (what.equals("activation") ? "" : ", " + what) + ")");
        thread.submit(new Runnable() { // not a lambda: generation 1 is activated at every start
            @Override
            public void run() {
                for (Output out : outputs) {
                    out.activated(now, before, what, message);
                }
            }
        });
    }

    /** A deploy was refused: {@code line} is the refusal, the current generation stays. */
    @Override
    public void accept(String line) {
        counts.rejection(line);
        Generation current = registry.current();
        thread.submit(() -> {
            for (Output out : outputs) {
                out.rejected(current, line);
            }
        });
    }

    @Override
    public void canaryStarted(Canary canary) {
        String message = canary.generation() + " is a canary for " + Percent.format(canary.fraction())
                + " of new root tasks (" + canary.against() + " stays current)";
        thread.submit(() -> {
            for (Output out : outputs) {
                out.canaryStarted(canary, message);
            }
        });
    }

    @Override
    public void aborted(Canary canary, String reason) {
        String message = "canary " + canary.generation() + " aborted: " + reason;
        thread.submit(() -> {
            for (Output out : outputs) {
                out.canaryAborted(canary, reason, message);
            }
        });
    }

    @Override
    public void retired(Generation g) {
        String message = g + " retired: no live task";
        thread.submit(() -> {
            for (Output out : outputs) {
                out.retired(g, message);
            }
        });
    }

    @Override
    public void unloaded(Generation g) {
        String message = g + " unloaded";
        thread.submit(() -> {
            for (Output out : outputs) {
                out.unloaded(g, message);
            }
        });
    }
}
