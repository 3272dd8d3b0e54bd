package io.modulets.capture;

import org.objectweb.asm.MethodVisitor;

/** {@code Thread.start()} submits the thread's body as a task; {@code exit()} forgets it. */
final class ThreadTransformlet implements Transformlet {
    @Override
    public String className() {
        return "java/lang/Thread";
    }

    @Override
    public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
        boolean start = name.equals("start")
                && (descriptor.equals("()V") || descriptor.equals("(Ljdk/internal/vm/ThreadContainer;)V"));
        if (start) {
            return Hooks.atEntry(mv, "onThreadStart", "(Ljava/lang/Thread;)V", 0);
        }
        if (name.equals("exit") && descriptor.equals("()V")) {
            return Hooks.atEntry(mv, "onThreadExit", "(Ljava/lang/Thread;)V", 0);
        }
        return mv;
    }
}
