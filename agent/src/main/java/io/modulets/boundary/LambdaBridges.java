package io.modulets.boundary;

import java.util.LinkedHashMap;
import java.util.Map;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Method references to swappable members ({@code W::value}, {@code W::new}, {@code w::value}):
 * {@code LambdaMetafactory} would spin a class that names the swappable type from the shell's
 * loader, so the reference is routed through a synthetic static method of the shell class whose
 * body is an ordinary call, which the rewriter then turns into a boundary site (docs/JVM-NOTES.md,
 * boundary). Bridges are added when the class is loaded; a retransformation could not add them.
 */
final class LambdaBridges {
    /** A bridge to write: its name and the original member it calls. */
    static final class Bridge {
        final String name;
        final String descriptor;
        final Handle target;

        Bridge(String name, String descriptor, Handle target) {
            this.name = name;
            this.descriptor = descriptor;
            this.target = target;
        }
    }

    private final String className;
    private final boolean isInterface;
    private final boolean canHavePrivateStatics;
    private final Map<String, Bridge> bridges = new LinkedHashMap<>();

    LambdaBridges(String className, int access, int version) {
        this.className = className;
        this.isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
        int major = version & 0xffff;
        this.canHavePrivateStatics = !isInterface || major >= Opcodes.V9;
    }

    /** The handle of a static bridge that does what {@code target} does, or null if none can be added. */
    Handle bridgeTo(Handle target) {
        if (!canHavePrivateStatics) {
            return null;
        }
        String descriptor;
        switch (target.getTag()) {
            case Opcodes.H_INVOKESTATIC:
                descriptor = target.getDesc();
                break;
            case Opcodes.H_INVOKEVIRTUAL:
            case Opcodes.H_INVOKEINTERFACE:
                descriptor = "(L" + target.getOwner() + ";" + target.getDesc().substring(1);
                break;
            case Opcodes.H_NEWINVOKESPECIAL:
                descriptor = target.getDesc().substring(0, target.getDesc().indexOf(')') + 1)
                        + "L" + target.getOwner() + ";";
                break;
            default:
                return null;
        }
        Bridge bridge = bridges.computeIfAbsent(target.toString(),
                k -> new Bridge("modulets$ref$" + bridges.size(), descriptor, target));
        return new Handle(Opcodes.H_INVOKESTATIC, className, bridge.name, bridge.descriptor, isInterface);
    }

    Iterable<Bridge> bridges() {
        return bridges.values();
    }

    static int access() {
        return Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC;
    }

    /** Writes the body of {@code bridge}: load the arguments, make the original call, return. */
    static void writeBody(org.objectweb.asm.MethodVisitor mv, Bridge bridge) {
        Handle target = bridge.target;
        mv.visitCode();
        if (target.getTag() == Opcodes.H_NEWINVOKESPECIAL) {
            mv.visitTypeInsn(Opcodes.NEW, target.getOwner());
            mv.visitInsn(Opcodes.DUP);
        }
        int slot = 0;
        for (Type argument : Type.getArgumentTypes(bridge.descriptor)) {
            mv.visitVarInsn(argument.getOpcode(Opcodes.ILOAD), slot);
            slot += argument.getSize();
        }
        int opcode;
        switch (target.getTag()) {
            case Opcodes.H_INVOKESTATIC:
                opcode = Opcodes.INVOKESTATIC;
                break;
            case Opcodes.H_INVOKEVIRTUAL:
                opcode = Opcodes.INVOKEVIRTUAL;
                break;
            case Opcodes.H_INVOKEINTERFACE:
                opcode = Opcodes.INVOKEINTERFACE;
                break;
            default:
                opcode = Opcodes.INVOKESPECIAL;
                break;
        }
        mv.visitMethodInsn(opcode, target.getOwner(), target.getName(), target.getDesc(), target.isInterface());
        mv.visitInsn(Type.getReturnType(bridge.descriptor).getOpcode(Opcodes.IRETURN));
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
