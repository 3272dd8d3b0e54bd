package io.modulets.capture;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code ThreadPoolExecutor.Worker}: the thread a worker makes is a long-lived loop, never a task,
 * even when it is created while a bound task is submitting work (DESIGN §2.1).
 */
final class PoolWorkerTransformlet implements Transformlet {
    private static final String WORKER = "java/util/concurrent/ThreadPoolExecutor$Worker";

    @Override
    public String className() {
        return WORKER;
    }

    @Override
    public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
        if (!name.equals("<init>")) {
            return mv;
        }
        return Hooks.beforeReturn(mv, out -> {
            out.visitVarInsn(Opcodes.ALOAD, 0);
            out.visitFieldInsn(Opcodes.GETFIELD, WORKER, "thread", "Ljava/lang/Thread;");
            out.visitMethodInsn(Opcodes.INVOKESTATIC, Hooks.THREADS, "neverBind", "(Ljava/lang/Thread;)V", false);
        });
    }
}
