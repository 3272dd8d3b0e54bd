package io.modulets.generations;

import java.util.List;
import java.util.StringJoiner;

/**
 * What holds a generation, as far as the agent can see without a heap dump (DESIGN §6): the value
 * that JMX and the CLI show, and that the agent logs for a retired generation that survives a full
 * collection.
 *
 * @param sequence   the generation
 * @param state      its state when the report was made
 * @param pins       what holds it, each with its kind
 * @param blindSpots what the agent could not look at in this JVM, and why (one line each)
 */
public record PinReport(int sequence, Generation.State state, List<Pin> pins, List<String> blindSpots) {

    /** What the report says once when shell code holds objects of the generation (DESIGN §6). */
    public static final String OBJECTS_KEEP_THEIR_CODE = "objects keep their code: call swappable code from the"
            + " request, not through a bean (Spring makes a bean of any scope from the class it resolved at startup;"
            + " docs/SERVERS.md, Objects keep their code)";

    /** The kinds of holder the agent can see, in the order reports list them. */
    public enum Kind {
        LIVE_TASKS("live tasks"),
        /** Submitted tasks of one class that wait in the agent's table (not those kept in a field of the task). */
        QUEUED_TASK("queued task"),
        BOUND_THREAD("thread bound to it"),
        STARTED_THREAD("thread of its code"),
        CONTEXT_CLASS_LOADER("context class loader"),
        ACCESS_CONTROL_CONTEXT("inherited access control context"),
        THREAD_LOCAL("thread-local"),
        JDBC_DRIVER("JDBC driver"),
        SHUTDOWN_HOOK("shutdown hook"),
        MBEAN("MBean"),
        SHELL_FIELD("held by shell code"),
        AGENT_CACHE("agent cache");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** One holder: its kind and what it is (a thread's name, a class, an MBean name). */
    public record Pin(Kind kind, String what) {
        @Override
        public String toString() {
            return kind.words() + ": " + what;
        }
    }

    public PinReport {
        pins = List.copyOf(pins);
        blindSpots = List.copyOf(blindSpots);
    }

    public boolean isPinned() {
        return !pins.isEmpty();
    }

    /** One line: every pin, then the blind spots. */
    public String summary() {
        StringJoiner line = new StringJoiner("; ");
        if (pins.isEmpty()) {
            line.add(state == Generation.State.UNLOADED ? "unloaded: nothing holds it"
                    : "nothing the agent can see holds it (an object of its classes is reachable from elsewhere:"
                      + " take a heap dump)");
        } else {
            line.add("pinned by " + pins.size() + (pins.size() == 1 ? " holder: " : " holders: ") + pins.get(0));
            for (Pin pin : pins.subList(1, pins.size())) {
                line.add(pin.toString());
            }
        }
        if (pins.stream().anyMatch(pin -> pin.kind() == Kind.SHELL_FIELD)) {
            line.add(OBJECTS_KEEP_THEIR_CODE);
        }
        for (String blind : blindSpots) {
            line.add("not inspected: " + blind);
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return "generation " + sequence + " (" + state.word() + "): " + summary();
    }
}
