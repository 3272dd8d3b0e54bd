package io.modulets.capture;

import java.util.List;

import org.objectweb.asm.MethodVisitor;

/**
 * {@code FutureTask}, what {@code submit} and every scheduled task are: a task cancelled in the queue,
 * or a periodic task that threw (it is not run again), releases what it still held. A normal run
 * already took its capture when it started, so the common completion path costs nothing here.
 * {@code setException} also marks the run it happens in (the task's own) as failed (DESIGN §4, "Outcomes").
 */
final class FutureTaskRules {
    private FutureTaskRules() {
    }

    static List<Transformlet> rules() {
        return List.of(new Rule("java/util/concurrent/FutureTask") {
            @Override
            MethodVisitor rewrite(String method, MethodVisitor mv) {
                return switch (method) {
                    case "cancel(Z)Z" -> Hooks.beforeIreturn(mv, Hooks.DROPPED, "onCancelled", "(ZLjava/lang/Object;)V", 0);
                    case "setException(Ljava/lang/Throwable;)V" -> Hooks.atEntry(mv, Hooks.DROPPED, "onFutureDone",
                            "(Ljava/lang/Object;Ljava/lang/Throwable;)V", 0, 1);
                    default -> mv;
                };
            }
        });
    }
}
