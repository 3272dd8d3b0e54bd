package io.modulets.capture;

import io.modulets.bootstrap.ExecutorHooks;
import java.util.List;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code java.util.Timer}: a task is captured as {@code sched} queues it (after its checks, so a
 * refused schedule captures nothing), the timer thread's {@code task.run()} runs it bound, and
 * {@code TimerTask.cancel()} releases it. The timer thread itself never binds (a JDK loop thread).
 */
final class TimerRules {
    private TimerRules() {
    }

    static List<Transformlet> rules() {
        return List.of(
                new Rule("java/util/Timer") {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return method.equals("sched(Ljava/util/TimerTask;JJ)V")
                                ? captureBeforeQueueAdd(mv) : mv;
                    }
                },
                new Rule("java/util/TimerThread") {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return method.equals("mainLoop()V")
                                ? Hooks.replaceVirtualCall(mv, "java/util/TimerTask"::equals, "run", "()V",
                                        Hooks.EXECUTORS, "runTask", "(Ljava/lang/Runnable;)V", null)
                                : mv;
                    }
                },
                new Rule("java/util/TimerTask") {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return method.equals("cancel()Z")
                                ? Hooks.beforeIreturn(mv, Hooks.DROPPED, "onCancelled", "(ZLjava/lang/Object;)V", 0) : mv;
                    }
                });
    }

    /** Before {@code queue.add(task)} (stack: queue, task): {@code ExecutorHooks.onTimerSchedule(task, period)}. */
    private static MethodVisitor captureBeforeQueueAdd(MethodVisitor mv) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
                if (owner.equals("java/util/TaskQueue") && name.equals("add")) {
                    super.visitInsn(Opcodes.DUP);
                    super.visitVarInsn(Opcodes.LLOAD, 4); // sched(task, time, period): period is in slots 4-5
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, Hooks.EXECUTORS, "onTimerSchedule",
                            "(Ljava/lang/Object;J)V", false);
                }
                super.visitMethodInsn(opcode, owner, name, desc, itf);
            }
        };
    }
}
