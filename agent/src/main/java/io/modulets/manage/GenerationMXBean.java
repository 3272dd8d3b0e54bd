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

    // ---- outcomes of its task runs (DESIGN §4, "Outcomes"); kept after it unloaded ----

    /** Task runs bound to it that began. */
    long getTasksStarted();

    /** Task runs that ended normally. */
    long getTasksCompleted();

    /** Task runs that ended by an exception. */
    long getTasksFailed();

    /** Task runs begun and not yet ended. */
    long getTasksRunning();

    /** Mean run time of the runs that ended, estimated from a sample of them, in nanoseconds; 0 if none did. */
    long getMeanRunNanos();

    /** Longest run time of a run that ended among those timed (a sample of the runs), in nanoseconds. */
    long getMaxRunNanos();

    /**
     * Median run time, as the top of its histogram bucket (at most 6.25 % above the true value), estimated from a
     * sample of the runs, in nanoseconds.
     */
    long getP50RunNanos();

    /** 99th percentile of run time, as {@link #getP50RunNanos()}, in nanoseconds. */
    long getP99RunNanos();

    /** The task runs timed: the sample the run times are estimated from (the latency rule's minimum counts them). */
    long getTasksTimed();

    /**
     * The most frequent exception classes of its failed runs, most frequent first:
     * {@code "java.lang.IllegalStateException 12"}.
     */
    List<String> getExceptions();

    /**
     * Exceptions its own code threw into shell code (out of one of its methods, called through
     * the boundary), whether or not the application caught them; each once per task run and exception, not
     * those of classes declared normal (agent argument {@code normalExceptions}).
     */
    long getExceptionsThrown();

    /** Task runs that ended in which its own code threw into shell code (the canary's thrown-exception rate). */
    long getTasksThrowing();

    /** The most frequent classes of {@link #getExceptionsThrown()}, as {@link #getExceptions()}. */
    List<String> getThrownExceptions();

    /**
     * Server requests bound to it that ended with a response status read (DESIGN §4, "Outcomes", says which
     * servers show one).
     */
    long getRequests();

    /** Its requests answered with a 5xx status (the canary's 5xx rate). */
    long getServerErrors();

    /** Its requests answered with a 4xx status. */
    long getClientErrors();

    /**
     * Its requests timed, from their beginning to their end as the agent sees them (DESIGN §2.12): those of
     * {@link #getRequests()} whose beginning the agent saw too.
     */
    long getRequestsTimed();

    /** Median latency of its timed requests, as the top of its histogram bucket (at most 6.25 % above), in ns. */
    long getP50RequestNanos();

    /** 99th percentile of the latency of its timed requests, as {@link #getP50RequestNanos()}, in nanoseconds. */
    long getP99RequestNanos();

    /** Scheduler job runs bound to it that ended (Quartz). */
    long getJobRuns();

    /** Its job runs whose job threw, caught by the scheduler (the canary's failed-job rate). */
    long getJobRunsFailed();

    /** The most frequent exception classes of {@link #getJobRunsFailed()}, as {@link #getExceptions()}. */
    List<String> getJobExceptions();
}
