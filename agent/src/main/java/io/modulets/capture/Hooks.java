package io.modulets.capture;

import java.util.function.Consumer;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Straight-line insertions into JDK methods: a call to a hook class of {@code io.modulets.bootstrap} at
 * entry, before each return, or in place of one call. None adds a branch, so the method's
 * stack-map frames stay valid and only the maximum stack size is recomputed.
 */
final class Hooks {
    private static final String BOOTSTRAP = "io/modulets/bootstrap/";
    /** The hook classes, one per family (io.modulets.bootstrap). */
    static final String THREADS = BOOTSTRAP + "ThreadHooks";
    static final String EXECUTORS = BOOTSTRAP + "ExecutorHooks";
    static final String DROPPED = BOOTSTRAP + "DroppedTaskHooks";
    static final String FORK_JOIN = BOOTSTRAP + "ForkJoinHooks";
    static final String STAGES = BOOTSTRAP + "StageHooks";
    static final String LOADERS = BOOTSTRAP + "LoaderHooks";
    static final String MANAGEMENT = BOOTSTRAP + "ManagementHooks";

    private Hooks() {
    }

    /** Loads the given locals (references), then calls {@code owner.hook(hookDescriptor)}: every hook's shape. */
    private static void call(MethodVisitor out, String owner, String hook, String hookDescriptor, int[] locals) {
        for (int local : locals) {
            out.visitVarInsn(Opcodes.ALOAD, local);
        }
        out.visitMethodInsn(Opcodes.INVOKESTATIC, owner, hook, hookDescriptor, false);
    }

    /** Emits the hook at method entry: loads the given locals, then calls owner.hook(desc). */
    static MethodVisitor atEntry(MethodVisitor mv, String owner, String hook, String hookDescriptor, int... locals) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                call(getDelegate(), owner, hook, hookDescriptor, locals);
            }
        };
    }

    /** Emits {@code emit} at method entry (a hook whose arguments are more than locals). */
    static MethodVisitor atEntry(MethodVisitor mv, Consumer<MethodVisitor> emit) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                emit.accept(getDelegate());
            }
        };
    }

    /** Emits the hook before each {@code areturn}: the returned value, then the given locals. */
    static MethodVisitor beforeAreturn(MethodVisitor mv, String owner, String hook, String hookDescriptor, int... locals) {
        return beforeValueReturn(mv, Opcodes.ARETURN, owner, hook, hookDescriptor, locals);
    }

    /** Emits the hook before each {@code ireturn} of a boolean method: the returned value, then the given locals. */
    static MethodVisitor beforeIreturn(MethodVisitor mv, String owner, String hook, String hookDescriptor, int... locals) {
        return beforeValueReturn(mv, Opcodes.IRETURN, owner, hook, hookDescriptor, locals);
    }

    /** Before each {@code returnOpcode} (a one-slot value): the value duplicated, the locals, the hook's call. */
    private static MethodVisitor beforeValueReturn(MethodVisitor mv, int returnOpcode, String owner, String hook,
                                                   String hookDescriptor, int... locals) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitInsn(int opcode) {
                if (opcode == returnOpcode) {
                    super.visitInsn(Opcodes.DUP);
                    call(getDelegate(), owner, hook, hookDescriptor, locals);
                }
                super.visitInsn(opcode);
            }
        };
    }

    /** Emits the hook before each {@code return} of a void method or a constructor: the given locals. */
    static MethodVisitor beforeReturn(MethodVisitor mv, String owner, String hook, String hookDescriptor, int... locals) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitInsn(int opcode) {
                if (opcode == Opcodes.RETURN) {
                    call(getDelegate(), owner, hook, hookDescriptor, locals);
                }
                super.visitInsn(opcode);
            }
        };
    }

    /** Emits {@code emit} before each {@code return} (void methods, constructors). */
    static MethodVisitor beforeReturn(MethodVisitor mv, Consumer<MethodVisitor> emit) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitInsn(int opcode) {
                if (opcode == Opcodes.RETURN) {
                    emit.accept(getDelegate());
                }
                super.visitInsn(opcode);
            }
        };
    }

    /**
     * Replaces a virtual call {@code name(desc)} on an owner accepted by {@code owners} with a static
     * hook that takes the receiver first; {@code resultCast}, if not null, restores the call's precise
     * return type for the verifier.
     */
    static MethodVisitor replaceVirtualCall(MethodVisitor mv, java.util.function.Predicate<String> owners,
                                            String name, String desc, String hookOwner, String hook, String hookDescriptor,
                                            String resultCast) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitMethodInsn(int opcode, String o, String n, String d, boolean itf) {
                if (opcode == Opcodes.INVOKEVIRTUAL && owners.test(o) && n.equals(name) && d.equals(desc)) {
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, hookOwner, hook, hookDescriptor, false);
                    if (resultCast != null) {
                        super.visitTypeInsn(Opcodes.CHECKCAST, resultCast);
                    }
                } else {
                    super.visitMethodInsn(opcode, o, n, d, itf);
                }
            }
        };
    }

    /** Replaces an interface call {@code owner.name(desc)} with a static hook of the same stack effect. */
    static MethodVisitor replaceInterfaceCall(MethodVisitor mv, String owner, String name, String desc,
                                              String hookOwner, String hook, String hookDescriptor) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitMethodInsn(int opcode, String o, String n, String d, boolean itf) {
                if (opcode == Opcodes.INVOKEINTERFACE && o.equals(owner) && n.equals(name) && d.equals(desc)) {
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, hookOwner, hook, hookDescriptor, false);
                } else {
                    super.visitMethodInsn(opcode, o, n, d, itf);
                }
            }
        };
    }
}
