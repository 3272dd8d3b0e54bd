package io.modulets.capture;

import java.util.List;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Spring Boot's class loader of an executable jar ({@code BOOT-INF/classes}, {@code BOOT-INF/lib}):
 * its {@code loadClass} tells the agent's {@code ApplicationLoader} first, which adopts it as what
 * swappable code sees and keeps swappable names from being defined by it. Recognized by name as it
 * loads (the agent links against no Spring class): Boot 3.2 and later, and Boot 2 to 3.1.
 */
final class SpringBootLoaderTransformlet implements Transformlet {
    private static final String HOOK_OWNER = "io/modulets/loader/ApplicationLoader";

    private final String className;

    private SpringBootLoaderTransformlet(String className) {
        this.className = className;
    }

    static List<Transformlet> rules() {
        return List.of(new SpringBootLoaderTransformlet("org/springframework/boot/loader/launch/LaunchedClassLoader"),
                new SpringBootLoaderTransformlet("org/springframework/boot/loader/LaunchedURLClassLoader"));
    }

    @Override
    public String className() {
        return className;
    }

    /**
     * A call at entry, straight-line: the hook returns or throws {@code ClassNotFoundException}. The
     * Spring Boot loader is defined by the shell loader, which gives it the agent's classes.
     */
    @Override
    public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
        if (!name.equals("loadClass") || !descriptor.equals("(Ljava/lang/String;Z)Ljava/lang/Class;")) {
            return mv;
        }
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitVarInsn(Opcodes.ALOAD, 1);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK_OWNER, "loadingIn",
                        "(Ljava/lang/ClassLoader;Ljava/lang/String;)V", false);
            }
        };
    }
}
