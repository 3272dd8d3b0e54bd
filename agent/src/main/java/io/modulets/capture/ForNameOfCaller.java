package io.modulets.capture;

import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The class file of {@code io.modulets.bootstrap.ForNameOfCaller}: {@code Class.forName(String)} of shell code,
 * routed without a call site. The one-argument {@code Class.forName} resolves in its caller's loader, so its route
 * must know the caller: a method of the boot loader marked {@code @jdk.internal.reflect.CallerSensitive} may ask
 * {@code Reflection.getCallerClass()}, which the JIT makes a constant, as {@code Class.forName} itself does. The
 * source could not name either (the agent is compiled with {@code --release}, which exports no internal package),
 * so it is written here, and defined with the bootstrap classes:
 *
 * <pre>
 * public final class ForNameOfCaller {
 *     &#64;CallerSensitive
 *     public static Class&lt;?&gt; forName(String name) throws ClassNotFoundException {
 *         return LoadByName.forName(name, true, Reflection.getCallerClass().getClassLoader());
 *     }
 * }
 * </pre>
 */
final class ForNameOfCaller {
    static final String NAME = "io/modulets/bootstrap/ForNameOfCaller";

    private ForNameOfCaller() {
    }

    static byte[] classFile() {
        ClassWriter out = new ClassWriter(0);
        out.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, NAME, null,
                "java/lang/Object", null);
        MethodVisitor forName = out.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "forName",
                "(Ljava/lang/String;)Ljava/lang/Class;", "(Ljava/lang/String;)Ljava/lang/Class<*>;",
                new String[] {"java/lang/ClassNotFoundException"});
        AnnotationVisitor callerSensitive = forName.visitAnnotation("Ljdk/internal/reflect/CallerSensitive;", true);
        callerSensitive.visitEnd();
        forName.visitCode();
        forName.visitVarInsn(Opcodes.ALOAD, 0);
        forName.visitInsn(Opcodes.ICONST_1);
        forName.visitMethodInsn(Opcodes.INVOKESTATIC, "jdk/internal/reflect/Reflection", "getCallerClass",
                "()Ljava/lang/Class;", false);
        forName.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getClassLoader",
                "()Ljava/lang/ClassLoader;", false);
        forName.visitMethodInsn(Opcodes.INVOKESTATIC, "io/modulets/bootstrap/LoadByName", "forName",
                "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false);
        forName.visitInsn(Opcodes.ARETURN);
        forName.visitMaxs(3, 1);
        forName.visitEnd();
        out.visitEnd();
        return out.toByteArray();
    }
}
