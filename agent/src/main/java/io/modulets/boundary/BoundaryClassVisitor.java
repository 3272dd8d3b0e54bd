package io.modulets.boundary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.MethodNode;

/**
 * The class-level half of the rewriter: hands each method to {@link CatchStubs} and then to
 * {@link BoundaryMethodVisitor}, adds the bridges of method references ({@link LambdaBridges}),
 * raises old class files to the version that allows {@code invokedynamic}, drops
 * {@code InnerClasses} entries of swappable classes, which would otherwise erase to nonsense, and
 * collects what cannot be made transparent (the class is then refused).
 */
final class BoundaryClassVisitor extends ClassVisitor {
    private final Erasure erasure;
    private final ClassLoader loader;
    private final List<String> unsupported = new ArrayList<>();
    /** Erased name and descriptor of each method → its original descriptor, to find collisions. */
    private final Map<String, String> erasedMethods = new HashMap<>();
    private String className;
    private LambdaBridges bridges;

    BoundaryClassVisitor(ClassVisitor next, Erasure erasure, ClassLoader loader) {
        super(Opcodes.ASM9, next);
        this.erasure = erasure;
        this.loader = loader;
    }

    /** What cannot be made transparent, each as "Class.member: what (how to split instead)". */
    List<String> unsupported() {
        return unsupported;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        className = name;
        String dotted = name.replace('/', '.');
        if (superName != null && erasure.isSwappable(superName)) {
            unsupported.add(dotted + ": extends the swappable class " + superName.replace('/', '.')
                    + " (a shell class cannot extend swappable code: move " + dotted
                    + " into the swappable packages, or make the base class a shell class)");
        }
        if (interfaces != null) {
            for (String itf : interfaces) {
                if (erasure.isSwappable(itf)) {
                    unsupported.add(dotted + ": implements the swappable interface " + itf.replace('/', '.')
                            + " (move the interface to a shared package, or " + dotted
                            + " into the swappable packages)");
                }
            }
        }
        int major = version & 0xffff;
        int raised = major < Opcodes.V1_7 ? Opcodes.V1_7 : version;
        bridges = new LambdaBridges(name, access, raised);
        super.visit(raised, access, name, signature, superName, interfaces);
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
        String erased = name + erasure.erase(descriptor);
        String other = erasedMethods.putIfAbsent(erased, descriptor);
        if (other != null) {
            unsupported.add(className.replace('/', '.') + "." + name + ": " + name + descriptor + " and " + name
                    + other + " are the same method once swappable types are erased (rename one of them)");
        }
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (next == null) {
            return null;
        }
        String where = className.replace('/', '.') + "." + name;
        return new MethodNode(Opcodes.ASM9, access, name, descriptor, signature, exceptions) {
            @Override
            public void visitEnd() {
                CatchStubs.apply(this, erasure);
                accept(new BoundaryMethodVisitor(next, erasure, loader, where, unsupported, bridges));
            }
        };
    }

    @Override
    public void visitEnd() {
        String where = className.replace('/', '.') + ".<method reference>";
        for (LambdaBridges.Bridge bridge : bridges.bridges()) {
            MethodVisitor next = super.visitMethod(LambdaBridges.access(), bridge.name, bridge.descriptor, null, null);
            LambdaBridges.writeBody(new BoundaryMethodVisitor(next, erasure, loader, where, unsupported, bridges),
                    bridge);
        }
        super.visitEnd();
    }
}
