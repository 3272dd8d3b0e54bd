package io.modulets.capture;

import java.util.List;

/**
 * {@code FutureTask.finishCompletion()}: the task completed, threw or was cancelled, so it never runs
 * again; whatever it still held (a queued cancelled task, a periodic task's capture) is released.
 * FutureTask is what {@code submit} and every scheduled task are.
 */
final class FutureTaskTransformlet {
    private FutureTaskTransformlet() {
    }

    static List<Transformlet> rules() {
        return List.of(new Rule("java/util/concurrent/FutureTask", (method, mv) ->
                method.equals("finishCompletion()V")
                        ? Hooks.atEntry(mv, "onFutureDone", "(Ljava/lang/Object;)V", 0) : mv));
    }
}
