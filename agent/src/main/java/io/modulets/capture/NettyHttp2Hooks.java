package io.modulets.capture;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import io.modulets.config.Log;

/**
 * Where a Netty HTTP/2 request runs (DESIGN §2.1, docs/SERVERS.md): each stream a client opens on a
 * server's connection is a request, keyed by Netty's {@code Http2Stream}, which lives as long as the
 * stream. Every server built on Netty's HTTP/2 codec reads its frames through
 * {@code DefaultHttp2ConnectionDecoder}, whose {@code FrameReadListener} hands each frame of a stream to
 * the application's listener ({@code Http2FrameCodec} and so {@code Http2MultiplexHandler}'s stream
 * channels, Vert.x, gRPC over unshaded Netty): its calls of the listener's {@code onHeadersRead},
 * {@code onDataRead} and {@code onRstStreamRead} run bound to the stream's request, which begins at its
 * first frame; the stream's close ends it when it returns (a {@link RequestMethod#END_AFTER} in
 * {@link Servers#REQUESTS}), after the stream channel's last read and close that it runs, counted with the
 * {@code :status} of the response's HEADERS, which the server's {@code DefaultHttp2ConnectionEncoder} writes
 * ({@link Encoder}), if it wrote one. The HTTP/1 request that
 * upgrades a cleartext connection (h2c) goes on as stream 1, which {@code Http2ConnectionHandler}
 * makes for it: that stream keeps the upgrading request's binding ({@link Upgraded}). A stream channel of
 * {@code Http2MultiplexHandler} whose reads were paused queues the frames the listener hands it and reads them later,
 * outside the listener: its reads ({@code doBeginRead}, {@code notifyReadComplete}) run bound to the stream's request
 * too ({@link #STREAM_READS}).
 *
 * <p>Each such call is replaced by a call of a static method added to the listener's class (its {@code this}
 * passed last), which reads the stream from the decoder's connection and wraps the call:
 * <pre>
 * static R modulets$streamN(Http2FrameListener listener, ARGS..., FrameReadListener self) {
 *     Http2Connection connection = self.this$0.connection();
 *     Object scope = Requests.enterStream(connection.isServer(), connection.stream(streamId));
 *     try { R r = listener.onXxxRead(ARGS...); Requests.exit(scope); return r; }
 *     catch (Throwable t) { Requests.exitFailed(scope, t); throw t; }
 * }
 * </pre>
 * Its frames are written out, so that no class is loaded to compute one; the inserted code names Netty's
 * types from inside Netty's class: the agent links against none of them.
 */
final class NettyHttp2Hooks {
    private static final String H2 = "io/netty/handler/codec/http2/";
    static final String READER = H2 + "DefaultHttp2ConnectionDecoder$FrameReadListener";
    private static final String DECODER = H2 + "DefaultHttp2ConnectionDecoder";
    private static final String CONNECTION = H2 + "Http2Connection";
    private static final String LISTENER = H2 + "Http2FrameListener";
    private static final String REQUESTS = "io/modulets/bootstrap/Requests";
    static final String ENCODER = H2 + "DefaultHttp2ConnectionEncoder";
    private static final String VALIDATE = "(L" + H2 + "Http2Stream;L" + H2 + "Http2Headers;ZZ)Z";
    /** Where a server's connection is upgraded from HTTP/1 (h2c): stream 1 is made for the upgrading request. */
    static final String UPGRADED = H2 + "Http2ConnectionHandler";
    private static final String SERVER_UPGRADE = "onHttpServerUpgrade(L" + H2 + "Http2Settings;)V";

    /** A stream channel's (Http2MultiplexHandler's child's) reads: its queued frames and its read's end. */
    static final String STREAM_READS = H2 + "AbstractHttp2StreamChannel$Http2ChannelUnsafe";
    private static final String STREAM_CHANNEL = H2 + "AbstractHttp2StreamChannel";
    /** The codec's stream, which holds the connection's {@code Http2Stream}: given a static reader of it. */
    static final String FRAME_STREAM = H2 + "Http2FrameCodec$DefaultHttp2FrameStream";
    private static final String STREAM_OF = "modulets$streamOf";
    private static final String STREAM_OF_DESCRIPTOR = "(L" + STREAM_CHANNEL + ";)Ljava/lang/Object;";
    /**
     * The reads of a stream channel, bound to its stream's request: the key is read from the channel ({@code this$0})
     * by the reader added to {@link #FRAME_STREAM}. {@code notifyReadComplete}'s parameters differ between 4.1 and 4.2.
     */
    private static final List<RequestMethod> STREAM_READ_METHODS = List.of(
            streamRead("doBeginRead", "()V"), streamRead("notifyReadComplete", null));
    /** The class loaders (with the relocation prefix) whose {@link #FRAME_STREAM} has the reader. */
    private static final Map<ClassLoader, java.util.Set<String>> READERS_ADDED = new java.util.WeakHashMap<>();

    private NettyHttp2Hooks() {
    }

    static boolean hooks(String className) {
        return READER.equals(className) || ENCODER.equals(className) || UPGRADED.equals(className)
                || FRAME_STREAM.equals(className) || STREAM_READS.equals(className);
    }

    /** The hooks of class {@code className} of the boot loader, unrelocated, around {@code next} (for tests). */
    static ClassVisitor visitorFor(String className, ClassVisitor next) {
        return visitorFor(className, null, "", next);
    }

    /**
     * The hooks of class {@code className} (its name without {@code relocation}) of {@code loader} around {@code
     * next}, or {@code next} if it has none. A stream channel's reads are hooked only where the codec's stream got
     * the reader they call: it always loads first (a stream channel is made with one), but it may have loaded
     * before the agent was attached, unchanged.
     */
    static ClassVisitor visitorFor(String className, ClassLoader loader, String relocation, ClassVisitor next) {
        if (READER.equals(className)) {
            return new Reader(next);
        }
        if (ENCODER.equals(className)) {
            return new Encoder(next);
        }
        if (UPGRADED.equals(className)) {
            return new Upgraded(next);
        }
        if (FRAME_STREAM.equals(className)) {
            synchronized (READERS_ADDED) {
                READERS_ADDED.computeIfAbsent(loader, key -> new java.util.HashSet<>()).add(relocation);
            }
            return new StreamReader(next);
        }
        if (STREAM_READS.equals(className)) {
            synchronized (READERS_ADDED) {
                java.util.Set<String> added = READERS_ADDED.get(loader);
                if (added == null || !added.contains(relocation)) {
                    return next;
                }
            }
            return new RequestMethodVisitor(next, STREAM_READ_METHODS);
        }
        return next;
    }

    private static RequestMethod streamRead(String method, String descriptor) {
        return new RequestMethod(STREAM_READS.replace('/', '.'), method, descriptor,
                io.modulets.bootstrap.Requests.STREAM, 0,
                "this$0:L" + STREAM_CHANNEL + "; " + FRAME_STREAM + "." + STREAM_OF + STREAM_OF_DESCRIPTOR);
    }

    /**
     * At the entry of {@code validateHeadersSentState(stream, headers, isServer, endOfStream)}, which the encoder calls
     * for each HEADERS frame as it writes it (at once, or once the stream's data queued before it is written):
     * {@code Requests.streamHeaders(isServer, stream, headers.status())}, the response's {@code :status} (null in
     * trailers). A version without that method reads no status, said once.
     */
    private static final class Encoder extends ClassVisitor {
        private boolean hooked;

        Encoder(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!name.equals("validateHeadersSentState") || !descriptor.equals(VALIDATE)
                    || (access & Opcodes.ACC_STATIC) == 0) {
                return mv;
            }
            hooked = true;
            return Hooks.atEntry(mv, out -> {
                out.visitVarInsn(Opcodes.ILOAD, 2);
                out.visitVarInsn(Opcodes.ALOAD, 0);
                out.visitVarInsn(Opcodes.ALOAD, 1);
                out.visitMethodInsn(Opcodes.INVOKEINTERFACE, H2 + "Http2Headers", "status",
                        "()Ljava/lang/CharSequence;", true);
                out.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "streamHeaders",
                        "(ZLjava/lang/Object;Ljava/lang/CharSequence;)V", false);
            });
        }

        @Override
        public void visitEnd() {
            if (!hooked) {
                Log.warn("Netty's %s has no validateHeadersSentState%s: the response statuses of its HTTP/2 streams"
                        + " are not read (they are not counted as requests; docs/SERVERS.md)",
                        ENCODER.replace('/', '.'), VALIDATE);
            }
            super.visitEnd();
        }
    }

    /**
     * Adds to the codec's stream a reader of its connection's stream, which a stream channel's hooks call (its field
     * is private, and Netty's classes are Java 8's: no nest mates):
     * <pre>
     * static Object modulets$streamOf(AbstractHttp2StreamChannel channel) {
     *     Http2FrameStream stream = channel.stream();
     *     return stream instanceof DefaultHttp2FrameStream ? ((DefaultHttp2FrameStream) stream).stream : null;
     * }
     * </pre>
     */
    private static final class StreamReader extends ClassVisitor {
        StreamReader(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitEnd() {
            MethodVisitor mv = super.visitMethod(Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, STREAM_OF,
                    STREAM_OF_DESCRIPTOR, null, null);
            mv.visitCode();
            Label none = new Label();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, STREAM_CHANNEL, "stream", "()L" + H2 + "Http2FrameStream;",
                    false);
            mv.visitInsn(Opcodes.DUP);
            mv.visitTypeInsn(Opcodes.INSTANCEOF, FRAME_STREAM);
            mv.visitJumpInsn(Opcodes.IFEQ, none);
            mv.visitTypeInsn(Opcodes.CHECKCAST, FRAME_STREAM);
            mv.visitFieldInsn(Opcodes.GETFIELD, FRAME_STREAM, "stream", "L" + H2 + "Http2Stream;");
            mv.visitInsn(Opcodes.ARETURN);
            mv.visitLabel(none);
            mv.visitFrame(Opcodes.F_FULL, 1, new Object[] {STREAM_CHANNEL}, 1, new Object[] {H2 + "Http2FrameStream"});
            mv.visitInsn(Opcodes.POP);
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitInsn(Opcodes.ARETURN);
            mv.visitMaxs(2, 1);
            mv.visitEnd();
            super.visitEnd();
        }
    }

    /**
     * {@code Http2ConnectionHandler.onHttpServerUpgrade(settings)}, which {@code Http2ServerUpgradeCodec} calls once
     * the 101 of an h2c upgrade is written, makes stream 1 for the upgrading request: when it returns,
     * {@code Requests.upgraded(connection().stream(1))}, so that the stream goes on as that request (its frames, its
     * stream channel's reads) until it closes, instead of beginning as a request of its own at its next frame.
     */
    private static final class Upgraded extends ClassVisitor {
        Upgraded(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!SERVER_UPGRADE.equals(name + descriptor) || (access & Opcodes.ACC_STATIC) != 0) {
                return mv;
            }
            return Hooks.beforeReturn(mv, out -> {
                out.visitVarInsn(Opcodes.ALOAD, 0);
                out.visitMethodInsn(Opcodes.INVOKEVIRTUAL, UPGRADED, "connection", "()L" + CONNECTION + ";", false);
                out.visitInsn(Opcodes.ICONST_1);
                out.visitMethodInsn(Opcodes.INVOKEINTERFACE, CONNECTION, "stream", "(I)L" + H2 + "Http2Stream;", true);
                out.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "upgraded", "(Ljava/lang/Object;)V", false);
            });
        }
    }

    /** A frame of one stream: the listener's methods whose second parameter is the stream's id. */
    private static boolean streamFrame(String name, String descriptor) {
        return (name.equals("onHeadersRead") || name.equals("onDataRead") || name.equals("onRstStreamRead"))
                && descriptor.startsWith("(Lio/netty/channel/ChannelHandlerContext;I");
    }

    private static final class Reader extends ClassVisitor {
        /** The wrapper of each listener method called, by name and descriptor: its own name. */
        private final Map<String, String> wrappers = new LinkedHashMap<>();
        private int version;

        Reader(ClassVisitor next) {
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
            if ((access & Opcodes.ACC_STATIC) != 0) {
                return mv;
            }
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                    if (opcode != Opcodes.INVOKEINTERFACE || !owner.equals(LISTENER) || !streamFrame(method, desc)) {
                        super.visitMethodInsn(opcode, owner, method, desc, itf);
                        return;
                    }
                    String wrapper = wrappers.computeIfAbsent(method + desc,
                            key -> "modulets$stream" + wrappers.size());
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, READER, wrapper, wrapperDescriptor(desc), false);
                }
            };
        }

        @Override
        public void visitEnd() {
            wrappers.forEach((called, wrapper) -> {
                int open = called.indexOf('(');
                wrap(wrapper, called.substring(0, open), called.substring(open));
            });
            super.visitEnd();
        }

        private static String wrapperDescriptor(String desc) {
            int close = desc.indexOf(')');
            return "(L" + LISTENER + ";" + desc.substring(1, close) + "L" + READER + ";" + desc.substring(close);
        }

        private void wrap(String wrapper, String method, String desc) {
            Type[] arguments = Type.getArgumentTypes(desc);
            Type returned = Type.getReturnType(desc);
            MethodVisitor mv = super.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                    wrapper, wrapperDescriptor(desc), null, null);
            mv.visitCode();
            // locals: the listener, the listener's arguments, self, the connection, the scope
            Object[] frameLocals = new Object[arguments.length + 4];
            frameLocals[0] = LISTENER;
            int slot = 1;
            for (int i = 0; i < arguments.length; i++) {
                frameLocals[i + 1] = frameType(arguments[i]);
                slot += arguments[i].getSize();
            }
            int self = slot;
            int connection = self + 1;
            int scope = connection + 1;
            frameLocals[arguments.length + 1] = READER;
            frameLocals[arguments.length + 2] = CONNECTION;
            frameLocals[arguments.length + 3] = "java/lang/Object";
            mv.visitVarInsn(Opcodes.ALOAD, self);
            mv.visitFieldInsn(Opcodes.GETFIELD, READER, "this$0", "L" + DECODER + ";");
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, DECODER, "connection", "()L" + CONNECTION + ";", false);
            mv.visitVarInsn(Opcodes.ASTORE, connection);
            mv.visitVarInsn(Opcodes.ALOAD, connection);
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, CONNECTION, "isServer", "()Z", true);
            mv.visitVarInsn(Opcodes.ALOAD, connection);
            mv.visitVarInsn(Opcodes.ILOAD, 2); // the stream's id, after the listener and the context
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, CONNECTION, "stream", "(I)L" + H2 + "Http2Stream;", true);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "enterStream", "(ZLjava/lang/Object;)Ljava/lang/Object;",
                    false);
            mv.visitVarInsn(Opcodes.ASTORE, scope);
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            mv.visitTryCatchBlock(start, end, handler, null);
            mv.visitLabel(start);
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            int argument = 1;
            for (Type type : arguments) {
                mv.visitVarInsn(type.getOpcode(Opcodes.ILOAD), argument);
                argument += type.getSize();
            }
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, LISTENER, method, desc, true);
            mv.visitLabel(end);
            mv.visitVarInsn(Opcodes.ALOAD, scope);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "exit", "(Ljava/lang/Object;)V", false);
            mv.visitInsn(returned.getOpcode(Opcodes.IRETURN));
            mv.visitLabel(handler);
            if (version >= Opcodes.V1_6) {
                mv.visitFrame(Opcodes.F_FULL, frameLocals.length, frameLocals, 1,
                        new Object[] {"java/lang/Throwable"});
            }
            mv.visitVarInsn(Opcodes.ASTORE, connection); // the connection is no longer needed: the failure
            mv.visitVarInsn(Opcodes.ALOAD, scope);
            mv.visitVarInsn(Opcodes.ALOAD, connection);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "exitFailed",
                    "(Ljava/lang/Object;Ljava/lang/Throwable;)V", false);
            mv.visitVarInsn(Opcodes.ALOAD, connection);
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitMaxs(Math.max(argument + 1, 3), scope + 1);
            mv.visitEnd();
        }

        private static Object frameType(Type type) {
            switch (type.getSort()) {
                case Type.BOOLEAN:
                case Type.CHAR:
                case Type.BYTE:
                case Type.SHORT:
                case Type.INT:
                    return Opcodes.INTEGER;
                case Type.LONG:
                    return Opcodes.LONG;
                case Type.FLOAT:
                    return Opcodes.FLOAT;
                case Type.DOUBLE:
                    return Opcodes.DOUBLE;
                default:
                    return type.getInternalName();
            }
        }
    }
}
