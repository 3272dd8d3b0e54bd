package io.modulets.boundary;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.JSRInlinerAdapter;

/**
 * Inlines the subroutines ({@code JSR}/{@code RET}) of class files older than version 51: javac
 * before 1.6 compiled {@code finally} to them, and old libraries still ship such classes (Byte
 * Buddy's, compiled for Java 5). A rewritten shell class is raised to version 51 for its
 * {@code invokedynamic} sites, where the verifier forbids subroutines and ASM cannot compute frames
 * over them.
 */
final class Subroutines extends ClassVisitor {
    Subroutines(ClassVisitor next) {
        super(Opcodes.ASM9, next);
    }

    /**
     * {@code new Subroutines(next)} as a {@code ClassVisitor}: called so, for a class file before version 51 only,
     * this class loads with the first such class, not with the boundary transformer (whose verifier would load it
     * to check the type of its {@code new}).
     */
    static ClassVisitor around(ClassVisitor next) {
        return new Subroutines(next);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                     String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        return next == null ? null : new JSRInlinerAdapter(next, access, name, descriptor, signature, exceptions);
    }
}
