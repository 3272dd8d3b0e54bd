package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.bootstrap.Bindings;
import io.modulets.config.Log;
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

    /*
     * The context path (Bindings.contextIsBinding): while a running thread's context class loader is a
     * generation's loader only while the thread is bound to it, that loader's serial is the thread's
     * token, one field away instead of a thread-local's chain of loads; a thread whose context is
     * something else reads the binding. Each handle below is a call site's invoker, re-targeted (once,
     * deoptimising what inlined it) if the application ever breaks that.
     */
    private static final MutableCallSite CONTEXT_BOUND_SITE;
    private static final MutableCallSite KEY_SITE;
    private static final MutableCallSite KEY_NOW_SITE;
    private static final MethodHandle IS_GENERATION_CONTEXT;
    private static final MethodHandle CONTEXT_KEY;
    private static final MethodHandle CONTEXT_KEY_NOW;
    /** {@code (int)boolean}: "the calling thread's context class loader is the generation of this token". */
    private static final MethodHandle CONTEXT_IS;
    /**
     * Whether the sites' fast paths test the context ({@link #contextIs}): set by {@link #followContext}, read by a
     * site as it links, under its lock. Not a call site's invoker as the others: before C2 has compiled a shell
     * method, C1's profiled tier runs it, where each handle between a site and its target is an invocation with
     * its arguments' types profiled (docs/BOUNDARY.md, "Before C2"); when the context path ends, every binding
     * site is linked again instead (BoundaryLinks#followContext).
     */
    private static volatile boolean contextTested;
    private static final MethodHandle NOT_BOUND = MethodHandles.constant(boolean.class, false);
    /** {@code (Thread)ClassLoader}: the thread's context class loader, read plain ({@link #contextOf}). */
    private static final MethodHandle CONTEXT_OF = contextOf();
    /** {@code ()boolean}: the context path holds and the calling thread's context is a generation's loader. */
    static final MethodHandle CONTEXT_BOUND;
    /** {@code (int)int}: the key of a binding site from its method's token: the context's, else {@link #KEY_OF}. */
    static final MethodHandle KEY;
    /** {@code ()int}: the key of a binding site without a method token: the context's, else {@link #CURRENT}. */
    static final MethodHandle KEY_NOW;
    /**
     * {@code ()int}: a method's token while generations overlap: {@link #BOUND}, unless the context
     * path gives the key (the token is not looked at then, and the thread-local is not read).
     */
    static final MethodHandle BOUND_UNLESS_CONTEXT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            // methods, not filterReturnValue(Bindings.effective, tokenOf): each combinator spins classes at start-up
            CURRENT = lookup.findStatic(BindingTokens.class, "effectiveToken", MethodType.methodType(int.class));
            BOUND = lookup.findStatic(BindingTokens.class, "boundToken", MethodType.methodType(int.class));
            KEY_OF = lookup.findStatic(BindingTokens.class, "keyOf", MethodType.methodType(int.class, int.class));
            IS_GENERATION_CONTEXT = lookup.findStatic(BindingTokens.class, "isGenerationContext",
                    MethodType.methodType(boolean.class));
            CONTEXT_KEY = lookup.findStatic(BindingTokens.class, "contextKey",
                    MethodType.methodType(int.class, int.class));
            CONTEXT_KEY_NOW = lookup.findStatic(BindingTokens.class, "contextKeyNow", MethodType.methodType(int.class));
            CONTEXT_BOUND_SITE = new MutableCallSite(NOT_BOUND);
            KEY_SITE = new MutableCallSite(KEY_OF);
            KEY_NOW_SITE = new MutableCallSite(CURRENT);
            CONTEXT_BOUND = TargetInvoker.of(CONTEXT_BOUND_SITE);
            KEY = TargetInvoker.of(KEY_SITE);
            KEY_NOW = TargetInvoker.of(KEY_NOW_SITE);
            BOUND_UNLESS_CONTEXT = lookup.findStatic(BindingTokens.class, "boundUnlessContext",
                    MethodType.methodType(int.class));
            MethodHandles.Lookup sameToken = lookup.defineHiddenClass(sameTokenClass(), true);
            SAME = sameToken.findStatic(sameToken.lookupClass(), "same",
                    MethodType.methodType(boolean.class, int.class, int.class));
            CONTEXT_IS = MethodHandles.collectArguments(SAME, 0,
                    lookup.findStatic(BindingTokens.class, "contextToken", MethodType.methodType(int.class)));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private BindingTokens() {
    }

    /**
     * The guard {@code ()boolean} "the calling thread's context class loader is the generation of {@code token}";
     * null while the context path does not hold (a context says nothing then).
     */
    static MethodHandle contextIs(int token) {
        return contextTested ? MethodHandles.collectArguments(CONTEXT_IS, 0, MethodHandles.constant(int.class, token))
                : null;
    }

    /** The guard {@code (int)boolean} "the key is {@code token}". */
    static MethodHandle isToken(int token) {
        // The token as a constant handle's result, not bound with insertArguments: binding an int makes the JDK
        // generate a bound-handle species class of its own (an int after a reference), which its class-data archive
        // lacks: 6-10 ms of the first boundary call on JDK 25. A constant int's species is the one every SwitchPoint uses.
        return MethodHandles.collectArguments(SAME, 1, MethodHandles.constant(int.class, token));
    }

    /**
     * Takes the context path if Bindings.contextIsBinding says so now, or leaves it; the agent calls this
     * once capture is installed, and Bindings (through contextNotBinding) when it ends. True if it ended
     * now: the caller then links every binding site again, without the context test.
     */
    static synchronized boolean followContext() {
        boolean holds = Bindings.contextIsBinding;
        boolean ended = contextTested && !holds;
        contextTested = holds;
        MutableCallSite[] sites = {CONTEXT_BOUND_SITE, KEY_SITE, KEY_NOW_SITE};
        sites[0].setTarget(holds ? IS_GENERATION_CONTEXT : NOT_BOUND);
        sites[1].setTarget(holds ? CONTEXT_KEY : KEY_OF);
        sites[2].setTarget(holds ? CONTEXT_KEY_NOW : CURRENT);
        MutableCallSite.syncAll(sites);
        return ended;
    }

    // Not generation-dependent, the three below: a bound thread's context is a generation's loader
    // whatever the generation, so a publish does not flip their branches.
    private static boolean isGenerationContext() throws Throwable {
        return (ClassLoader) CONTEXT_OF.invokeExact(Thread.currentThread()) instanceof GenerationClassLoader;
    }

    private static int contextToken() throws Throwable {
        ClassLoader context = (ClassLoader) CONTEXT_OF.invokeExact(Thread.currentThread());
        return context instanceof GenerationClassLoader ? ((GenerationClassLoader) context).serial() : UNBOUND;
    }

    private static int contextKey(int methodToken) throws Throwable {
        ClassLoader context = (ClassLoader) CONTEXT_OF.invokeExact(Thread.currentThread());
        return context instanceof GenerationClassLoader ? ((GenerationClassLoader) context).serial()
                : keyOf(methodToken);
    }

    private static int contextKeyNow() throws Throwable {
        ClassLoader context = (ClassLoader) CONTEXT_OF.invokeExact(Thread.currentThread());
        return context instanceof GenerationClassLoader ? ((GenerationClassLoader) context).serial()
                : tokenOf(Bindings.effective());
    }

    /**
     * A plain read of the field, which the JIT shares between all the sites of a compiled method: the thread writes
     * its own context class loader as it binds and unbinds, so a plain read sees what the context path needs. Where
     * the field is volatile (JDK 25) a {@code getfield} would be a volatile read, which the JIT never shares and after
     * which it reads every other field again, so the read is a {@code VarHandle}'s plain one. Where the field is plain
     * (JDK 17) it is a {@code getfield} in a hidden nestmate of {@code Thread}: there a read through {@code Unsafe}
     * (a {@code VarHandle}'s or a getter handle's) is pinned by C2 under G1, which must log a read that might be a
     * {@code Reference}'s referent, and so is made again at every inlined site. Either costs about 1.1 ns per site at
     * 5,000 sites (docs/PERFORMANCE.md, "Boundary calls at scale"). Else the getter handle where {@code java.lang} is
     * open to the agent (it is), else {@code getContextClassLoader()}.
     */
    private static MethodHandle contextOf() {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodHandles.Lookup inThread;
        try {
            inThread = MethodHandles.privateLookupIn(Thread.class, lookup);
        } catch (IllegalAccessException | RuntimeException notOpen) {
            try {
                return lookup.findVirtual(Thread.class, "getContextClassLoader",
                        MethodType.methodType(ClassLoader.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        try {
            if (Modifier.isVolatile(Thread.class.getDeclaredField("contextClassLoader").getModifiers())) {
                return inThread.findVarHandle(Thread.class, "contextClassLoader", ClassLoader.class)
                        .toMethodHandle(VarHandle.AccessMode.GET);
            }
            return nestmateRead();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError notAllowed) {
            Log.debug("the context class loader is read through a getter handle: %s", notAllowed);
        }
        try {
            return inThread.findGetter(Thread.class, "contextClassLoader", ClassLoader.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * {@code (Thread)ClassLoader}: a {@code getfield} in a hidden class of {@code Thread}'s nest, defined through a
     * lookup of full privilege in {@code Thread}, which needs {@code java.lang.invoke} open to the agent (it is).
     */
    private static MethodHandle nestmateRead() throws ReflectiveOperationException {
        Constructor<MethodHandles.Lookup> fullPrivilege = MethodHandles.Lookup.class.getDeclaredConstructor(Class.class);
        fullPrivilege.setAccessible(true);
        MethodHandles.Lookup reader = fullPrivilege.newInstance(Thread.class).defineHiddenClass(contextReaderClass(),
                true, MethodHandles.Lookup.ClassOption.NESTMATE);
        return reader.findStatic(reader.lookupClass(), "contextOf",
                MethodType.methodType(ClassLoader.class, Thread.class));
    }

    /** {@code static ClassLoader contextOf(Thread t) { return t.contextClassLoader; }}, in {@code java.lang}. */
    private static byte[] contextReaderClass() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, "java/lang/ModuletsContextReader", null,
                "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "contextOf", "(Ljava/lang/Thread;)Ljava/lang/ClassLoader;",
                null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, "java/lang/Thread", "contextClassLoader", "Ljava/lang/ClassLoader;");
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(1, 1);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static int keyOf(int methodToken) {
        // Bound or unbound thread, not generation-dependent: a publish does not flip these branches
        // (UNREAD only comes from frames that started before it).
        if (methodToken > 0) {
            return methodToken;
        }
        return methodToken == UNBOUND ? Bindings.currentToken() : tokenOf(Bindings.effective());
    }

    /** {@link #BOUND_UNLESS_CONTEXT}'s body: a method, not a {@code guardWithTest}, whose shape spun two classes. */
    private static int boundUnlessContext() throws Throwable {
        return (boolean) CONTEXT_BOUND.invokeExact() ? UNREAD : boundToken();
    }

    private static int effectiveToken() {
        return tokenOf(Bindings.effective());
    }

    private static int boundToken() {
        return tokenOf(Bindings.bound());
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
