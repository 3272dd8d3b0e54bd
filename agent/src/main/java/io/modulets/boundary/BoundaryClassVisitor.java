package io.modulets.boundary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

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
    /** Whether binding sites take a token read once per method (the frames are recomputed then). */
    private final boolean tokens;
    private String className;
    private LambdaBridges bridges;
    /** javac's bridges that erasure makes the same as their method ({@link ErasedBridges}): left out. */
    private Set<String> droppedBridges = Set.of();
    /** The methods (name + descriptor) to rewrite; null for all. The others go to the writer unparsed. */
    private Set<String> onlyMethods;

    BoundaryClassVisitor(ClassVisitor next, Erasure erasure, ClassLoader loader) {
        this(next, erasure, loader, false);
    }

    /** @param tokens true if the writer recomputes frames, so that a local may be added to each method */
    BoundaryClassVisitor(ClassVisitor next, Erasure erasure, ClassLoader loader, boolean tokens) {
        super(Opcodes.ASM9, next);
        this.erasure = erasure;
        this.loader = loader;
        this.tokens = tokens;
    }

    /** Leaves out the bridges {@link ErasedBridges#dropped} found in the class; call before it is visited. */
    void dropBridges(Set<String> erasedBridges) {
        this.droppedBridges = erasedBridges;
    }

    /**
     * Rewrites only these methods (name + descriptor) and hands the others to the next visitor as they
     * are, so that a {@code ClassWriter} made from the same reader copies their bytes unparsed; only for
     * a class that names no swappable class ({@link RoutedCalls#methods}).
     */
    void onlyMethods(Set<String> methods) {
        this.onlyMethods = methods;
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
        if ((access & Opcodes.ACC_BRIDGE) != 0 && droppedBridges.contains(erased)) {
            return null;
        }
        String other = erasedMethods.putIfAbsent(erased, descriptor);
        if (other != null) {
            unsupported.add(className.replace('/', '.') + "." + name + ": " + name + descriptor + " and " + name
                    + other + " are the same method once swappable types are erased (rename one of them)");
        }
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (next == null || (onlyMethods != null && !onlyMethods.contains(name + descriptor))) {
            return next;
        }
        String where = className.replace('/', '.') + "." + name;
        return new MethodNode(Opcodes.ASM9, access, name, descriptor, signature, exceptions) {
            @Override
            public void visitEnd() {
                CatchStubs.apply(this, erasure);
                if (!tokens) {
                    accept(new BoundaryMethodVisitor(next, erasure, loader, where, unsupported, bridges));
                    return;
                }
                // The rewritten method is kept until its end: only then is it known whether a binding
                // site took the token, which is read at entry only in that case.
                int tokenLocal = firstFreeLocal(this);
                MethodNode rewritten = new MethodNode(Opcodes.ASM9, access, name, desc, signature,
                        exceptions.toArray(new String[0]));
                BoundaryMethodVisitor boundary = new BoundaryMethodVisitor(rewritten, erasure, loader, where,
                        unsupported, bridges, tokenLocal);
                accept(boundary);
                if (boundary.usedToken() && !MethodTokens.worthReading(rewritten, boundary.tokenSites())) {
                    MethodTokens.dropFromSites(rewritten, tokenLocal);
                } else if (boundary.usedToken()) {
                    MethodNode entry = new MethodNode();
                    BoundaryMethodVisitor.readToken(entry, tokenLocal);
                    rewritten.instructions.insert(entry.instructions);
                    rewritten.maxLocals = Math.max(rewritten.maxLocals, tokenLocal + 1);
                }
                rewritten.accept(next);
            }
        };
    }

    /** A local index past every local {@code method} uses (its parameters included). */
    static int firstFreeLocal(MethodNode method) {
        int free = Math.max(method.maxLocals, Type.getArgumentsAndReturnSizes(method.desc) >> 2);
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof VarInsnNode) {
                int op = insn.getOpcode();
                boolean wide = op == Opcodes.LLOAD || op == Opcodes.DLOAD || op == Opcodes.LSTORE || op == Opcodes.DSTORE;
                free = Math.max(free, ((VarInsnNode) insn).var + (wide ? 2 : 1));
            } else if (insn instanceof IincInsnNode) {
                free = Math.max(free, ((IincInsnNode) insn).var + 1);
            }
        }
        return free;
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
