package io.modulets.capture;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Jetty's WebSocket session (core, {@code WebSocketCoreSession}; Jetty 10 and 11 in {@code core.internal}) keeps the
 * context class loader of the thread that makes it, its handshake's request: a generation's loader when that request
 * is bound (DESIGN §2.5), which the session would keep loaded, retired, for as long as its connection lives (Jetty's
 * server sessions run their handlers in their context's scope and never use it). Its constructor keeps the shell
 * loader in front of which the generation's stands instead ({@code Bindings.withoutGeneration}): one straight-line
 * call after its {@code Thread.getContextClassLoader()}.
 */
final class JettyWebSocketHooks {
    static final String SESSION = "org/eclipse/jetty/websocket/core/WebSocketCoreSession";
    static final String SESSION_10 = "org/eclipse/jetty/websocket/core/internal/WebSocketCoreSession";

    private JettyWebSocketHooks() {
    }

    static boolean hooks(String className) {
        return SESSION.equals(className) || SESSION_10.equals(className);
    }

    static ClassVisitor visitorFor(ClassVisitor next) {
        return new ClassVisitor(Opcodes.ASM9, next) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (!name.equals("<init>")) {
                    return mv;
                }
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc,
                                                boolean itf) {
                        super.visitMethodInsn(opcode, owner, method, desc, itf);
                        if (owner.equals("java/lang/Thread") && method.equals("getContextClassLoader")) {
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, "io/modulets/bootstrap/Bindings",
                                    "withoutGeneration", "(Ljava/lang/ClassLoader;)Ljava/lang/ClassLoader;", false);
                        }
                    }
                };
            }
        };
    }
}
