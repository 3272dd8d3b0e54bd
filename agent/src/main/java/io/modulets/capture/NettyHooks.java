package io.modulets.capture;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Where a Netty HTTP/1 request begins and where it is answered (DESIGN §2.1, docs/SERVERS.md), in
 * Netty's codec-http (4.1, 4.2), which every server built on Netty uses: Reactor Netty (so Spring
 * WebFlux) and Vert.x decode with subclasses of its {@code HttpRequestDecoder} and encode with
 * subclasses of its {@code HttpResponseEncoder}. A connection's events are bound by the channel
 * pipeline's rules in {@link Servers#REQUESTS}; these hooks tell {@code Connections} where a request
 * begins and ends:
 *
 * <ul>
 * <li>{@code HttpObjectDecoder}: each message head it makes ({@code createMessage}, or
 * {@code createInvalidMessage} for a head it cannot parse) begins a request when it is a request's
 * (the client's decoder makes responses). A decode call's output never mixes two messages, and the
 * head is made before the decoder emits anything of its message, so everything of the new request
 * runs on its binding.
 * <li>{@code HttpObjectEncoder.encode}: a response's head tells its status, its last content answers
 * the connection's oldest request (not after an informational 1xx head; after a 101, the connection
 * leaves HTTP: its request is answered). Encoding runs on the channel's event loop, whichever thread
 * wrote the response.
 * <li>{@code WebSocket08FrameDecoder.decode} (its subclasses are the 07 and 13 versions): each decode of a
 * WebSocket frame begins a root task on a connection with no HTTP request in flight (after its 101), bound
 * for the rest of the connection's event, or until the next frame's decode: a frame is a WebSocket's unit of
 * work, as a request is HTTP's.
 * </ul>
 *
 * Only straight-line calls are inserted in Netty's methods; the encoder gets one static method of
 * its own, whose branches carry their frames, so that no class is loaded to compute one. The inserted
 * code names Netty's types from inside Netty's classes: the agent links against none of them.
 */
final class NettyHooks {
    static final String DECODER = "io/netty/handler/codec/http/HttpObjectDecoder";
    static final String ENCODER = "io/netty/handler/codec/http/HttpObjectEncoder";
    static final String FRAME_DECODER = "io/netty/handler/codec/http/websocketx/WebSocket08FrameDecoder";
    private static final String HTTP = "io/netty/handler/codec/http/";
    private static final String DECODE =
            "(Lio/netty/channel/ChannelHandlerContext;Lio/netty/buffer/ByteBuf;Ljava/util/List;)V";
    private static final String CONNECTIONS = "io/modulets/bootstrap/Connections";
    private static final String WRITTEN = "modulets$written";
    private static final String ENCODE =
            "(Lio/netty/channel/ChannelHandlerContext;Ljava/lang/Object;Ljava/util/List;)V";
    private static final String OBJECT3 = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)V";

    private NettyHooks() {
    }

    /** The hooks of class {@code className} around {@code next}, or null if it has none. */
    static ClassVisitor visitorFor(String className, ClassVisitor next) {
        if (DECODER.equals(className)) {
            return new Decoder(next);
        }
        if (ENCODER.equals(className)) {
            return new Encoder(next);
        }
        if (FRAME_DECODER.equals(className)) {
            return new FrameDecoder(next);
        }
        return null;
    }

    static boolean hooks(String className) {
        return DECODER.equals(className) || ENCODER.equals(className) || FRAME_DECODER.equals(className);
    }

    /** At the entry of {@code decode(ctx, in, out)}: {@code Connections.frame()}. */
    private static final class FrameDecoder extends ClassVisitor {
        FrameDecoder(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!name.equals("decode") || !descriptor.equals(DECODE)
                    || (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT)) != 0) {
                return mv;
            }
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitCode() {
                    super.visitCode();
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, CONNECTIONS, "frame", "()V", false);
                }
            };
        }
    }

    /** After each call that makes a message head: {@code Connections.begin(head instanceof HttpRequest)}. */
    private static final class Decoder extends ClassVisitor {
        Decoder(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                    super.visitMethodInsn(opcode, owner, method, desc, itf);
                    if (opcode == Opcodes.INVOKEVIRTUAL && makesHead(method, desc)) {
                        super.visitInsn(Opcodes.DUP);
                        super.visitTypeInsn(Opcodes.INSTANCEOF, HTTP + "HttpRequest");
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, CONNECTIONS, "begin", "(Z)V", false);
                    }
                }
            };
        }

        private static boolean makesHead(String method, String desc) {
            return (method.equals("createMessage") || method.equals("createInvalidMessage"))
                    && desc.endsWith(")L" + HTTP + "HttpMessage;");
        }
    }

    /** At the entry of {@code encode(ctx, msg, out)}: {@code modulets$written(this, ctx, msg)}. */
    private static final class Encoder extends ClassVisitor {
        private int version;

        Encoder(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            this.version = version & 0xFFFF;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!name.equals("encode")
                    || !descriptor.equals(ENCODE)
                    || (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT)) != 0) {
                return mv;
            }
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitCode() {
                    super.visitCode();
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitVarInsn(Opcodes.ALOAD, 1);
                    super.visitVarInsn(Opcodes.ALOAD, 2);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, ENCODER, WRITTEN, OBJECT3, false);
                }
            };
        }

        /**
         * <pre>
         * static void modulets$written(Object encoder, Object ctx, Object msg) {
         *     if (!(encoder instanceof HttpResponseEncoder)) return;   // a client's request encoder
         *     int status = msg instanceof HttpResponse ? ((HttpResponse) msg).status().code() : -1;
         *     Connections.written(status, msg instanceof LastHttpContent, ((ChannelHandlerContext) ctx).pipeline());
         * }
         * </pre>
         */
        @Override
        public void visitEnd() {
            boolean frames = version >= Opcodes.V1_6;
            MethodVisitor mv = super.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                    WRITTEN, OBJECT3, null, null);
            mv.visitCode();
            Label response = new Label();
            Label notHead = new Label();
            Label call = new Label();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitTypeInsn(Opcodes.INSTANCEOF, HTTP + "HttpResponseEncoder");
            mv.visitJumpInsn(Opcodes.IFNE, response);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitLabel(response);
            if (frames) {
                mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
            }
            mv.visitVarInsn(Opcodes.ALOAD, 2);
            mv.visitTypeInsn(Opcodes.INSTANCEOF, HTTP + "HttpResponse");
            mv.visitJumpInsn(Opcodes.IFEQ, notHead);
            mv.visitVarInsn(Opcodes.ALOAD, 2);
            mv.visitTypeInsn(Opcodes.CHECKCAST, HTTP + "HttpResponse");
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, HTTP + "HttpResponse", "status",
                    "()L" + HTTP + "HttpResponseStatus;", true);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HTTP + "HttpResponseStatus", "code", "()I", false);
            mv.visitJumpInsn(Opcodes.GOTO, call);
            mv.visitLabel(notHead);
            if (frames) {
                mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
            }
            mv.visitInsn(Opcodes.ICONST_M1);
            mv.visitLabel(call);
            if (frames) {
                mv.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {Opcodes.INTEGER});
            }
            mv.visitVarInsn(Opcodes.ALOAD, 2);
            mv.visitTypeInsn(Opcodes.INSTANCEOF, HTTP + "LastHttpContent");
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitTypeInsn(Opcodes.CHECKCAST, "io/netty/channel/ChannelHandlerContext");
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, "io/netty/channel/ChannelHandlerContext", "pipeline",
                    "()Lio/netty/channel/ChannelPipeline;", true);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, CONNECTIONS, "written", "(IZLjava/lang/Object;)V", false);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(3, 3);
            mv.visitEnd();
            super.visitEnd();
        }
    }
}
