package io.modulets.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import io.modulets.bootstrap.Requests;

/**
 * Every call that capture inserts into a JDK or server class names a public static method of the
 * bootstrap holder with exactly the emitted descriptor: a hook renamed or retyped on one side only
 * would otherwise surface as a NoSuchMethodError inside java.lang.Thread on a user's machine. The
 * JDK classes are this JVM's own, rewritten by every rule; the server rules on a class of each shape.
 */
class HookCallsTest {
    private static final String BOOTSTRAP = "io/modulets/bootstrap/";

    /** The bootstrap calls one rewrite emitted, as "owner.name descriptor". */
    private static Set<String> emitted(byte[] bytes, java.util.function.Function<ClassVisitor, ClassVisitor> rewrite) {
        Set<String> calls = new TreeSet<>();
        ClassVisitor recorder = new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.startsWith(BOOTSTRAP)) {
                            assertEquals(Opcodes.INVOKESTATIC, opcode, owner + "." + method + " is called statically");
                            calls.add(owner + "." + method + " " + desc);
                        }
                    }
                };
            }
        };
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(bytes).accept(rewrite.apply(writer), 0);
        new ClassReader(writer.toByteArray()).accept(recorder, 0);
        return calls;
    }

    /** {@code rule} applied to every method, as CaptureTransformer applies it. */
    private static ClassVisitor applying(Transformlet rule, ClassVisitor next) {
        return new ClassVisitor(Opcodes.ASM9, next) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return rule.visitMethod(name, descriptor,
                        super.visitMethod(access, name, descriptor, signature, exceptions));
            }
        };
    }

    private static void assertResolves(String call) throws ClassNotFoundException {
        String owner = call.substring(0, call.indexOf('.')).replace('/', '.');
        String name = call.substring(call.indexOf('.') + 1, call.indexOf(' '));
        String descriptor = call.substring(call.indexOf(' ') + 1);
        List<String> candidates = new ArrayList<>();
        for (Method method : Class.forName(owner).getDeclaredMethods()) {
            if (method.getName().equals(name)) {
                candidates.add(Type.getMethodDescriptor(method));
                if (Type.getMethodDescriptor(method).equals(descriptor)) {
                    assertTrue(Modifier.isPublic(method.getModifiers()) && Modifier.isStatic(method.getModifiers()),
                            call + " is public static");
                    return;
                }
            }
        }
        throw new AssertionError(call + " has no method with that descriptor; there are " + candidates);
    }

    private static byte[] jdkClass(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        }
    }

    @Test
    void everyHookTheJdkRulesEmitIsAPublicStaticMethodWithThatDescriptor() throws Exception {
        Set<String> all = new TreeSet<>();
        for (Transformlet rule : CaptureTransformer.jdkRules()) {
            byte[] bytes = jdkClass(rule.className());
            if (bytes == null) {
                continue; // absent on this JDK (VirtualThread before 21)
            }
            all.addAll(emitted(bytes, next -> applying(rule, next)));
        }
        assertTrue(all.size() >= 20, "the rules emit their hooks: " + all);
        for (String call : all) {
            assertResolves(call);
        }
    }

    /** A class with a method of every shape the server rules wrap or end. */
    public static class Server {
        public void run() {
        }

        public boolean handle(Object request, Object response, Object callback) {
            return true;
        }

        public void recycle() {
        }

        public void execute(Runnable task) {
        }

        public Object schedule(Runnable task, long delay, java.util.concurrent.TimeUnit unit) {
            return null;
        }

        public Object schedule(java.util.concurrent.Callable<?> task, long delay, java.util.concurrent.TimeUnit unit) {
            return null;
        }

        public void addFailureListener(java.util.function.Consumer<Throwable> listener) {
        }

        public void addIdleTimeoutListener(java.util.function.Predicate<java.util.concurrent.TimeoutException> listener) {
        }
    }

    @Test
    void everyHookTheServerRulesEmitIsAPublicStaticMethodWithThatDescriptor() throws Exception {
        byte[] bytes;
        try (InputStream in = Server.class.getResourceAsStream("HookCallsTest$Server.class")) {
            bytes = in.readAllBytes();
        }
        String name = Server.class.getName();
        List<RequestMethod> rules = List.of(new RequestMethod(name, "run", null, Requests.RESUME_END, 0),
                new RequestMethod(name, "handle", null, Requests.BEGIN, 1),
                new RequestMethod(name, "recycle", null, RequestMethod.END, 0));
        Set<String> all = new TreeSet<>(emitted(bytes, next -> new RequestMethodVisitor(next, rules)));
        for (Transformlet pool : List.of(CustomExecutorTransformlet.serverPool(name),
                new CustomExecutorTransformlet(name), CustomExecutorTransformlet.serverSchedule(name, List.of(
                        "(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;",
                        "(Ljava/util/concurrent/Callable;JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;")),
                // two rules of one class, as Jetty's request has (with its demand's)
                Transformlet.both(CustomExecutorTransformlet.serverListener(name, "addFailureListener",
                        "(Ljava/util/function/Consumer;)V"), CustomExecutorTransformlet.serverListener(name,
                        "addIdleTimeoutListener", "(Ljava/util/function/Predicate;)V")))) {
            all.addAll(emitted(bytes, next -> applying(pool, next)));
        }
        assertEquals(10, all.size(), "enter, exit, exitFailed, end, the two pool hooks, the two schedule hooks, the two"
                + " listener hooks: " + all);
        for (String call : all) {
            assertResolves(call);
        }
    }

    /**
     * Netty's HashedWheelTimeout, in the shape of the methods its rule rewrites (generated: Netty is no
     * dependency of the agent): the constructor, expire() that hands its executor the timeout, cancel().
     */
    @Test
    void everyHookTheNettyTimerRuleEmitsIsAPublicStaticMethodWithThatDescriptor() throws Exception {
        ClassWriter timeout = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        timeout.visit(Opcodes.V17, Opcodes.ACC_FINAL, "io/netty/util/HashedWheelTimer$HashedWheelTimeout", null,
                "java/lang/Object", new String[] {"java/lang/Runnable"});
        MethodVisitor init = timeout.visitMethod(0, "<init>",
                "(Lio/netty/util/HashedWheelTimer;Lio/netty/util/TimerTask;J)V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor expire = timeout.visitMethod(Opcodes.ACC_PUBLIC, "expire", "()V", null, null);
        expire.visitCode();
        expire.visitInsn(Opcodes.ACONST_NULL);
        expire.visitTypeInsn(Opcodes.CHECKCAST, "java/util/concurrent/Executor");
        expire.visitVarInsn(Opcodes.ALOAD, 0);
        expire.visitMethodInsn(Opcodes.INVOKEINTERFACE, "java/util/concurrent/Executor", "execute",
                "(Ljava/lang/Runnable;)V", true);
        expire.visitInsn(Opcodes.RETURN);
        expire.visitMaxs(0, 0);
        expire.visitEnd();
        MethodVisitor cancel = timeout.visitMethod(Opcodes.ACC_PUBLIC, "cancel", "()Z", null, null);
        cancel.visitCode();
        cancel.visitInsn(Opcodes.ICONST_1);
        cancel.visitInsn(Opcodes.IRETURN);
        cancel.visitMaxs(0, 0);
        cancel.visitEnd();
        timeout.visitEnd();
        Transformlet rule = NettyTimerRule.rule();
        Set<String> all = emitted(timeout.toByteArray(), next -> applying(rule, next));
        assertEquals(3, all.size(), "made, expired, cancelled: " + all);
        for (String call : all) {
            assertResolves(call);
        }
    }

    /**
     * Netty's DefaultHttp2ConnectionDecoder$FrameReadListener, in the shape its hooks rewrite (generated, as
     * above): a method that hands the application's listener a stream's frame. The call goes through a wrapper
     * of the class's own, which calls the bootstrap's hooks.
     */
    @Test
    void theNettyHttp2HooksWrapEachStreamFrameInPublicStaticHooks() throws Exception {
        String reader = "io/netty/handler/codec/http2/DefaultHttp2ConnectionDecoder$FrameReadListener";
        String listener = "io/netty/handler/codec/http2/Http2FrameListener";
        String onData = "(Lio/netty/channel/ChannelHandlerContext;ILio/netty/buffer/ByteBuf;IZ)I";
        ClassWriter frames = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        frames.visit(Opcodes.V1_8, Opcodes.ACC_FINAL, reader, null, "java/lang/Object", new String[] {listener});
        MethodVisitor read = frames.visitMethod(Opcodes.ACC_PUBLIC, "onDataRead", onData, null, null);
        read.visitCode();
        read.visitInsn(Opcodes.ACONST_NULL);
        read.visitTypeInsn(Opcodes.CHECKCAST, listener);
        read.visitVarInsn(Opcodes.ALOAD, 1);
        read.visitVarInsn(Opcodes.ILOAD, 2);
        read.visitVarInsn(Opcodes.ALOAD, 3);
        read.visitVarInsn(Opcodes.ILOAD, 4);
        read.visitVarInsn(Opcodes.ILOAD, 5);
        read.visitMethodInsn(Opcodes.INVOKEINTERFACE, listener, "onDataRead", onData, true);
        read.visitInsn(Opcodes.IRETURN);
        read.visitMaxs(0, 0);
        read.visitEnd();
        frames.visitEnd();
        Set<String> all = emitted(frames.toByteArray(), next -> NettyHttp2Hooks.visitorFor(reader, next));
        assertEquals(3, all.size(), "entered, exited, failed: " + all);
        for (String call : all) {
            assertResolves(call);
        }
    }

    /**
     * Netty's Http2ConnectionHandler, in the shape its hook rewrites (generated, as above): onHttpServerUpgrade, where
     * an h2c upgrade makes stream 1, tells the bootstrap which stream goes on as the upgrading request.
     */
    @Test
    void theNettyH2cUpgradeHookIsAPublicStaticMethodWithThatDescriptor() throws Exception {
        String handler = "io/netty/handler/codec/http2/Http2ConnectionHandler";
        ClassWriter upgrades = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        upgrades.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, handler, null, "java/lang/Object", null);
        MethodVisitor upgrade = upgrades.visitMethod(Opcodes.ACC_PUBLIC, "onHttpServerUpgrade",
                "(Lio/netty/handler/codec/http2/Http2Settings;)V", null, null);
        upgrade.visitCode();
        upgrade.visitInsn(Opcodes.RETURN);
        upgrade.visitMaxs(0, 0);
        upgrade.visitEnd();
        upgrades.visitEnd();
        Set<String> all = emitted(upgrades.toByteArray(), next -> NettyHttp2Hooks.visitorFor(handler, next));
        assertEquals(Set.of("io/modulets/bootstrap/Requests.upgraded (Ljava/lang/Object;)V"), all);
        for (String call : all) {
            assertResolves(call);
        }
    }

    /**
     * Netty's AbstractScheduledEventExecutor and PromiseTask, in the shape their periodic rules rewrite (generated, as
     * above): scheduleAtFixedRate and scheduleWithFixedDelay wrap their Runnable, clearTaskAfterCompletion tells the
     * bootstrap that the task is let go.
     */
    @Test
    void everyHookTheNettyPeriodicRulesEmitIsAPublicStaticMethodWithThatDescriptor() throws Exception {
        String periodic = "(Ljava/lang/Runnable;JJLjava/util/concurrent/TimeUnit;)"
                + "Lio/netty/util/concurrent/ScheduledFuture;";
        ClassWriter executor = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        executor.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT,
                "io/netty/util/concurrent/AbstractScheduledEventExecutor", null, "java/lang/Object", null);
        for (String name : List.of("scheduleAtFixedRate", "scheduleWithFixedDelay")) {
            MethodVisitor schedule = executor.visitMethod(Opcodes.ACC_PUBLIC, name, periodic, null, null);
            schedule.visitCode();
            schedule.visitInsn(Opcodes.ACONST_NULL);
            schedule.visitInsn(Opcodes.ARETURN);
            schedule.visitMaxs(0, 0);
            schedule.visitEnd();
        }
        executor.visitEnd();
        ClassWriter task = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        task.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, "io/netty/util/concurrent/PromiseTask", null, "java/lang/Object",
                null);
        task.visitField(Opcodes.ACC_PRIVATE, "task", "Ljava/lang/Object;", null, null).visitEnd();
        MethodVisitor clear = task.visitMethod(Opcodes.ACC_PRIVATE, "clearTaskAfterCompletion",
                "(ZLjava/lang/Runnable;)Z", null, null);
        clear.visitCode();
        clear.visitVarInsn(Opcodes.ILOAD, 1);
        clear.visitInsn(Opcodes.IRETURN);
        clear.visitMaxs(0, 0);
        clear.visitEnd();
        task.visitEnd();
        List<Transformlet> rules = NettyPeriodicRules.rules();
        Set<String> all = new TreeSet<>(emitted(executor.toByteArray(), next -> applying(rules.get(0), next)));
        all.addAll(emitted(task.toByteArray(), next -> applying(rules.get(1), next)));
        assertEquals(Set.of("io/modulets/bootstrap/ExecutorHooks.wrapScheduledPeriodic"
                        + " (Ljava/lang/Runnable;)Ljava/lang/Runnable;",
                "io/modulets/bootstrap/DroppedTaskHooks.onTaskCleared (ZLjava/lang/Object;)V"), all);
        for (String call : all) {
            assertResolves(call);
        }
    }

    /**
     * Netty's stream channel reads (AbstractHttp2StreamChannel$Http2ChannelUnsafe), in the shape their hooks rewrite
     * (generated, as above): doBeginRead and notifyReadComplete run bound through Requests, with the key read by a
     * method added to the codec's stream class; only where that class got it (it loads first).
     */
    @Test
    void aStreamChannelsReadsAreHookedOnlyWhereTheCodecsStreamGotItsReader() throws Exception {
        String frameStream = "io/netty/handler/codec/http2/Http2FrameCodec$DefaultHttp2FrameStream";
        ClassWriter codecStream = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        codecStream.visit(Opcodes.V1_8, 0, frameStream, null, "java/lang/Object", null);
        codecStream.visitEnd();
        Set<String> added = new TreeSet<>();
        new ClassReader(codecStream.toByteArray()).accept(NettyHttp2Hooks.visitorFor(frameStream, null, "",
                new ClassVisitor(Opcodes.ASM9) {
                    @Override
                    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                     String[] exceptions) {
                        added.add(name + descriptor);
                        return new MethodVisitor(Opcodes.ASM9) {
                        };
                    }
                }), 0);
        assertEquals(Set.of("modulets$streamOf(Lio/netty/handler/codec/http2/AbstractHttp2StreamChannel;)"
                + "Ljava/lang/Object;"), added);
        String reads = "io/netty/handler/codec/http2/AbstractHttp2StreamChannel$Http2ChannelUnsafe";
        ClassWriter unsafe = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        unsafe.visit(Opcodes.V1_8, Opcodes.ACC_FINAL, reads, null, "java/lang/Object", null);
        unsafe.visitField(Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC, "this$0",
                "Lio/netty/handler/codec/http2/AbstractHttp2StreamChannel;", null, null).visitEnd();
        for (String[] method : new String[][] {{"doBeginRead", "()V"},
            {"notifyReadComplete", "(Lio/netty/channel/RecvByteBufAllocator$Handle;ZZ)V"}}) {
            MethodVisitor read = unsafe.visitMethod(0, method[0], method[1], null, null);
            read.visitCode();
            read.visitInsn(Opcodes.RETURN);
            read.visitMaxs(0, 0);
            read.visitEnd();
        }
        unsafe.visitEnd();
        Set<String> all = emitted(unsafe.toByteArray(), next -> NettyHttp2Hooks.visitorFor(reads, null, "", next));
        assertEquals(3, all.size(), "entered, exited, failed: " + all);
        for (String call : all) {
            assertResolves(call);
        }
        ClassLoader other = new ClassLoader(null) {
        };
        assertEquals(Set.of(), emitted(unsafe.toByteArray(), next -> NettyHttp2Hooks.visitorFor(reads, other, "",
                next)), "a loader whose codec stream loaded unchanged");
    }
}
