package io.modulets.capture;

import java.util.Map;
import java.util.Set;

/**
 * The non-public JDK members the hooks reach by handles ({@code JdkMethods}, {@code TaskAdapters}), checked as
 * the capture transformer rewrites the class that has them: not by reflection in premain, which would load
 * these classes there instead of as the application first uses them. A class without them is left as it is,
 * with one error line, rather than rewritten to call hooks that would fail in its tasks.
 */
final class JdkMembers {
    private static final String JUC = "java/util/concurrent/";
    /** By class: {@code name+descriptor} of a method, {@code name:descriptor} of a field, or a nested class. */
    private static final Map<String, Set<String>> REQUIRED = Map.of(
            JUC + "ForkJoinTask", Set.of("exec()Z"),
            JUC + "FutureTask", Set.of("callable:L" + JUC + "Callable;"),
            JUC + "CompletableFuture", Set.of(JUC + "CompletableFuture$UniRelay", JUC + "CompletableFuture$BiRelay"),
            JUC + "CompletableFuture$Completion", Set.of("tryFire(I)L" + JUC + "CompletableFuture;"),
            JUC + "CompletableFuture$UniCompletion", Set.of("dep:L" + JUC + "CompletableFuture;"),
            JUC + "CompletableFuture$CoCompletion", Set.of("base:L" + JUC + "CompletableFuture$BiCompletion;"));

    private JdkMembers() {
    }

    /** Whether the hooks need members of this class ({@link #missing} then tells which it lacks). */
    static boolean checks(String className) {
        return REQUIRED.containsKey(className);
    }

    /** The required members of {@code className} not among {@code members}, or an empty set. */
    static Set<String> missing(String className, Set<String> members) {
        Set<String> missing = new java.util.TreeSet<>(REQUIRED.getOrDefault(className, Set.of()));
        missing.removeAll(members);
        return missing;
    }
}
