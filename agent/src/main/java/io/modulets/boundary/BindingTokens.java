package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.bootstrap.Bindings;
import io.modulets.loader.GenerationClassLoader;

/**
 * The key of the binding sites' caches while generations overlap: an int per generation, its
 * loader's {@link GenerationClassLoader#serial()}, read once per call and tested by each cache
 * entry with a branch-free guard.
 *
 * <p>Why not compare loaders in a Java method: every entry of every site would inline the same
 * {@code ==} branch, whose profile is shared. Before a publish it says "always true"; after it,
 * the other outcome turns into uncommon traps in every compiled shell method at once, and C2 ends
 * up giving up on them (docs/JVM-NOTES.md, the activation wave). {@link #isToken} has no branch at all;
 * the only branch left is each {@code guardWithTest}'s own, which is profiled per site.
 */
final class BindingTokens {
    /** {@code ()int}: the token of the calling thread's binding (0 if it has none). */
    static final MethodHandle CURRENT;
    /** The method token of a thread that runs no task: its sites follow the current generation. */
    static final int UNBOUND = 0;
    /** The method token of a method entered while one generation was live: it did not read it. */
    static final int UNREAD = -1;
    /**
     * {@code (int)int}: the key of a binding site from its method's token: the token if the thread
     * is bound; for an unbound thread the current generation's, read at each call (§2.4: unbound
     * code follows the current generation call by call, also inside a method that runs across a
     * publish); for a method entered before the publish, the binding read now.
     */
    static final MethodHandle KEY_OF;
    /** {@code ()int}: the token of the generation the calling thread is bound to, {@link #UNBOUND} if none. */
    static final MethodHandle BOUND;
    /** {@code (int, int)boolean}: {@code a == b} for non-negative ints, without a branch. */
    private static final MethodHandle SAME;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle effective = lookup.findStatic(Bindings.class, "effective",
                    MethodType.methodType(ClassLoader.class));
            MethodHandle tokenOf = lookup.findStatic(BindingTokens.class, "tokenOf",
                    MethodType.methodType(int.class, ClassLoader.class));
            CURRENT = MethodHandles.filterReturnValue(effective, tokenOf);
            BOUND = MethodHandles.filterReturnValue(lookup.findStatic(Bindings.class, "bound",
                    MethodType.methodType(ClassLoader.class)), tokenOf);
            KEY_OF = lookup.findStatic(BindingTokens.class, "keyOf", MethodType.methodType(int.class, int.class));
            MethodHandles.Lookup sameToken = lookup.defineHiddenClass(sameTokenClass(), true);
            SAME = sameToken.findStatic(sameToken.lookupClass(), "same",
                    MethodType.methodType(boolean.class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private BindingTokens() {
    }

    /** The guard {@code (int)boolean} "the key is {@code token}". */
    static MethodHandle isToken(int token) {
        return MethodHandles.insertArguments(SAME, 1, token);
    }

    private static int keyOf(int methodToken) {
        // Bound or unbound thread, not generation-dependent: a publish does not flip these branches
        // (UNREAD only comes from frames that started before it).
        if (methodToken > 0) {
            return methodToken;
        }
        return tokenOf(methodToken == UNBOUND ? Bindings.current : Bindings.effective());
    }

    /** {@code generation}'s token, its loader's serial; 0 if it is not a generation's loader. */
    static int tokenOf(ClassLoader generation) {
        // Not generation-dependent: this branch goes the same way for every generation.
        return generation instanceof GenerationClassLoader ? ((GenerationClassLoader) generation).serial() : 0;
    }

    /**
     * {@code static boolean same(int a, int b) { return ((a ^ b) - 1) >>> 31; }}: 1 exactly when
     * {@code a ^ b == 0}, given non-negative tokens. javac cannot write it (its {@code ==} is a
     * branch), so it is a hidden class of one method.
     */
    private static byte[] sameTokenClass() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, "io/modulets/boundary/SameToken", null,
                "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "same", "(II)Z", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitInsn(Opcodes.IXOR);
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.ISUB);
        mv.visitIntInsn(Opcodes.BIPUSH, 31);
        mv.visitInsn(Opcodes.IUSHR);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(2, 2);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
