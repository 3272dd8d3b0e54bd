package io.modulets.capture;

import org.objectweb.asm.MethodVisitor;

/**
 * {@code jdk.internal.loader.BuiltinClassLoader}: the app and platform loaders never define or
 * initiate a swappable class. Once one did, the JVM would cache that generation for the loader
 * forever (docs/JVM-NOTES.md, class loaders).
 */
final class BuiltinLoaderTransformlet implements Transformlet {
    @Override
    public String className() {
        return "jdk/internal/loader/BuiltinClassLoader";
    }

    @Override
    public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
        if (name.equals("loadClassOrNull") && descriptor.equals("(Ljava/lang/String;Z)Ljava/lang/Class;")) {
            return Hooks.atEntry(mv, Hooks.LOADERS, "refuseInBuiltinLoader", "(Ljava/lang/String;)V", 1);
        }
        // Class.forName(module, name) on the boot layer's copy of a swappable module (DESIGN §3, named modules)
        if (name.equals("findClass") && descriptor.equals("(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/Class;")) {
            return Hooks.atEntry(mv, Hooks.LOADERS, "refuseInBuiltinLoader", "(Ljava/lang/String;)V", 2);
        }
        return mv;
    }
}
