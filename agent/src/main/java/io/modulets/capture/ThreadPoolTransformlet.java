package io.modulets.capture;

import org.objectweb.asm.MethodVisitor;

/**
 * {@code ThreadPoolExecutor}: {@code execute} captures the task's binding, and the worker loop's
 * {@code task.run()} runs it bound.
 */
final class ThreadPoolTransformlet implements Transformlet {
    @Override
    public String className() {
        return "java/util/concurrent/ThreadPoolExecutor";
    }

    @Override
    public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
        if (name.equals("execute") && descriptor.equals("(Ljava/lang/Runnable;)V")) {
            return Hooks.atEntry(mv, "onSubmit", "(Ljava/lang/Object;)V", 1);
        }
        if (name.equals("runWorker")) {
            return Hooks.replaceInterfaceCall(mv, "java/lang/Runnable", "run", "()V",
                    "runTask", "(Ljava/lang/Runnable;)V");
        }
        return mv;
    }
}
