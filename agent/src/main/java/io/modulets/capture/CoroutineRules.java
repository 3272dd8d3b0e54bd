package io.modulets.capture;

import java.util.List;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Kotlin coroutines (kotlinx-coroutines-core 1.6 to 1.11 on the JVM): where a coroutine's context is made and
 * where a coroutine begins and completes, so that it carries the binding of the task that made it (see {@code
 * CoroutineHooks}, and {@link CoroutineElements} for the element itself). Read from kotlinx.coroutines' sources:
 * {@code CoroutineScope.newCoroutineContext} makes the context of every new coroutine ({@code launch}, {@code
 * async}, {@code runBlocking}, {@code produce}, …), {@code CoroutineContext.newCoroutineContext} the one of
 * {@code withContext}'s block; {@code AbstractCoroutine} is the class of every coroutine and {@code
 * onCompletionInternal} runs once, when it reaches its final state. The library's threads are in {@link
 * Servers#LOOPS}.
 */
final class CoroutineRules {
    private static final String CONTEXTS = "kotlinx/coroutines/CoroutineContextKt";
    private static final String COROUTINE = "kotlinx/coroutines/AbstractCoroutine";
    private static final String HOOKS = "io/modulets/bootstrap/CoroutineHooks";
    private static final String CONTEXT = "Lkotlin/coroutines/CoroutineContext;";

    private CoroutineRules() {
    }

    /** Whether {@code className} (internal name) is one of the classes these rules rewrite. */
    static boolean covers(String className) {
        return className.equals(CONTEXTS) || className.equals(COROUTINE);
    }

    static List<Transformlet> rules() {
        return List.of(
                new Rule(CONTEXTS) {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return switch (method) {
                            case "newCoroutineContext(Lkotlinx/coroutines/CoroutineScope;" + CONTEXT + ")" + CONTEXT ->
                                    contextReturned(mv, "onNewCoroutine", "(Ljava/lang/Object;Ljava/lang/Class;)", -1);
                            case "newCoroutineContext(" + CONTEXT + CONTEXT + ")" + CONTEXT ->
                                    contextReturned(mv, "onWithContext",
                                            "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Class;)", 0);
                            default -> mv;
                        };
                    }
                },
                new Rule(COROUTINE) {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return switch (method) {
                            case "<init>(" + CONTEXT + "ZZ)V" -> Hooks.beforeReturn(mv, out -> {
                                out.visitVarInsn(Opcodes.ALOAD, 0);
                                out.visitVarInsn(Opcodes.ALOAD, 1);
                                out.visitLdcInsn(Type.getObjectType(CONTEXTS));
                                out.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "onCoroutine",
                                        "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Class;)V", false);
                            });
                            case "onCompletionInternal(Ljava/lang/Object;)V" -> Hooks.atEntry(mv, out -> {
                                out.visitVarInsn(Opcodes.ALOAD, 0);
                                out.visitLdcInsn(Type.getObjectType(CONTEXTS));
                                out.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "onCompleted",
                                        "(Ljava/lang/Object;Ljava/lang/Class;)V", false);
                            });
                            default -> mv;
                        };
                    }
                });
    }

    /**
     * Before each {@code areturn}: the returned context goes through {@code hook} (with local {@code local}
     * too, unless -1, and the class whose loader sees kotlinx) and comes back as a context.
     */
    private static MethodVisitor contextReturned(MethodVisitor mv, String hook, String arguments, int local) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitInsn(int opcode) {
                if (opcode == Opcodes.ARETURN) {
                    if (local >= 0) {
                        super.visitVarInsn(Opcodes.ALOAD, local);
                    }
                    super.visitLdcInsn(Type.getObjectType(CONTEXTS));
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, hook, arguments + "Ljava/lang/Object;", false);
                    super.visitTypeInsn(Opcodes.CHECKCAST, "kotlin/coroutines/CoroutineContext");
                }
                super.visitInsn(opcode);
            }
        };
    }
}
