package io.modulets.capture;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.config.Log;

/**
 * Where a run of a Spring scheduler's task ends (DESIGN §2.12, docs/SERVERS.md): every {@code TaskScheduler} of
 * Spring (read in 6.2.12 and 7.0.8: {@code ThreadPoolTaskScheduler}, {@code SimpleAsyncTaskScheduler},
 * {@code ConcurrentTaskScheduler}; fixed-rate, fixed-delay, one-shot, and trigger or cron tasks, whose
 * {@code ReschedulingRunnable} runs through its superclass) runs each task inside a {@code DelegatingErrorHandlingRunnable}, whose {@code run()} calls the task and
 * hands what it throws to the scheduler's {@code ErrorHandler} (which logs it and, for a periodic task, suppresses
 * it): so the run ends normally. Two straight-line calls in that {@code run()} make it a job run of the thread's
 * generation: after the task's {@code run()} returns, {@code Requests.scheduledRunEnded(null, delegate)}; before each
 * {@code handleError(t)}, {@code Requests.scheduledRunEnded(t, delegate)} (the throwable unwrapped from an
 * {@code UndeclaredThrowableException}, as Spring passes it). The classes are named, never linked: a version whose
 * {@code run()} has another shape is left as it is, said once.
 */
final class SpringSchedulingHooks {
    static final String RUNNABLE = "org/springframework/scheduling/support/DelegatingErrorHandlingRunnable";
    private static final String ERROR_HANDLER = "org/springframework/util/ErrorHandler";
    private static final String HANDLE_ERROR = "(Ljava/lang/Throwable;)V";
    private static final String DELEGATE = "delegate";
    private static final String REQUESTS = RequestMethodVisitor.REQUESTS;
    private static final String ENDED = "scheduledRunEnded";
    private static final String ENDED_DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;)V";

    private SpringSchedulingHooks() {
    }

    static boolean hooks(String className) {
        return RUNNABLE.equals(className);
    }

    /** The hooks around {@code next} if {@code bytes} have the shape they were written for, else {@code next}. */
    static ClassVisitor visitorFor(byte[] bytes, ClassVisitor next) {
        Shape shape = new Shape();
        new ClassReader(bytes).accept(shape, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (!shape.fits()) {
            Log.warn("Spring's %s has not the shape the agent knows (a field delegate, one call of the task's run()"
                    + " and a call of ErrorHandler.handleError in run()): its scheduled runs are not counted as job"
                    + " runs (docs/SERVERS.md)", RUNNABLE.replace('/', '.'));
            return next;
        }
        return new Hooked(next);
    }

    private static boolean isRun(String name, String descriptor) {
        return name.equals("run") && descriptor.equals("()V");
    }

    private static boolean callsTask(int opcode, String owner, String name, String descriptor) {
        return opcode == Opcodes.INVOKEINTERFACE && owner.equals("java/lang/Runnable") && isRun(name, descriptor);
    }

    private static boolean callsHandler(int opcode, String owner, String name, String descriptor) {
        return opcode == Opcodes.INVOKEINTERFACE && owner.equals(ERROR_HANDLER) && name.equals("handleError")
                && descriptor.equals(HANDLE_ERROR);
    }

    /** Reads the class's shape: its task field, and the calls of its {@code run()}. */
    private static final class Shape extends ClassVisitor {
        private boolean field;
        private int taskCalls;
        private int handlerCalls;

        Shape() {
            super(Opcodes.ASM9);
        }

        boolean fits() {
            return field && taskCalls == 1 && handlerCalls > 0;
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            field |= name.equals(DELEGATE) && descriptor.equals("Ljava/lang/Runnable;")
                    && (access & Opcodes.ACC_STATIC) == 0;
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            if (!isRun(name, descriptor) || (access & Opcodes.ACC_STATIC) != 0) {
                return null;
            }
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                    taskCalls += callsTask(opcode, owner, method, desc) ? 1 : 0;
                    handlerCalls += callsHandler(opcode, owner, method, desc) ? 1 : 0;
                }
            };
        }
    }

    private static final class Hooked extends ClassVisitor {
        private String owner;

        Hooked(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            owner = name;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!isRun(name, descriptor) || (access & Opcodes.ACC_STATIC) != 0) {
                return mv;
            }
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                    if (callsHandler(opcode, owner, method, desc)) {
                        // [handler, failure]: the failure, then the task, for the hook
                        super.visitInsn(Opcodes.DUP);
                        ended();
                    }
                    super.visitMethodInsn(opcode, owner, method, desc, itf);
                    if (callsTask(opcode, owner, method, desc)) {
                        // inside the task's try block: the hook throws nothing
                        super.visitInsn(Opcodes.ACONST_NULL);
                        ended();
                    }
                }

                private void ended() {
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitFieldInsn(Opcodes.GETFIELD, owner, DELEGATE, "Ljava/lang/Runnable;");
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, ENDED, ENDED_DESCRIPTOR, false);
                }
            };
        }
    }
}
