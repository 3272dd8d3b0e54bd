package io.modulets.generations;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the agent decided about the content of one modules directory, kept in the store so that a restart
 * keeps it (DESIGN §2.9): the generations made current, newest first (the first is the current one, the
 * rest what the store keeps for them), and the content that was refused, rolled back from, or left a
 * canary, by content hash, newest first. Immutable; each transition returns a new state, bounded: at
 * most {@code retain} generations and {@link #MAX_DECISIONS} decisions.
 */
public record DeployState(Path modules, String directory, List<Recorded> history, List<Decision> decisions) {
    /** The format this code writes and reads; a file of another format is not read. */
    static final int FORMAT = 1;
    /** The decisions kept: the modules directory holds one content at a time, and the newest ones matter. */
    public static final int MAX_DECISIONS = 64;

    /** Why content the modules directory may hold is not taken at a start. */
    public enum Kind {
        /** A deploy's checks refused it. */
        REFUSED("was refused at %s"),
        /** The operator rolled back from it. */
        ROLLED_BACK("was rolled back by the operator at %s"),
        /** A canary of it was started and never promoted (aborted, or in progress when the JVM stopped). */
        CANARY("was started as a canary at %s and never promoted");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        /** What happened to the content, for a line ("was refused at 2026-12-05T09:30:00Z"). */
        public String words(Instant at) {
            return String.format(words, at);
        }
    }

    /**
     * @param hash   the content's hash (a {@link Snapshot}'s)
     * @param at     when it was decided
     * @param reason the one line of a refusal, else empty
     */
    public record Decision(String hash, Kind kind, Instant at, String reason) {
        public Decision {
            requireHash(hash);
            if (kind == null || at == null || reason == null) throw new IllegalArgumentException("incomplete decision");
        }
    }

    /** A generation made current: enough to find its jars in the store again. */
    public record Recorded(String hash, List<Jar> jars) {
        public Recorded {
            requireHash(hash);
            jars = List.copyOf(jars);
            if (jars.isEmpty()) throw new IllegalArgumentException("a generation has at least one jar");
        }

        static Recorded of(Snapshot snapshot) {
            List<Jar> jars = new ArrayList<>(snapshot.jars().size());
            for (Snapshot.Jar j : snapshot.jars()) {
                jars.add(new Jar(j.sha256(), j.size(), j.fileName()));
            }
            return new Recorded(snapshot.hash(), jars);
        }

        /** Its snapshot, reading the stored jars only for the label; the caller verifies them ({@link Store#check}). */
        public Snapshot snapshot(Store store) {
            List<Snapshot.Jar> stored = jars.stream().map(j -> new Snapshot.Jar(j.fileName(), j.sha256(),
                    store.dir().resolve(j.sha256() + ".jar"), j.size())).toList();
            Snapshot snapshot = Snapshot.of(stored, Labels.of(stored));
            if (!snapshot.hash().equals(hash)) throw new IllegalArgumentException("hash does not match its jars");
            return snapshot;
        }
    }

    public record Jar(String sha256, long size, String fileName) {
        public Jar {
            requireHash(sha256);
            if (size < 0 || fileName == null || fileName.isEmpty()) throw new IllegalArgumentException("bad jar");
        }
    }

    public DeployState {
        history = List.copyOf(history);
        decisions = List.copyOf(decisions);
        if (directory != null) requireHash(directory);
    }

    /** No decision yet: the first start with this modules directory and store. */
    public static DeployState empty(Path modules) {
        return new DeployState(modules, null, List.of(), List.of());
    }

    /** The generation that was current when the state was last written, or null. */
    public Recorded current() {
        return history.isEmpty() ? null : history.get(0);
    }

    /** The decision about {@code hash}, or null. */
    public Decision decision(String hash) {
        return decisions.stream().filter(d -> d.hash().equals(hash)).findFirst().orElse(null);
    }

    // ---- transitions --------------------------------------------------------------------------------

    /** {@code snapshot} became current: it heads the history, and whatever was decided about it is undone. */
    public DeployState current(Snapshot snapshot, int retain) {
        List<Recorded> next = new ArrayList<>(history.size() + 1);
        next.add(Recorded.of(snapshot));
        for (Recorded r : history) {
            if (next.size() >= retain) break;
            if (!r.hash().equals(snapshot.hash())) next.add(r);
        }
        return new DeployState(modules, directory, next, without(snapshot.hash()));
    }

    /** Adds (or renews) a decision about {@code hash}. */
    public DeployState decided(String hash, Kind kind, Instant at, String reason) {
        List<Decision> next = new ArrayList<>(decisions.size() + 1);
        next.add(new Decision(hash, kind, at, reason == null ? "" : reason));
        List<Decision> others = without(hash);
        next.addAll(others.subList(0, Math.min(others.size(), MAX_DECISIONS - 1)));
        return new DeployState(modules, directory, history, next);
    }

    /** The agent read the modules directory, and it held {@code hash}. */
    public DeployState directoryHeld(String hash) {
        return new DeployState(modules, hash, history, decisions);
    }

    /** The same state with at most {@code retain} generations (the agent argument may have been lowered). */
    public DeployState retaining(int retain) {
        return history.size() <= retain ? this
                : new DeployState(modules, directory, history.subList(0, retain), decisions);
    }

    private List<Decision> without(String hash) {
        List<Decision> others = new ArrayList<>(decisions.size());
        for (Decision d : decisions) {
            if (!d.hash().equals(hash)) others.add(d);
        }
        return others;
    }

    /** The stored jars this state needs kept: every jar of its history. */
    public Set<String> jarHashes() {
        Set<String> hashes = new TreeSet<>();
        for (Recorded r : history) {
            for (Jar j : r.jars()) hashes.add(j.sha256());
        }
        return hashes;
    }

    // ---- the rule at a start -------------------------------------------------------------------------

    /** What a start does with the content of the modules directory. */
    public enum Take {
        /** It is current, or nothing was decided before: take it, as a first start would. */
        DIRECTORY,
        /** It is new since the state was written: take it, and if its checks refuse it, keep {@link #current()}. */
        NEW,
        /** Keep {@link #current()}: the directory holds content that was refused, rolled back from, or not chosen. */
        KEEP_CURRENT
    }

    /** The rule of DESIGN §2.9, for the content hash of what the modules directory holds. */
    public Take take(String directoryHash) {
        Recorded current = current();
        if (current == null || current.hash().equals(directoryHash)) return Take.DIRECTORY;
        if (decision(directoryHash) != null || directoryHash.equals(directory)) return Take.KEEP_CURRENT;
        return Take.NEW;
    }

    // ---- the file format -----------------------------------------------------------------------------

    /**
     * The state as a properties text (ISO 8859-1 with {@code \\u} escapes, so that any file name or reason
     * survives): {@code format}, {@code modules}, {@code directory}, {@code generation.N} (hash) with
     * {@code generation.N.jar.M} ({@code sha256 size fileName}), {@code decision.N} ({@code hash kind
     * instant}) with {@code decision.N.reason}; N and M from 1, newest generation and decision first.
     */
    public String format() {
        StringBuilder out = new StringBuilder();
        // Written here rather than by Properties.store, whose date comment loads the calendar, time-zone and
        // locale classes on premain's path (about 80 classes) and makes every start's text differ.
        out.append("#modulets deployment state: written by the agent (docs/REFERENCE.md, Restarts); do not edit\n");
        entry(out, "format", Integer.toString(FORMAT));
        entry(out, "modules", modules.toString());
        if (directory != null) entry(out, "directory", directory);
        for (int i = 0; i < history.size(); i++) {
            Recorded r = history.get(i);
            String key = "generation." + (i + 1);
            entry(out, key, r.hash());
            for (int j = 0; j < r.jars().size(); j++) {
                Jar jar = r.jars().get(j);
                entry(out, key + ".jar." + (j + 1), jar.sha256() + " " + jar.size() + " " + jar.fileName());
            }
        }
        for (int i = 0; i < decisions.size(); i++) {
            Decision d = decisions.get(i);
            String key = "decision." + (i + 1);
            entry(out, key, d.hash() + " " + d.kind().name() + " " + d.at());
            entry(out, key + ".reason", d.reason());
        }
        return out.toString();
    }

    /** One {@code key=value} line, escaped as {@link Properties#store(java.io.Writer, String)} escapes it. */
    private static void entry(StringBuilder out, String key, String value) {
        escape(out, key, true);
        out.append('=');
        escape(out, value, false);
        out.append('\n');
    }

    private static final String HEX = "0123456789ABCDEF";

    private static void escape(StringBuilder out, String text, boolean key) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case ' ' -> out.append(i == 0 || key ? "\\ " : " ");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append("\\u");
                        for (int shift = 12; shift >= 0; shift -= 4) out.append(HEX.charAt((c >> shift) & 0xF));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    /** Parses {@link #format()}'s text; anything else is an IOException whose message is the reason. */
    public static DeployState parse(String text) throws IOException {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed: " + e.getMessage(), e);
        }
        String format = p.getProperty("format");
        if (format == null) throw new IOException("no format line: not a deployment state");
        if (!format.equals(Integer.toString(FORMAT))) {
            throw new IOException("format " + format + ", and this agent reads format " + FORMAT);
        }
        String modules = required(p, "modules");
        try {
            List<Recorded> history = new ArrayList<>();
            for (int i = 1; p.containsKey("generation." + i); i++) {
                String key = "generation." + i;
                List<Jar> jars = new ArrayList<>();
                for (int j = 1; p.containsKey(key + ".jar." + j); j++) {
                    String[] parts = p.getProperty(key + ".jar." + j).split(" ", 3);
                    if (parts.length != 3) throw new IOException(key + ".jar." + j + " is not 'sha256 size name'");
                    jars.add(new Jar(parts[0], Long.parseLong(parts[1]), parts[2]));
                }
                Recorded recorded = new Recorded(p.getProperty(key), jars);
                List<Snapshot.Jar> hashed = new ArrayList<>(jars.size());
                for (Jar jar : jars) {
                    hashed.add(new Snapshot.Jar(jar.fileName(), jar.sha256(), Path.of(jar.sha256() + ".jar"), jar.size()));
                }
                if (!Snapshot.hashOf(hashed).equals(recorded.hash())) {
                    throw new IOException(key + "'s hash does not match its jars");
                }
                history.add(recorded);
            }
            List<Decision> decisions = new ArrayList<>();
            for (int i = 1; p.containsKey("decision." + i); i++) {
                String key = "decision." + i;
                String[] parts = p.getProperty(key).split(" ", 3);
                if (parts.length != 3) throw new IOException(key + " is not 'hash kind instant'");
                decisions.add(new Decision(parts[0], Kind.valueOf(parts[1]), Instant.parse(parts[2]),
                        p.getProperty(key + ".reason", "")));
            }
            return new DeployState(Path.of(modules), p.getProperty("directory"), history, decisions);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            // NumberFormatException, a bad hash or kind, an invalid path
            throw new IOException("malformed: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key) throws IOException {
        String value = p.getProperty(key);
        if (value == null || value.isEmpty()) throw new IOException("no " + key + " line");
        return value;
    }

    private static void requireHash(String hash) {
        if (!Sha256.isHash(hash)) throw new IllegalArgumentException("not a lowercase hex SHA-256: " + hash);
    }
}
