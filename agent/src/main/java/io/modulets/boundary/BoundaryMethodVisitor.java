package io.modulets.boundary;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Rewrites each instruction of a shell method that names a swappable class into an
 * {@code invokedynamic} site (DESIGN §3, boundary), one small rule per construct. It sees the
 * original names; everything it passes on is erased afterwards by the class remapper. Its own
 * sites carry the original owner, name and descriptor as bootstrap arguments, which the
 * remapper leaves alone because they are plain strings.
 */
final class BoundaryMethodVisitor extends MethodVisitor {
    static final Handle BOOTSTRAP = new Handle(Opcodes.H_INVOKESTATIC, "io/modulets/boundary/Boundary", "link",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                    + "ILjava/lang/String;Ljava/lang/String;Ljava/lang/String;)Ljava/lang/invoke/CallSite;",
            false);

    private final Erasure erasure;
    private final String where;
    private final List<String> unsupported;

    /** Swappable {@code new}s whose constructor call has not come yet; true once their DUP was dropped. */
    private final Deque<boolean[]> pendingNews = new ArrayDeque<>();
    private boolean expectDup;

    BoundaryMethodVisitor(MethodVisitor next, Erasure erasure, String where, List<String> unsupported) {
        super(Opcodes.ASM9, next);
        this.erasure = erasure;
        this.where = where;
        this.unsupported = unsupported;
    }

    // ---- new W(..): drop NEW and DUP, the constructor site returns the object ----------------

    @Override
    public void visitTypeInsn(int opcode, String type) {
        expectDup = false;
        if (!erasure.isSwappableType(Type.getObjectType(type))) {
            super.visitTypeInsn(opcode, type);
            return;
        }
        boolean array = type.startsWith("[");
        switch (opcode) {
            case Opcodes.NEW:
                pendingNews.push(new boolean[1]);
                expectDup = true;
                return;
            case Opcodes.CHECKCAST:
                if (!array) {
                    site(SiteKind.CHECKCAST, "checkcast", "(Ljava/lang/Object;)" + erasedObject(type), type, "", "");
                    return;
                }
                break;
            case Opcodes.INSTANCEOF:
                if (!array) {
                    site(SiteKind.INSTANCEOF, "instanceOf", "(Ljava/lang/Object;)Z", type, "", "");
                    return;
                }
                break;
            case Opcodes.ANEWARRAY:
                if (!array) {
                    site(SiteKind.NEW_ARRAY, "newArray", "(I)[" + erasedObject(type), type, "", "");
                    return;
                }
                break;
            default:
                break;
        }
        unsupported("an array type operation on " + type);
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitInsn(int opcode) {
        if (expectDup && opcode == Opcodes.DUP) {
            expectDup = false;
            pendingNews.peek()[0] = true;
            return;
        }
        expectDup = false;
        super.visitInsn(opcode);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        expectDup = false;
        if (owner.startsWith("[") || !erasure.isSwappable(owner)) {
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            return;
        }
        switch (opcode) {
            case Opcodes.INVOKESTATIC:
                site(SiteKind.INVOKE_STATIC, name, erasure.erase(descriptor), owner, name, descriptor);
                return;
            case Opcodes.INVOKEVIRTUAL:
            case Opcodes.INVOKEINTERFACE:
                site(SiteKind.INVOKE_VIRTUAL, name, receiverDescriptor(owner, descriptor), owner, name, descriptor);
                return;
            case Opcodes.INVOKESPECIAL:
                if (name.equals("<init>") && !pendingNews.isEmpty()) {
                    boolean duplicated = pendingNews.pop()[0];
                    String erased = erasure.erase(descriptor);
                    String type = erased.substring(0, erased.indexOf(')') + 1) + erasedObject(owner);
                    site(SiteKind.NEW, "new", type, owner, name, descriptor);
                    if (!duplicated) {
                        super.visitInsn(Opcodes.POP);
                    }
                    return;
                }
                unsupported("invokespecial " + owner + "." + name + descriptor
                        + " (a shell class cannot extend a swappable class)");
                break;
            default:
                break;
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        expectDup = false;
        if (!erasure.isSwappable(owner)) {
            super.visitFieldInsn(opcode, owner, name, descriptor);
            return;
        }
        String field = erasure.erase(descriptor);
        String receiver = erasedObject(owner);
        switch (opcode) {
            case Opcodes.GETSTATIC:
                site(SiteKind.GET_STATIC, name, "()" + field, owner, name, descriptor);
                break;
            case Opcodes.PUTSTATIC:
                site(SiteKind.PUT_STATIC, name, "(" + field + ")V", owner, name, descriptor);
                break;
            case Opcodes.GETFIELD:
                site(SiteKind.GET_FIELD, name, "(" + receiver + ")" + field, owner, name, descriptor);
                break;
            default:
                site(SiteKind.PUT_FIELD, name, "(" + receiver + field + ")V", owner, name, descriptor);
                break;
        }
    }

    @Override
    public void visitLdcInsn(Object value) {
        expectDup = false;
        if (value instanceof Type && erasure.isSwappableType((Type) value)) {
            Type type = (Type) value;
            if (type.getSort() == Type.OBJECT) {
                site(SiteKind.CLASS_LITERAL, "classLiteral", "()Ljava/lang/Class;", type.getInternalName(), "", "");
                return;
            }
            unsupported("the class literal " + type.getDescriptor());
        }
        if (value instanceof Handle && erasure.isSwappable(((Handle) value).getOwner())) {
            unsupported("a method handle constant on " + ((Handle) value).getOwner());
        }
        super.visitLdcInsn(value);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        expectDup = false;
        for (Object argument : arguments) {
            if (argument instanceof Handle && erasure.isSwappable(((Handle) argument).getOwner())) {
                unsupported("a lambda or method reference to " + ((Handle) argument).getOwner() + "."
                        + ((Handle) argument).getName());
            }
        }
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
        expectDup = false;
        if (erasure.isSwappableType(Type.getType(descriptor))) {
            unsupported("a multi-dimensional array of " + descriptor);
        }
        super.visitMultiANewArrayInsn(descriptor, dimensions);
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        if (type != null && erasure.isSwappable(type)) {
            unsupported("catch (" + type + ")");
        }
        super.visitTryCatchBlock(start, end, handler, type);
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        expectDup = false;
        super.visitVarInsn(opcode, var);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        expectDup = false;
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        expectDup = false;
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        expectDup = false;
        super.visitIincInsn(var, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        expectDup = false;
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        expectDup = false;
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    private void site(SiteKind kind, String name, String erasedDescriptor, String owner, String member,
                      String originalDescriptor) {
        BoundaryReferences.record(kind, owner, member, originalDescriptor, where);
        super.visitInvokeDynamicInsn(name, erasedDescriptor, BOOTSTRAP, kind.ordinal(), owner, member,
                originalDescriptor);
    }

    private String receiverDescriptor(String owner, String descriptor) {
        return "(" + erasedObject(owner) + erasure.erase(descriptor).substring(1);
    }

    private String erasedObject(String internalName) {
        return "L" + erasure.map(internalName) + ";";
    }

    private void unsupported(String construct) {
        unsupported.add(where + ": " + construct);
    }
}
