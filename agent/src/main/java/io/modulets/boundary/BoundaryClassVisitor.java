package io.modulets.boundary;

import java.util.ArrayList;
import java.util.List;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The class-level half of the rewriter: hands each method to {@link BoundaryMethodVisitor},
 * raises old class files to the version that allows {@code invokedynamic}, and drops
 * {@code InnerClasses} entries of swappable classes, which would otherwise erase to nonsense.
 */
final class BoundaryClassVisitor extends ClassVisitor {
    private final Erasure erasure;
    private final List<String> unsupported = new ArrayList<>();
    private String className;

    BoundaryClassVisitor(ClassVisitor next, Erasure erasure) {
        super(Opcodes.ASM9, next);
        this.erasure = erasure;
    }

    /** Constructs this version cannot rewrite yet, each as "Class.method: what". */
    List<String> unsupported() {
        return unsupported;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        className = name;
        if (superName != null && erasure.isSwappable(superName)) {
            unsupported.add(name + ": extends the swappable class " + superName);
        }
        if (interfaces != null) {
            for (String itf : interfaces) {
                if (erasure.isSwappable(itf)) {
                    unsupported.add(name + ": implements the swappable interface " + itf);
                }
            }
        }
        int major = version & 0xffff;
        int raised = major < Opcodes.V1_7 ? Opcodes.V1_7 : version;
        super.visit(raised, access, name, signature, superName, interfaces);
    }

    @Override
    public void visitInnerClass(String name, String outerName, String innerName, int access) {
        if (!erasure.isSwappable(name)) {
            super.visitInnerClass(name, outerName, innerName, access);
        }
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                     String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        String where = className.replace('/', '.') + "." + name;
        return next == null ? null : new BoundaryMethodVisitor(next, erasure, where, unsupported);
    }
}
