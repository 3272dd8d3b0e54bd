package io.modulets.manage;

import java.util.List;

/**
 * {@code io.modulets:type=Generation,id=N}: one generation (DESIGN §1, §2.7). Its metadata outlives
 * its classes: an unloaded generation still answers, with state {@code unloaded}.
 */
public interface GenerationMXBean {
    /** {@code String.format(OBJECT_NAME, sequence)}. */
    String OBJECT_NAME = "io.modulets:type=Generation,id=%d";

    /** The sequence number, 1 for the generation the JVM started with. */
    int getId();

    /** {@code canary}, {@code current}, {@code draining}, {@code retired} or {@code unloaded}. */
    String getState();

    /** The label taken from the jars (Implementation-Version, or the jar names). */
    String getLabel();

    /** The SHA-256 of the snapshot's content, hexadecimal. */
    String getHash();

    /** The snapshot's jars in the store. */
    List<String> getJars();

    /** Tasks bound to it that have not ended. */
    long getLiveTasks();

    /** Classes its loader has defined so far; 0 once unloaded. */
    long getLoadedClasses();

    /** When it was created, as {@code Instant.toString()}. */
    String getCreated();

    /** Every state change, oldest first: {@code "draining 2026-11-26T02:41:07.123Z"}. */
    List<String> getHistory();

    /** What holds it, one line per holder ({@code "thread-local: …"}); empty when nothing does. */
    List<String> getPins();

    /** What the agent could not look at when reporting pins, and why. */
    List<String> getPinBlindSpots();
}
