package io.modulets.capture;

import java.util.List;

/**
 * Fork/join: {@code fork()} and the pool's one submission path (17: {@code externalSubmit}, 21+:
 * {@code poolSubmit}; every execute/submit/invoke/invokeAll goes through it) capture; {@code doExec()},
 * where every worker, helper and {@code invoke()} runs a task, binds around {@code exec()}; a
 * cancelled task stops counting. Workers are never bound ({@code Bindings.onThreadStart}).
 */
final class ForkJoinTransformlet {
    private static final String TASK = "java/util/concurrent/ForkJoinTask";
    private static final String CANCELLED = "(ZLjava/lang/Object;)V";

    private ForkJoinTransformlet() {
    }

    /** 19+ submits through {@code poolSubmit}; its public {@code externalSubmit} calls that too. */
    private static final String SUBMIT = hasPoolSubmit()
            ? "poolSubmit(ZLjava/util/concurrent/ForkJoinTask;)Ljava/util/concurrent/ForkJoinTask;"
            : "externalSubmit(Ljava/util/concurrent/ForkJoinTask;)Ljava/util/concurrent/ForkJoinTask;";

    private static boolean hasPoolSubmit() {
        for (java.lang.reflect.Method m : java.util.concurrent.ForkJoinPool.class.getDeclaredMethods()) {
            if (m.getName().equals("poolSubmit")) {
                return true;
            }
        }
        return false;
    }

    static List<Transformlet> rules() {
        return List.of(
                new Rule(TASK, (method, mv) -> switch (method) {
                    case "fork()Ljava/util/concurrent/ForkJoinTask;" ->
                            Hooks.atEntry(mv, "onSubmit", "(Ljava/lang/Object;)V", 0);
                    case "doExec()I", "doExec()V" -> Hooks.replaceVirtualCall(mv, TASK::equals, "exec", "()Z",
                            "execTask", "(Ljava/util/concurrent/ForkJoinTask;)Z", null);
                    case "cancel(Z)Z" -> Hooks.beforeIreturn(mv, "onCancelled", CANCELLED, 0);
                    default -> mv;
                }),
                new Rule(TASK + "$InterruptibleTask", (method, mv) -> method.equals("cancel(Z)Z")
                        ? Hooks.beforeIreturn(mv, "onCancelled", CANCELLED, 0) : mv),
                new Rule("java/util/concurrent/ForkJoinPool", (method, mv) -> method.equals(SUBMIT)
                        ? Hooks.atEntry(mv, "onPoolSubmit", "(Ljava/lang/Object;Ljava/lang/Object;)V", 0,
                                SUBMIT.startsWith("poolSubmit") ? 2 : 1)
                        : mv));
    }
}
