package io.modulets.capture;

import java.util.List;

import org.objectweb.asm.MethodVisitor;

/**
 * {@code ScheduledThreadPoolExecutor} queues its tasks without {@code execute}: {@code delayedExecute}
 * is where every schedule/submit/execute arrives. A periodic task's capture stays for all its runs
 * ({@code reExecutePeriodic} requeues it unchanged) until the FutureTask completes or is cancelled.
 */
final class ScheduledPoolRules {
    private ScheduledPoolRules() {
    }

    static List<Transformlet> rules() {
        return List.of(new Rule("java/util/concurrent/ScheduledThreadPoolExecutor") {
            @Override
            MethodVisitor rewrite(String method, MethodVisitor mv) {
                return method.equals("delayedExecute(Ljava/util/concurrent/RunnableScheduledFuture;)V")
                        ? Hooks.atEntry(mv, Hooks.EXECUTORS, "onSchedule", "(Ljava/lang/Object;)V", 1) : mv;
            }
        });
    }
}
