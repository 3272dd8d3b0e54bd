package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.Map;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.TaskOutcomes;
import io.modulets.bootstrap.ThrownExceptions;

/**
 * The exception handler around a generation's method at a site (DESIGN §4, "Outcomes"): an
 * exception that leaves the generation's code for shell code is counted against that generation
 * ({@link ThrownExceptions#crossed}) and rethrown unchanged.
 *
 * <p>The handler is a try/catch in a static method of a hidden class, one class per erased type, to which the
 * member and its generation's outcomes are bound: {@code try { return member.invokeExact(a...); } catch (Throwable
 * t) { crossed(outcomes, t); throw t; }}. A call that returns normally runs no more instructions than the member's
 * {@code invokeBasic} (the catch is an exception-table entry), and C2 inlines the member through the constant bound
 * to it (docs/BOUNDARY.md, "Cost"). Not {@code MethodHandles.catchException}, which compiles to the same bytecode
 * but builds it on a varargs collector of the arguments: 12 lambda-form classes spun at a JVM's first boundary call
 * and about a quarter of the JDK's stack-map work at start-up (docs/PERFORMANCE.md, the first boundary call).
 */
final class ThrownHandler {
    /** By erased type: {@code (MethodHandle, TaskOutcomes, P...) R}, the handler's method. Guarded by the class. */
    private static final Map<MethodType, MethodHandle> CATCHERS = new HashMap<>();
    private static final String OUTCOMES = Type.getInternalName(TaskOutcomes.class);

    private ThrownHandler() {
    }

    /** {@code member} of {@code generation}, counting what it throws; {@code member} itself for no generation. */
    static MethodHandle around(MethodHandle member, ClassLoader generation) {
        if (!(generation instanceof GenerationLoader)) {
            return member;
        }
        TaskOutcomes outcomes = ((GenerationLoader) generation).outcomes();
        MethodType type = member.type();
        // The catcher is shared by every member of its erased type: a type that names a generation's classes
        // must not reach it (an asType cache of a shared handle would keep the generation loaded, BoundaryUnloadIT).
        MethodType erased = type.erase();
        return MethodHandles.insertArguments(catcher(erased), 0, member.asType(erased), outcomes).asType(type);
    }

    /** The handler's method for {@code erased}, its class defined at the first member of that type. */
    private static synchronized MethodHandle catcher(MethodType erased) {
        MethodHandle catcher = CATCHERS.get(erased);
        if (catcher != null) {
            return catcher;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(catcherClass(erased), true);
            catcher = lookup.findStatic(lookup.lookupClass(), "call",
                    erased.insertParameterTypes(0, MethodHandle.class, TaskOutcomes.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("modulets: the exception handler of " + erased + " cannot be defined", e);
        }
        CATCHERS.put(erased, catcher);
        return catcher;
    }

    /**
     * {@code static R call(MethodHandle member, TaskOutcomes outcomes, P... a) throws Throwable}: the try/catch of
     * the class comment, with the one stack-map frame its handler needs written out (no frame computation, which
     * would load more of ASM).
     */
    static byte[] catcherClass(MethodType erased) {
        Type[] parameters = new Type[erased.parameterCount()];
        Object[] locals = new Object[parameters.length + 2];
        locals[0] = "java/lang/invoke/MethodHandle";
        locals[1] = OUTCOMES;
        int slots = 2;
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = Type.getType(erased.parameterType(i));
            locals[i + 2] = frameType(parameters[i]);
            slots += parameters[i].getSize();
        }
        Type returned = Type.getType(erased.returnType());
        String descriptor = "(Ljava/lang/invoke/MethodHandle;L" + OUTCOMES + ";" + descriptorTail(parameters, returned);

        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, "io/modulets/boundary/Catcher", null,
                "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "call", descriptor, null,
                new String[] {"java/lang/Throwable"});
        mv.visitCode();
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        mv.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
        mv.visitLabel(start);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        int slot = 2;
        for (Type parameter : parameters) {
            mv.visitVarInsn(parameter.getOpcode(Opcodes.ILOAD), slot);
            slot += parameter.getSize();
        }
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact",
                Type.getMethodDescriptor(returned, parameters), false);
        mv.visitLabel(end);
        mv.visitInsn(returned.getOpcode(Opcodes.IRETURN));
        mv.visitLabel(handler);
        mv.visitFrame(Opcodes.F_FULL, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
        mv.visitVarInsn(Opcodes.ASTORE, slots);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ALOAD, slots);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, Type.getInternalName(ThrownExceptions.class), "crossed",
                "(L" + OUTCOMES + ";Ljava/lang/Throwable;)V", false);
        mv.visitVarInsn(Opcodes.ALOAD, slots);
        mv.visitInsn(Opcodes.ATHROW);
        // the call: the member and every argument; the return: a long or double; the handler: two references
        mv.visitMaxs(Math.max(Math.max(1 + slots - 2, returned.getSize()), 2), slots + 1);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static String descriptorTail(Type[] parameters, Type returned) {
        StringBuilder tail = new StringBuilder();
        for (Type parameter : parameters) {
            tail.append(parameter.getDescriptor());
        }
        return tail.append(')').append(returned.getDescriptor()).toString();
    }

    /** The verifier's type of a local of {@code type}: an erased reference is an Object. */
    private static Object frameType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
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
