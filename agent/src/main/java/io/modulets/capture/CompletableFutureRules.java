package io.modulets.capture;

import java.util.List;
import java.util.function.Predicate;

import org.objectweb.asm.MethodVisitor;

/**
 * {@code CompletableFuture}: a dependent stage is a {@code Completion} object made when the code
 * registers it ({@code thenApply}, {@code whenComplete}, …); it records that code's binding. Every
 * {@code tryFire} call, on whichever thread completes the source, runs bound to it. The *Async
 * stages are tasks given to an executor and are captured there like any other.
 */
final class CompletableFutureRules {
    private static final String CF = "java/util/concurrent/CompletableFuture";
    private static final Predicate<String> COMPLETIONS = new Predicate<>() { // a class, not a lambda: see HookFunctions
        @Override
        public boolean test(String owner) {
            return owner.startsWith(CF + "$");
        }
    };

    private CompletableFutureRules() {
    }

    static List<Transformlet> rules() {
        return List.of(
                new Rule(CF) {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return method.equals("completeThrowable(Ljava/lang/Throwable;)Z")
                                ? Hooks.atEntry(fireBound(mv), Hooks.STAGES, "onStageFailed", "(Ljava/lang/Throwable;)V", 1)
                                : fireBound(mv);
                    }
                },
                new Rule(CF + "$CoCompletion") {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return fireBound(mv);
                    }
                },
                // who runs a stage's function synchronously: the one thread whose claim() returns true
                new Rule(CF + "$UniCompletion") {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return method.equals("claim()Z")
                                ? Hooks.beforeIreturn(mv, Hooks.STAGES, "onClaim", "(ZLjava/lang/Object;)V", 0)
                                : mv;
                    }
                },
                new Rule(CF + "$Completion") {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return method.equals("<init>()V")
                                ? Hooks.beforeReturn(mv, Hooks.STAGES, "onCompletionRegistered",
                                        "(Ljava/lang/Object;)V", 0)
                                : fireBound(mv);
                    }
                });
    }

    private static MethodVisitor fireBound(MethodVisitor mv) {
        return Hooks.replaceVirtualCall(mv, COMPLETIONS, "tryFire", "(I)L" + CF + ";",
                Hooks.STAGES, "fireCompletion", "(Ljava/lang/Object;I)Ljava/lang/Object;", CF);
    }
}
