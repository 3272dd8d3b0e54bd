package io.modulets.capture;

import org.objectweb.asm.MethodVisitor;

/**
 * {@code AbstractExecutorService.newTaskFor}: {@code submit} wraps the task in a FutureTask; the
 * wrapper captures the binding of the task it wraps (a swappable Callable keeps its generation).
 */
final class ExecutorServiceTransformlet implements Transformlet {
    @Override
    public String className() {
        return "java/util/concurrent/AbstractExecutorService";
    }

    @Override
    public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
        if (name.equals("newTaskFor")) {
            return Hooks.beforeAreturn(mv, "onTaskWrapped", "(Ljava/lang/Object;Ljava/lang/Object;)V", 1);
        }
        return mv;
    }
}
