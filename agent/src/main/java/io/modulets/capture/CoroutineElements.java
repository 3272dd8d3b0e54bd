package io.modulets.capture;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.config.Log;

/**
 * The context element that carries a Kotlin coroutine's binding ({@code CoroutineHooks}): a class that
 * implements kotlinx's {@code ThreadContextElement}, so it must be defined where kotlinx is seen. The agent
 * links against no Kotlin class: the element is generated here and defined in kotlinx's own package and loader,
 * once per loader, at the first coroutine made there (through a private lookup on {@code CoroutineContextKt},
 * which needs kotlinx on the class path, not as a named module).
 *
 * <p>Its state is one {@code KotlinCoroutine} of the agent's; its {@code updateThreadContext} and {@code
 * restoreThreadContext} call the hooks; the methods Kotlin gives an element by default ({@code get}, {@code
 * fold}, {@code minusKey}, {@code plus}) call the standard library's {@code DefaultImpls}, as a class compiled
 * by Kotlin does. The element is its own key's class: the key is the instance whose state is null. Its code has
 * no branch, so it needs no stack-map frame and no class of kotlinx is loaded to write it.
 */
final class CoroutineElements {
    static final String NAME = "ModuletsBinding";
    private static final String HOOKS = "io/modulets/bootstrap/CoroutineHooks";
    private static final String ELEMENT_DEFAULTS = "kotlin/coroutines/CoroutineContext$Element$DefaultImpls";
    private static final String CONTEXT = "kotlin/coroutines/CoroutineContext";
    private static final String KEY = "kotlin/coroutines/CoroutineContext$Key";
    private static final String ELEMENT = "kotlin/coroutines/CoroutineContext$Element";
    private static final String OBJECT = "java/lang/Object";

    private CoroutineElements() {
    }

    /**
     * The handles {@code CoroutineHooks} uses for the kotlinx that {@code anchor} ({@code CoroutineContextKt})
     * belongs to, the element class defined on the first call; null (coroutines then run unbound, said once) if
     * it cannot be defined there.
     */
    static synchronized MethodHandle[] handles(Class<?> anchor) {
        try {
            MethodHandles.Lookup kotlinx = MethodHandles.privateLookupIn(anchor, MethodHandles.lookup());
            String packageName = anchor.getPackageName();
            Class<?> element;
            try {
                element = Class.forName(packageName + "." + NAME, false, anchor.getClassLoader());
            } catch (ClassNotFoundException notYet) {
                boolean defaults = hasDefaultImpls(anchor.getClassLoader());
                element = kotlinx.defineClass(bytes(packageName.replace('.', '/') + "/" + NAME, defaults));
            }
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(element, MethodHandles.lookup());
            MethodType one = MethodType.methodType(Object.class, Object.class);
            MethodType two = MethodType.methodType(Object.class, Object.class, Object.class);
            return new MethodHandle[] {
                lookup.findStatic(element, "make", one),
                lookup.findStatic(element, "plus", two),
                lookup.findStatic(element, "elementOf", one),
                lookup.findStatic(element, "carriedOf", one),
                lookup.findStatic(element, "contextOf", one)};
        } catch (ReflectiveOperationException | RuntimeException | LinkageError failure) {
            Log.error("capture: cannot give Kotlin coroutines a binding in %s (kotlinx.coroutines of %s); its"
                    + " coroutines follow the current generation at each step: %s", anchor.getClassLoader(),
                    anchor.getProtectionDomain().getCodeSource(), failure);
            return null;
        }
    }

    /** Whether the standard library gives an element's default methods as {@code DefaultImpls} (all to date). */
    private static boolean hasDefaultImpls(ClassLoader loader) {
        try {
            Class.forName(ELEMENT_DEFAULTS.replace('/', '.'), false, loader);
            return true;
        } catch (ClassNotFoundException compiledWithJvmDefaults) {
            return false;
        }
    }

    static byte[] bytes(String name, boolean defaults) {
        String self = "L" + name + ";";
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
                name, null, OBJECT, new String[] {"kotlinx/coroutines/ThreadContextElement", KEY});
        cw.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "KEY", self, null, null).visitEnd();
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "carried", "Ljava/lang/Object;", null, null).visitEnd();

        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitTypeInsn(Opcodes.NEW, name);
        mv.visitInsn(Opcodes.DUP);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, name, "<init>", "(Ljava/lang/Object;)V", false);
        mv.visitFieldInsn(Opcodes.PUTSTATIC, name, "KEY", self);
        end(mv, Opcodes.RETURN);

        mv = cw.visitMethod(Opcodes.ACC_PRIVATE, "<init>", "(Ljava/lang/Object;)V", null, null);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, OBJECT, "<init>", "()V", false);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitFieldInsn(Opcodes.PUTFIELD, name, "carried", "Ljava/lang/Object;");
        end(mv, Opcodes.RETURN);

        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "getKey", "()L" + KEY + ";", null, null);
        mv.visitFieldInsn(Opcodes.GETSTATIC, name, "KEY", self);
        end(mv, Opcodes.ARETURN);

        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "updateThreadContext", "(L" + CONTEXT + ";)Ljava/lang/Object;",
                null, null);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, name, "carried", "Ljava/lang/Object;");
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "resumed", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
        end(mv, Opcodes.ARETURN);

        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "restoreThreadContext", "(L" + CONTEXT + ";Ljava/lang/Object;)V",
                null, null);
        mv.visitVarInsn(Opcodes.ALOAD, 2);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "suspended", "(Ljava/lang/Object;)V", false);
        end(mv, Opcodes.RETURN);

        if (defaults) {
            String key = "L" + KEY + ";";
            delegate(cw, "get", "(" + key + ")L" + ELEMENT + ";", 1);
            delegate(cw, "fold", "(Ljava/lang/Object;Lkotlin/jvm/functions/Function2;)Ljava/lang/Object;", 2);
            delegate(cw, "minusKey", "(" + key + ")L" + CONTEXT + ";", 1);
            delegate(cw, "plus", "(L" + CONTEXT + ";)L" + CONTEXT + ";", 1);
        }

        // For CoroutineHooks, through method handles: all (Object...)Object, so that the hooks need no Kotlin type.
        mv = cw.visitMethod(Opcodes.ACC_STATIC, "make", "(Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        mv.visitTypeInsn(Opcodes.NEW, name);
        mv.visitInsn(Opcodes.DUP);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, name, "<init>", "(Ljava/lang/Object;)V", false);
        end(mv, Opcodes.ARETURN);

        mv = cw.visitMethod(Opcodes.ACC_STATIC, "plus", "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
                null, null);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitTypeInsn(Opcodes.CHECKCAST, CONTEXT);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitTypeInsn(Opcodes.CHECKCAST, CONTEXT);
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, CONTEXT, "plus", "(L" + CONTEXT + ";)L" + CONTEXT + ";", true);
        end(mv, Opcodes.ARETURN);

        mv = cw.visitMethod(Opcodes.ACC_STATIC, "elementOf", "(Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitTypeInsn(Opcodes.CHECKCAST, CONTEXT);
        mv.visitFieldInsn(Opcodes.GETSTATIC, name, "KEY", self);
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, CONTEXT, "get", "(L" + KEY + ";)L" + ELEMENT + ";", true);
        end(mv, Opcodes.ARETURN);

        mv = cw.visitMethod(Opcodes.ACC_STATIC, "carriedOf", "(Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitTypeInsn(Opcodes.CHECKCAST, name);
        mv.visitFieldInsn(Opcodes.GETFIELD, name, "carried", "Ljava/lang/Object;");
        end(mv, Opcodes.ARETURN);

        mv = cw.visitMethod(Opcodes.ACC_STATIC, "contextOf", "(Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitTypeInsn(Opcodes.CHECKCAST, "kotlin/coroutines/Continuation");
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, "kotlin/coroutines/Continuation", "getContext",
                "()L" + CONTEXT + ";", true);
        end(mv, Opcodes.ARETURN);

        cw.visitEnd();
        return cw.toByteArray();
    }

    /** {@code method(args)} of the element: {@code DefaultImpls.method(this, args)}, as Kotlin compiles it. */
    private static void delegate(ClassWriter cw, String method, String descriptor, int arguments) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, method, descriptor, null, null);
        for (int i = 0; i <= arguments; i++) {
            mv.visitVarInsn(Opcodes.ALOAD, i);
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, ELEMENT_DEFAULTS, method,
                "(L" + ELEMENT + ";" + descriptor.substring(1), false);
        end(mv, Opcodes.ARETURN);
    }

    private static void end(MethodVisitor mv, int returnOpcode) {
        mv.visitInsn(returnOpcode);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
