package io.modulets.capture;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code InnerClassLambdaMetafactory.generateInnerClass}: the bytes of each lambda class it spins pass through
 * {@code TaskClassFiles.lambdaClass} before they are defined, so that a lambda of {@code Runnable} or {@code Callable}
 * has a field for its capture (lambda classes are hidden: no transformer ever sees them, docs/JVM-NOTES.md). The call
 * goes after the one call there that returns the bytes ({@code ClassWriter.toByteArray} on JDK 17, {@code
 * ClassFile.build} on 25): a straight-line {@code byte[] -> byte[]}, the frames unchanged. On a JDK whose metafactory
 * has no such call the class is left as it is, and one line says what that costs.
 */
final class LambdaClassRule extends Rule {
    static final String METAFACTORY = "java/lang/invoke/InnerClassLambdaMetafactory";
    private static final String SPLICER = "io/modulets/bootstrap/TaskClassFiles";

    /** Whether a call was inserted, for the line when none was. */
    private volatile boolean inserted;

    LambdaClassRule() {
        super(METAFACTORY);
    }

    @Override
    MethodVisitor rewrite(String method, MethodVisitor mv) {
        if (!method.equals("generateInnerClass()Ljava/lang/Class;")) {
            return mv;
        }
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                if (descriptor.endsWith(")[B")) {
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, SPLICER, "lambdaClass", "([B)[B", false);
                    inserted = true;
                }
            }
        };
    }

    @Override
    public String notApplied() {
        return inserted ? null : "capture: this JDK's lambda metafactory does not spin lambda classes the way modulets"
                + " knows (JDK 17 to 25), so a lambda given to a ThreadPoolExecutor keeps its capture in the weak table:"
                + " about 40-90 ns more per task (docs/PERFORMANCE.md), nothing else changes";
    }
}
