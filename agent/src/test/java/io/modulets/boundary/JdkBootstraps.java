package io.modulets.boundary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Shell classes that use JDK bootstraps over the swappable {@code sw.W} the way compilers other than
 * javac 17 emit them (javac 17 cannot compile a pattern switch, and turns string operands into strings
 * before the concatenation): {@code shell.Concat} passes a {@code W} to {@code StringConcatFactory};
 * the classes of {@link #REFUSED} hand {@code W} to {@code SwitchBootstraps} and {@code ConstantBootstraps}.
 * Each has {@code static Object run(Object)} (or {@code concat}).
 */
final class JdkBootstraps {
    static final List<String> REFUSED = List.of("TypeSwitch", "EnumSwitch", "DynamicConstant");
    private static final String SIGNATURE = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;";

    private JdkBootstraps() {
    }

    static void writeInto(Path classes) throws IOException {
        write(classes, "Concat", "concat", "(Ljava/lang/Object;)Ljava/lang/String;", mv -> {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitTypeInsn(Opcodes.CHECKCAST, "sw/W");
            mv.visitInvokeDynamicInsn("makeConcatWithConstants", "(Lsw/W;)Ljava/lang/String;",
                    new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/StringConcatFactory",
                            "makeConcatWithConstants",
                            SIGNATURE + "Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;", false),
                    "sw.W=\u0001!"); // a recipe that starts like a swappable name is no class name
        });
        Handle typeSwitch = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/runtime/SwitchBootstraps", "typeSwitch",
                SIGNATURE + "[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;", false);
        write(classes, "TypeSwitch", "run", "(Ljava/lang/Object;)Ljava/lang/Object;", mv -> {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitInvokeDynamicInsn("typeSwitch", "(Ljava/lang/Object;I)I", typeSwitch, Type.getType("Lsw/W;"));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
        });
        Handle enumSwitch = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/runtime/SwitchBootstraps", "enumSwitch",
                SIGNATURE + "[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;", false);
        write(classes, "EnumSwitch", "run", "(Ljava/lang/Object;)Ljava/lang/Object;", mv -> {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitTypeInsn(Opcodes.CHECKCAST, "sw/W");
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitInvokeDynamicInsn("enumSwitch", "(Lsw/W;I)I", enumSwitch, "A");
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
        });
        Handle getStaticFinal = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/ConstantBootstraps",
                "getStaticFinal", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;"
                + "Ljava/lang/Class;)Ljava/lang/Object;", false);
        write(classes, "DynamicConstant", "run", "(Ljava/lang/Object;)Ljava/lang/Object;", mv ->
                mv.visitLdcInsn(new ConstantDynamic("S", "Ljava/lang/Object;", getStaticFinal,
                        Type.getType("Lsw/W;"))));
    }

    private static void write(Path classes, String name, String method, String descriptor,
                              java.util.function.Consumer<MethodVisitor> body) throws IOException {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object";
            }
        };
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, "shell/" + name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, method, descriptor, null, null);
        mv.visitCode();
        body.accept(mv);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        Path file = classes.resolve("shell/" + name + ".class");
        Files.createDirectories(file.getParent());
        Files.write(file, cw.toByteArray());
    }
}
