package io.modulets.capture;

import java.util.function.BiFunction;

import org.objectweb.asm.MethodVisitor;

/** A {@link Transformlet} given as a class name and a function of (method name + descriptor, visitor). */
final class Rule implements Transformlet {
    private final String className;
    private final BiFunction<String, MethodVisitor, MethodVisitor> methods;

    /** @param methods receives {@code name + descriptor} (e.g. {@code "fork()Ljava/util/concurrent/ForkJoinTask;"}) */
    Rule(String className, BiFunction<String, MethodVisitor, MethodVisitor> methods) {
        this.className = className;
        this.methods = methods;
    }

    @Override
    public String className() {
        return className;
    }

    @Override
    public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
        return methods.apply(name + descriptor, mv);
    }
}
