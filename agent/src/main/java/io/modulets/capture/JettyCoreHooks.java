package io.modulets.capture;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.modulets.config.Log;

/**
 * Where a Jetty 12 core request is answered (DESIGN §2.12, docs/SERVERS.md). A core request is bound for
 * {@code Server.handle}'s call only ({@code Requests.STAMP}), but a handler may answer it later, from a callback on any
 * thread, and Jetty's servlet layers end their requests as core requests too: so every Jetty 12 request, servlet or
 * not, counts once, at its real end, where the channel completes the request's stream. Two classes of
 * {@code jetty-server} (read in 12.1):
 *
 * <ul>
 * <li>{@code HttpChannelState$ChannelResponse}, the response Jetty makes for each request and hands
 * {@code Server.handle}: it gets two fields (the generation's outcomes, the start) and implements
 * {@code StampedRequest} with them and its own {@code getStatus()}. A per-request object of Jetty's holds them: the
 * agent allocates nothing per request.
 * <li>{@code HttpChannelState.completeStream(HttpStream, Throwable)}, which every completion goes through (after the
 * handler's callback, or its last write, or the handler's return, whichever is last), once per request, where Jetty
 * logs the request: at its entry, {@code Requests.stampedEnded(this._response, stream.isCommitted())} (its status
 * is the one sent: Jetty copies an error response's into it as it prepares it).
 * </ul>
 *
 * Only straight-line calls are inserted; a class whose shape differs (another version) is left as it is, said once.
 * The fields are plain: they are written as {@code Server.handle} begins, before the handler runs, and whatever
 * completes the request later, on another thread, was handed the request by the handler (an executor, a lock, Jetty's
 * own serialization), which orders the writes before the completion's reads.
 */
final class JettyCoreHooks {
    static final String CHANNEL = "org/eclipse/jetty/server/internal/HttpChannelState";
    static final String RESPONSE = CHANNEL + "$ChannelResponse";
    private static final String STREAM = "org/eclipse/jetty/server/HttpStream";
    private static final String COMPLETE = "(L" + STREAM + ";Ljava/lang/Throwable;)V";
    private static final String STAMPED = "io/modulets/bootstrap/StampedRequest";
    private static final String OUTCOMES = "Lio/modulets/bootstrap/TaskOutcomes;";
    private static final String OUTCOMES_FIELD = "modulets$outcomes";
    private static final String START_FIELD = "modulets$start";

    private JettyCoreHooks() {
    }

    static boolean hooks(String className) {
        return CHANNEL.equals(className) || RESPONSE.equals(className);
    }

    /** The hooks of class {@code className} around {@code next} if {@code bytes} have the shape known, else next. */
    static ClassVisitor visitorFor(String className, byte[] bytes, ClassVisitor next) {
        Shape shape = new Shape();
        new ClassReader(bytes).accept(shape, ClassReader.SKIP_CODE);
        if (CHANNEL.equals(className) ? !shape.field || !shape.complete : !shape.status) {
            Log.warn("Jetty's %s has not the shape the agent knows: the response statuses of Jetty 12's requests are"
                    + " not read (they are not counted as requests; docs/SERVERS.md)", className.replace('/', '.'));
            return next;
        }
        return CHANNEL.equals(className) ? new Completion(next) : new Response(next);
    }

    /** What the hooks need of the classes: the channel's response field and completeStream, the status getter. */
    private static final class Shape extends ClassVisitor {
        boolean field;
        boolean complete;
        boolean status;

        Shape() {
            super(Opcodes.ASM9);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            field |= name.equals("_response") && descriptor.equals("L" + RESPONSE + ";")
                    && (access & Opcodes.ACC_STATIC) == 0;
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            boolean instance = (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT)) == 0;
            complete |= instance && name.equals("completeStream") && descriptor.equals(COMPLETE);
            status |= instance && name.equals("getStatus") && descriptor.equals("()I");
            return null;
        }
    }

    /** At the entry of completeStream: {@code Requests.stampedEnded(this._response, stream.isCommitted())}. */
    private static final class Completion extends ClassVisitor {
        Completion(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!name.equals("completeStream") || !descriptor.equals(COMPLETE)
                    || (access & Opcodes.ACC_STATIC) != 0) {
                return mv;
            }
            return Hooks.atEntry(mv, out -> {
                out.visitVarInsn(Opcodes.ALOAD, 0);
                out.visitFieldInsn(Opcodes.GETFIELD, CHANNEL, "_response", "L" + RESPONSE + ";");
                out.visitVarInsn(Opcodes.ALOAD, 1);
                out.visitMethodInsn(Opcodes.INVOKEINTERFACE, STREAM, "isCommitted", "()Z", true);
                out.visitMethodInsn(Opcodes.INVOKESTATIC, RequestMethodVisitor.REQUESTS, "stampedEnded",
                        "(Ljava/lang/Object;Z)V", false);
            });
        }
    }

    /** The response's two fields, and {@code StampedRequest}'s methods over them and its {@code getStatus()}. */
    private static final class Response extends ClassVisitor {
        Response(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            String[] more = new String[interfaces == null ? 1 : interfaces.length + 1];
            if (interfaces != null) {
                System.arraycopy(interfaces, 0, more, 0, interfaces.length);
            }
            more[more.length - 1] = STAMPED;
            // a generic signature lists the interfaces too (none in 12.1)
            super.visit(version, access, name, signature == null ? null : signature + "L" + STAMPED + ";", superName,
                    more);
        }

        @Override
        public void visitEnd() {
            int field = Opcodes.ACC_PRIVATE | Opcodes.ACC_TRANSIENT | Opcodes.ACC_SYNTHETIC;
            super.visitField(field, OUTCOMES_FIELD, OUTCOMES, null, null).visitEnd();
            super.visitField(field, START_FIELD, "J", null, null).visitEnd();
            int method = Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC;

            MethodVisitor begin = super.visitMethod(method, "modulets$begin", "(" + OUTCOMES + "J)V", null, null);
            begin.visitCode();
            begin.visitVarInsn(Opcodes.ALOAD, 0);
            begin.visitVarInsn(Opcodes.LLOAD, 2);
            begin.visitFieldInsn(Opcodes.PUTFIELD, RESPONSE, START_FIELD, "J");
            begin.visitVarInsn(Opcodes.ALOAD, 0);
            begin.visitVarInsn(Opcodes.ALOAD, 1);
            begin.visitFieldInsn(Opcodes.PUTFIELD, RESPONSE, OUTCOMES_FIELD, OUTCOMES);
            begin.visitInsn(Opcodes.RETURN);
            begin.visitMaxs(3, 4);
            begin.visitEnd();

            MethodVisitor end = super.visitMethod(method, "modulets$end", "()" + OUTCOMES, null, null);
            end.visitCode();
            end.visitVarInsn(Opcodes.ALOAD, 0);
            end.visitFieldInsn(Opcodes.GETFIELD, RESPONSE, OUTCOMES_FIELD, OUTCOMES);
            end.visitVarInsn(Opcodes.ALOAD, 0);
            end.visitInsn(Opcodes.ACONST_NULL);
            end.visitFieldInsn(Opcodes.PUTFIELD, RESPONSE, OUTCOMES_FIELD, OUTCOMES);
            end.visitInsn(Opcodes.ARETURN);
            end.visitMaxs(3, 1);
            end.visitEnd();

            MethodVisitor start = super.visitMethod(method, "modulets$start", "()J", null, null);
            start.visitCode();
            start.visitVarInsn(Opcodes.ALOAD, 0);
            start.visitFieldInsn(Opcodes.GETFIELD, RESPONSE, START_FIELD, "J");
            start.visitInsn(Opcodes.LRETURN);
            start.visitMaxs(2, 1);
            start.visitEnd();

            MethodVisitor status = super.visitMethod(method, "modulets$status", "()I", null, null);
            status.visitCode();
            status.visitVarInsn(Opcodes.ALOAD, 0);
            status.visitMethodInsn(Opcodes.INVOKEVIRTUAL, RESPONSE, "getStatus", "()I", false);
            status.visitInsn(Opcodes.IRETURN);
            status.visitMaxs(1, 1);
            status.visitEnd();
            super.visitEnd();
        }
    }
}
