package io.modulets.capture;

import java.util.List;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The class loaders that load an application's own classes and libraries in place of the class path, and
 * that the agent's {@code ApplicationLoader} adopts as what swappable code sees: their {@code loadClass}
 * calls it first, which also keeps swappable names from being defined by them. Recognized by name as they
 * load (the agent links against no Spring or container class):
 * <ul>
 * <li>Spring Boot's loader of an executable jar ({@code BOOT-INF/classes}, {@code BOOT-INF/lib}; Boot 3.2 and
 * later, and Boot 2 to 3.1), parent-first: the hook returns, or throws {@code ClassNotFoundException} for a
 * swappable name the calling task's generation lacks, and the loader goes on to find the same class;
 * <li>servlet containers' webapp loaders (a WAR's {@code WEB-INF}: Tomcat 8.5 to 11, Jetty 9.4 to 12),
 * which look in {@code WEB-INF} first: the hook returns the class of a swappable name, which the loader
 * then returns, or null for any other name.
 * </ul>
 */
final class ApplicationLoaderTransformlet implements Transformlet {
    private static final String HOOK_OWNER = "io/modulets/loader/ApplicationLoader";
    private static final String LOAD_CLASS = "(Ljava/lang/String;Z)Ljava/lang/Class;";

    private final String className;
    /** A webapp loader's: the hook answers a swappable name itself. */
    private final boolean answers;

    private ApplicationLoaderTransformlet(String className, boolean answers) {
        this.className = className;
        this.answers = answers;
    }

    static List<Transformlet> rules() {
        return List.of(
                new ApplicationLoaderTransformlet("org/springframework/boot/loader/launch/LaunchedClassLoader", false),
                new ApplicationLoaderTransformlet("org/springframework/boot/loader/LaunchedURLClassLoader", false),
                new ApplicationLoaderTransformlet("org/apache/catalina/loader/WebappClassLoaderBase", true),
                new ApplicationLoaderTransformlet("org/eclipse/jetty/webapp/WebAppClassLoader", true),
                // Jetty 12.1: one loader for every servlet layer, which each layer's subclass only names
                new ApplicationLoaderTransformlet("org/eclipse/jetty/ee/webapp/WebAppClassLoader", true),
                new ApplicationLoaderTransformlet("org/eclipse/jetty/ee8/webapp/WebAppClassLoader", true),
                new ApplicationLoaderTransformlet("org/eclipse/jetty/ee9/webapp/WebAppClassLoader", true),
                new ApplicationLoaderTransformlet("org/eclipse/jetty/ee10/webapp/WebAppClassLoader", true),
                new ApplicationLoaderTransformlet("org/eclipse/jetty/ee11/webapp/WebAppClassLoader", true));
    }

    @Override
    public String className() {
        return className;
    }

    /**
     * A call at entry, the loader's own class defined by a loader that sees the agent's classes (the shell,
     * or a container's loader whose parent it is). For a webapp loader, straight-line but for one branch to
     * the original code, whose frame is the method's first.
     */
    @Override
    public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
        if (!name.equals("loadClass") || !descriptor.equals(LOAD_CLASS)) {
            return mv;
        }
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitVarInsn(Opcodes.ALOAD, 1);
                if (!answers) {
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK_OWNER, "loadingIn",
                            "(Ljava/lang/ClassLoader;Ljava/lang/String;)V", false);
                    return;
                }
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK_OWNER, "answeringInWebapp",
                        "(Ljava/lang/ClassLoader;Ljava/lang/String;)Ljava/lang/Class;", false);
                Label original = new Label();
                super.visitInsn(Opcodes.DUP);
                super.visitJumpInsn(Opcodes.IFNULL, original);
                super.visitInsn(Opcodes.ARETURN);
                super.visitLabel(original);
                super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Class"});
                super.visitInsn(Opcodes.POP);
            }
        };
    }
}
