package io.modulets.capture;

import org.objectweb.asm.MethodVisitor;

/**
 * A {@link Transformlet} given as a class name and a function of (method name + descriptor, visitor). Each rule is
 * an anonymous subclass, not a lambda: the rules are made in premain, where each lambda would be a class spun by
 * {@code LambdaMetafactory} (docs/PERFORMANCE.md, start-up).
 */
abstract class Rule implements Transformlet {
    private final String className;

    Rule(String className) {
        this.className = className;
    }

    /** @param method {@code name + descriptor} (e.g. {@code "fork()Ljava/util/concurrent/ForkJoinTask;"}) */
    abstract MethodVisitor rewrite(String method, MethodVisitor mv);

    @Override
    public String className() {
        return className;
    }

    @Override
    public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
        return rewrite(name + descriptor, mv);
    }
}
