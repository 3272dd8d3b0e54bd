package io.modulets.boundary;

import java.util.ArrayList;
import java.util.List;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;

/**
 * A shell class whose boundary cannot be made transparent is refused (DESIGN §6): a transformer
 * that threw would make the JVM define the original bytes, which reach swappable code directly
 * and pin a generation. So the class is defined erased, without its swappable supertypes, and
 * every method body (and its static initializer) throws a {@code LinkageError} with the reason:
 * the first use of the class fails with the one line that says what to change.
 */
final class Refusal {
    private Refusal() {
    }

    static String message(String className, List<String> reasons) {
        return "modulets: refused shell class " + className.replace('/', '.') + ": " + String.join("; ", reasons);
    }

    static byte[] refuse(byte[] bytes, Erasure erasure, String message) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        java.util.Set<String> droppedBridges = ErasedBridges.dropped(reader, erasure);
        reader.accept(new ClassVisitor(Opcodes.ASM9, new ClassRemapper(writer, erasure)) {
            private boolean hasStaticInitializer;
            private boolean isInterface;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
                List<String> kept = new ArrayList<>();
                for (String itf : interfaces == null ? new String[0] : interfaces) {
                    if (!erasure.isSwappable(itf)) {
                        kept.add(itf);
                    }
                }
                int major = version & 0xffff;
                super.visit(major < Opcodes.V1_7 ? Opcodes.V1_7 : version, access, name, null, superName,
                        kept.toArray(new String[0]));
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
                if ((access & Opcodes.ACC_BRIDGE) != 0 && droppedBridges.contains(name + erasure.erase(descriptor))) {
                    return null;
                }
                MethodVisitor next = super.visitMethod(access, name, descriptor, null, exceptions);
                hasStaticInitializer |= name.equals("<clinit>");
                if (next != null && (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
                    throwing(next, message);
                }
                return null; // the original body is dropped
            }

            @Override
            public void visitEnd() {
                if (!hasStaticInitializer && !isInterface) {
                    throwing(super.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null), message);
                }
                super.visitEnd();
            }
        }, ClassReader.SKIP_FRAMES | ClassReader.SKIP_CODE);
        return writer.toByteArray();
    }

    private static void throwing(MethodVisitor mv, String message) {
        mv.visitCode();
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/LinkageError");
        mv.visitInsn(Opcodes.DUP);
        mv.visitLdcInsn(message);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/LinkageError", "<init>", "(Ljava/lang/String;)V", false);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
