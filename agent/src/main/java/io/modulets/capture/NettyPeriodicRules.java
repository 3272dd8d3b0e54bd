package io.modulets.capture;

import java.util.List;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Netty's periodic tasks on an event loop or any of its {@code EventExecutor}s (4.1, 4.2:
 * {@code scheduleAtFixedRate}, {@code scheduleWithFixedDelay} of {@code AbstractScheduledEventExecutor}), which
 * queue the task without {@code execute} and run it again and again from the loop: the same as a JDK scheduled
 * pool's periodic task (DESIGN §2.1). The {@code Runnable} is replaced by a wrapper that keeps a periodic capture
 * ({@code ExecutorHooks.wrapScheduledPeriodic}): scheduled by unbound code (or a server's own), each run binds afresh
 * to the generation current when it starts; scheduled by a request or another task, every run inherits its
 * binding. The task leaves its {@code PromiseTask} when it is cancelled or fails ({@code clearTaskAfterCompletion},
 * 4.1.45 on), which releases the capture then ({@code DroppedTaskHooks.onTaskCleared}), as a JDK pool's
 * cancellation does.
 */
final class NettyPeriodicRules {
    private static final String EXECUTOR = "io/netty/util/concurrent/AbstractScheduledEventExecutor";
    private static final String PROMISE_TASK = "io/netty/util/concurrent/PromiseTask";
    private static final String PERIODIC =
            "(Ljava/lang/Runnable;JJLjava/util/concurrent/TimeUnit;)Lio/netty/util/concurrent/ScheduledFuture;";

    private NettyPeriodicRules() {
    }

    static List<Transformlet> rules() {
        return List.of(
                new Rule(EXECUTOR) {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return method.equals("scheduleAtFixedRate" + PERIODIC)
                                || method.equals("scheduleWithFixedDelay" + PERIODIC)
                                ? Hooks.atEntry(mv, out -> {
                                    out.visitVarInsn(Opcodes.ALOAD, 1);
                                    out.visitMethodInsn(Opcodes.INVOKESTATIC, Hooks.EXECUTORS, "wrapScheduledPeriodic",
                                            "(Ljava/lang/Runnable;)Ljava/lang/Runnable;", false);
                                    out.visitVarInsn(Opcodes.ASTORE, 1);
                                }) : mv;
                    }
                },
                new Rule(PROMISE_TASK) {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return method.equals("clearTaskAfterCompletion(ZLjava/lang/Runnable;)Z")
                                ? Hooks.atEntry(mv, out -> {
                                    out.visitVarInsn(Opcodes.ILOAD, 1);
                                    out.visitVarInsn(Opcodes.ALOAD, 0);
                                    out.visitFieldInsn(Opcodes.GETFIELD, PROMISE_TASK, "task", "Ljava/lang/Object;");
                                    out.visitMethodInsn(Opcodes.INVOKESTATIC, Hooks.DROPPED, "onTaskCleared",
                                            "(ZLjava/lang/Object;)V", false);
                                }) : mv;
                    }
                });
    }
}
