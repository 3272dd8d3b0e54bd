package io.modulets.boundary;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The generation side of erasure: swappable code that calls or reads a shell member whose
 * descriptor names a swappable type ({@code Registry.last(W)}, a shell field of type {@code W})
 * would not find it, because the shell class was defined erased. References to such members get
 * the erased descriptor, and a {@code checkcast} to the original type after a read (no frame
 * changes). A swappable method that overrides an erased shell method gets a javac-style bridge
 * with the erased descriptor. (docs/JVM-NOTES.md, boundary.)
 */
final class ShellMemberReferences extends ClassVisitor {
    private final Erasure erasure;
    private final Set<String> methods = new HashSet<>();
    private final List<String[]> bridgeCandidates = new ArrayList<>();
    private String className;
    private boolean bridges;
    private boolean changed;

    ShellMemberReferences(ClassVisitor next, Erasure erasure) {
        super(Opcodes.ASM9, next);
        this.erasure = erasure;
    }

    boolean changed() {
        return changed;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        className = name;
        boolean shellSupertype = superName != null && isShell(superName);
        for (String itf : interfaces == null ? new String[0] : interfaces) {
            shellSupertype |= isShell(itf);
        }
        bridges = shellSupertype && (access & Opcodes.ACC_INTERFACE) == 0;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                     String[] exceptions) {
        methods.add(name + descriptor);
        if (bridges && (access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0 && !name.startsWith("<")
                && !erasure.erase(descriptor).equals(descriptor)) {
            bridgeCandidates.add(new String[] {name, descriptor});
        }
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        return next == null ? null : new MethodVisitor(Opcodes.ASM9, next) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean itf) {
                String erased = erasedIfShell(owner, descriptor);
                super.visitMethodInsn(opcode, owner, name, erased, itf);
                if (erased != descriptor) {
                    castBack(this, Type.getReturnType(descriptor));
                }
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                String erased = erasedIfShell(owner, descriptor);
                super.visitFieldInsn(opcode, owner, name, erased);
                if (erased != descriptor && (opcode == Opcodes.GETFIELD || opcode == Opcodes.GETSTATIC)) {
                    castBack(this, Type.getType(descriptor));
                }
            }

            @Override
            public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
                Object[] erased = arguments.clone();
                for (int i = 0; i < erased.length; i++) {
                    if (erased[i] instanceof Handle) {
                        Handle h = (Handle) erased[i];
                        String desc = erasedIfShell(h.getOwner(), h.getDesc());
                        if (desc != h.getDesc()) {
                            erased[i] = new Handle(h.getTag(), h.getOwner(), h.getName(), desc, h.isInterface());
                        }
                    }
                }
                super.visitInvokeDynamicInsn(name, descriptor, bootstrap, erased);
            }
        };
    }

    @Override
    public void visitEnd() {
        for (String[] candidate : bridgeCandidates) {
            String erased = erasure.erase(candidate[1]);
            if (methods.add(candidate[0] + erased)) {
                writeBridge(candidate[0], candidate[1], erased);
            }
        }
        super.visitEnd();
    }

    /** {@code erased(args) { return this.name((W) args…); }}, which the erased shell method dispatches to. */
    private void writeBridge(String name, String descriptor, String erased) {
        changed = true;
        MethodVisitor mv = super.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_BRIDGE,
                name, erased, null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        int slot = 1;
        for (Type argument : Type.getArgumentTypes(descriptor)) {
            mv.visitVarInsn(argument.getOpcode(Opcodes.ILOAD), slot);
            if (erasure.isSwappableType(argument)) {
                mv.visitTypeInsn(Opcodes.CHECKCAST, argument.getInternalName());
            }
            slot += argument.getSize();
        }
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, className, name, descriptor, false);
        mv.visitInsn(Type.getReturnType(descriptor).getOpcode(Opcodes.IRETURN));
        mv.visitMaxs(slot + 1, slot);
        mv.visitEnd();
    }

    private void castBack(MethodVisitor mv, Type original) {
        if (erasure.isSwappableType(original)) {
            mv.visitTypeInsn(Opcodes.CHECKCAST, original.getInternalName());
        }
    }

    /** The erased descriptor of a shell member (the same string when nothing is erased). */
    private String erasedIfShell(String owner, String descriptor) {
        if (owner.startsWith("[") || erasure.isSwappable(owner)) {
            return descriptor;
        }
        String erased = erasure.erase(descriptor);
        if (erased.equals(descriptor)) {
            return descriptor;
        }
        changed = true;
        return erased;
    }

    private boolean isShell(String internalName) {
        return !erasure.isSwappable(internalName) && !internalName.startsWith("java/")
                && !internalName.startsWith("javax/") && !internalName.startsWith("jdk/")
                && !internalName.startsWith("sun/") && !internalName.startsWith("com/sun/");
    }
}
