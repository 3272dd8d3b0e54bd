package io.modulets.boundary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A shell class as javac before 1.6 compiled a {@code finally} (Byte Buddy still ships such
 * classes): {@code shell.OldJsr}, class version 49, whose {@code static Object run(Object)} calls
 * the swappable {@code sw.V.name()} in a subroutine ({@code JSR}/{@code RET}) and returns its result.
 */
final class OldClassFiles {
    private OldClassFiles() {
    }

    static void writeInto(Path classes) throws IOException {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS); // no frames before version 50
        cw.visit(Opcodes.V1_5, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "shell/OldJsr", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run",
                "(Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        mv.visitCode();
        Label subroutine = new Label();
        mv.visitJumpInsn(Opcodes.JSR, subroutine);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(subroutine);
        mv.visitVarInsn(Opcodes.ASTORE, 1); // the return address
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "sw/V", "name", "()Ljava/lang/String;", false);
        mv.visitVarInsn(Opcodes.ASTORE, 0);
        mv.visitVarInsn(Opcodes.RET, 1);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        Path file = classes.resolve("shell/OldJsr.class");
        Files.createDirectories(file.getParent());
        Files.write(file, cw.toByteArray());
    }
}
