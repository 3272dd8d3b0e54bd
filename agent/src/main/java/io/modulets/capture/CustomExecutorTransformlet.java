package io.modulets.capture;

import io.modulets.bootstrap.ExecutorHooks;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * An application executor named by the {@code executors} agent argument (an event loop, a home-made
 * pool): the agent cannot see its run loop, so {@code execute(Runnable)} replaces its argument with a
 * wrapper that carries the capture to the run, as the context-propagation agents do. Only there: the
 * JDK pools keep the application's own task objects.
 */
final class CustomExecutorTransformlet implements Transformlet {
    private static final String EXECUTE = "(Ljava/lang/Runnable;)V";
    private final String className;
    private final String method;
    private final java.util.List<String> descriptors;
    private final String hook;

    /** An executor of the {@code executors} agent argument: every task captures. */
    CustomExecutorTransformlet(String binaryName) {
        this(binaryName, "execute", "wrapForExecutor");
    }

    /** A server's own pool: only what a task submits is its child (ExecutorHooks.wrapChildForExecutor). */
    static CustomExecutorTransformlet serverPool(String binaryName) {
        return new CustomExecutorTransformlet(binaryName, "execute", "wrapChildForExecutor");
    }

    /**
     * A server's method {@code method(Runnable)} that keeps a request's callback and runs it later on a
     * thread of the server's (Jetty's {@code Request.demand}): the callback is the request's child, as a
     * task it submits to the server's pool is.
     */
    static CustomExecutorTransformlet serverCallback(String binaryName, String method) {
        return new CustomExecutorTransformlet(binaryName, method, EXECUTE, "wrapChildForExecutor");
    }

    /**
     * A server's method {@code method(listener)} ({@code descriptor}) that keeps a listener a request registers and
     * calls it later, if at all, on a thread of the server's (Jetty's {@code Request.addFailureListener}): the
     * listener is the request's child (ExecutorHooks.wrapChildListener, one per listener type).
     */
    static CustomExecutorTransformlet serverListener(String binaryName, String method, String descriptor) {
        return new CustomExecutorTransformlet(binaryName, method, descriptor, "wrapChildListener");
    }

    /**
     * A server's {@code schedule(Runnable or Callable, delay, unit)} that queues a delayed task without {@code
     * execute} (Netty's, called on its event loop): the task is the child of a request that schedules it (a
     * Vert.x timer); the server's own delayed tasks are not (ExecutorHooks.wrapScheduledChild, and
     * wrapScheduledCallable for a {@code Callable}).
     */
    static CustomExecutorTransformlet serverSchedule(String binaryName, java.util.List<String> descriptors) {
        return new CustomExecutorTransformlet(binaryName, "schedule", descriptors, "wrapScheduledChild");
    }

    private CustomExecutorTransformlet(String binaryName, String method, String hook) {
        this(binaryName, method, EXECUTE, hook);
    }

    private CustomExecutorTransformlet(String binaryName, String method, String descriptor, String hook) {
        this(binaryName, method, java.util.List.of(descriptor), hook);
    }

    private CustomExecutorTransformlet(String binaryName, String method, java.util.List<String> descriptors,
                                       String hook) {
        this.className = binaryName.replace('.', '/');
        this.method = method;
        this.descriptors = java.util.List.copyOf(descriptors);
        this.hook = hook;
    }

    @Override
    public String className() {
        return className;
    }

    @Override
    public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
        if (!name.equals(method) || !descriptors.contains(descriptor)) {
            return mv;
        }
        // the task is the first parameter: a Runnable, a Callable given to a server's schedule, or a listener
        String task = Type.getArgumentTypes(descriptor)[0].getDescriptor();
        String taskHook = task.equals("Ljava/util/concurrent/Callable;") ? "wrapScheduledCallable" : hook;
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                super.visitVarInsn(Opcodes.ALOAD, 1);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, Hooks.EXECUTORS, taskHook, "(" + task + ")" + task,
                        false);
                super.visitVarInsn(Opcodes.ASTORE, 1);
            }
        };
    }
}
