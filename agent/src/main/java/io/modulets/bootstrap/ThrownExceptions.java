package io.modulets.bootstrap;

import java.util.Collection;
import java.util.Set;

/**
 * Counts an exception that a generation's code threw into shell code (DESIGN §4, "Outcomes"): the boundary's
 * sites call {@link #crossed} from the exception handler around each generation's member, so a call that
 * returns normally runs none of this. Each exception counts once per task run (see {@link TaskRuns#crossed}),
 * by class, unless its class or a superclass was declared normal (agent argument {@code normalExceptions}).
 */
public final class ThrownExceptions {
    /** Binary names of the exception classes that are part of a contract; with their subclasses. */
    private static volatile Set<String> normal = Set.of();

    private ThrownExceptions() {
    }

    /** Declares these exception classes (binary names), and their subclasses, normal: they are not counted. */
    public static void normal(Collection<String> classNames) {
        normal = Set.copyOf(classNames);
    }

    /**
     * {@code thrown} leaves the code of the generation that counts in {@code outcomes} for shell code. Never
     * throws: the caller rethrows {@code thrown}, which nothing here may replace.
     */
    public static void crossed(TaskOutcomes outcomes, Throwable thrown) {
        try {
            if (thrown == null || isNormal(thrown.getClass())) {
                return;
            }
            if (TaskRuns.crossed(outcomes, thrown)) {
                outcomes.thrown(thrown.getClass().getName());
            }
        } catch (Throwable notCounted) {
            // a StackOverflowError or an OutOfMemoryError while counting: the application's exception goes on
        }
    }

    private static boolean isNormal(Class<?> type) {
        Set<String> names = normal;
        if (names.isEmpty()) {
            return false;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (names.contains(c.getName())) {
                return true;
            }
        }
        return false;
    }
}
