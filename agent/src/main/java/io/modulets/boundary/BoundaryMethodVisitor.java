package io.modulets.boundary;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.objectweb.asm.ConstantDynamic;
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
 * remapper leaves alone because they are plain strings. {@link #site} is the one place a site is
 * emitted.
 */
final class BoundaryMethodVisitor extends MethodVisitor {
    /** The string-concatenation bootstrap's type, which the JDK calls cheapest (see {@link Boundary#link}). */
    private static final String BOOTSTRAP_TYPE = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;";
    static final Handle BOOTSTRAP = new Handle(Opcodes.H_INVOKESTATIC, "io/modulets/boundary/Boundary", "link",
            BOOTSTRAP_TYPE, false);
    static final Handle LAMBDA_BOOTSTRAP = new Handle(Opcodes.H_INVOKESTATIC, "io/modulets/boundary/Boundary",
            "lambda", BOOTSTRAP_TYPE, false);
    private static final String LAMBDA_METAFACTORY = "java/lang/invoke/LambdaMetafactory";
    private static final String SWITCH_MAP = "$SwitchMap$";

    private final Erasure erasure;
    private final ClassLoader loader;
    private final String where;
    private final List<String> unsupported;
    private final LambdaBridges bridges;
    /** The local that holds the method's binding token, or -1: binding sites then read it themselves. */
    private final int tokenLocal;
    private boolean usedToken;
    /**
     * Whether this is javac's {@code $deserializeLambda$}, which compares a serialized lambda's signatures
     * with string constants: those are erased as the lambda's own methods are.
     */
    private final boolean deserializesLambdas;
    /** How many sites took the token. */
    private int tokenSites;

    /** Swappable {@code new}s whose constructor call has not come yet; true once their DUP was dropped. */
    private final Deque<boolean[]> pendingNews = new ArrayDeque<>();
    private boolean expectDup;
    /** Case tables of enum switches whose {@code $SwitchMap} load was dropped, awaiting their ordinal(). */
    private final Deque<String> pendingSwitches = new ArrayDeque<>();
    private boolean expectSwitchLoad;

    BoundaryMethodVisitor(MethodVisitor next, Erasure erasure, ClassLoader loader, String where,
                          List<String> unsupported, LambdaBridges bridges) {
        this(next, erasure, loader, where, unsupported, bridges, -1);
    }

    /**
     * @param tokenLocal a local the method does not use: each binding site gets the token kept
     *                   there as a last argument, and the caller must then store the token there at
     *                   method entry if {@link #usedToken()} ({@link #readToken})
     */
    BoundaryMethodVisitor(MethodVisitor next, Erasure erasure, ClassLoader loader, String where,
                          List<String> unsupported, LambdaBridges bridges, int tokenLocal) {
        super(Opcodes.ASM9, next);
        this.tokenLocal = tokenLocal;
        this.erasure = erasure;
        this.loader = loader;
        this.where = where;
        this.unsupported = unsupported;
        this.bridges = bridges;
        this.deserializesLambdas = where.endsWith(".$deserializeLambda$");
    }

    // ---- new W(..): drop NEW and DUP, the constructor site returns the object ----------------
    // ---- checkcast, instanceof, arrays: sites, judged by the value or built in the binding ----

    @Override
    public void visitTypeInsn(int opcode, String type) {
        plain();
        if (!erasure.isSwappableType(Type.getObjectType(type))) {
            super.visitTypeInsn(opcode, type);
            return;
        }
        switch (opcode) {
            case Opcodes.NEW:
                pendingNews.push(new boolean[1]);
                expectDup = true;
                return;
            case Opcodes.CHECKCAST:
                site(SiteKind.CHECKCAST, "checkcast", "(Ljava/lang/Object;)" + erasedType(type), type, "", "");
                return;
            case Opcodes.INSTANCEOF:
                site(SiteKind.INSTANCEOF, "instanceOf", "(Ljava/lang/Object;)Z", type, "", "");
                return;
            case Opcodes.ANEWARRAY:
                site(SiteKind.NEW_ARRAY, "newArray", "(I)[" + erasedType(type), type, "", "");
                return;
            default:
                unsupported("the type instruction " + opcode + " on " + type);
                super.visitTypeInsn(opcode, type);
        }
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
        plain();
        if (!erasure.isSwappableType(Type.getType(descriptor))) {
            super.visitMultiANewArrayInsn(descriptor, dimensions);
            return;
        }
        site(SiteKind.NEW_MULTI_ARRAY, "newMultiArray", "(" + "I".repeat(dimensions) + ")" + erasure.erase(descriptor),
                descriptor, String.valueOf(dimensions), "");
    }

    @Override
    public void visitInsn(int opcode) {
        if (expectDup && opcode == Opcodes.DUP) {
            expectDup = false;
            pendingNews.peek()[0] = true;
            return;
        }
        if (expectSwitchLoad && opcode == Opcodes.IALOAD) {
            expectSwitchLoad = false; // the enum switch site already returned the case number
            return;
        }
        plain();
        super.visitInsn(opcode);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        plain();
        if (owner.startsWith("[") || !erasure.isSwappable(owner)) {
            String route = ByName.route(owner, name, descriptor);
            if (route != null) {
                String type = opcode == Opcodes.INVOKESTATIC ? descriptor : "(L" + owner + ";" + descriptor.substring(1);
                site(SiteKind.BY_NAME, name, type, "", route, "");
                return;
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            return;
        }
        switch (opcode) {
            case Opcodes.INVOKESTATIC:
                site(SiteKind.INVOKE_STATIC, name, erasure.erase(descriptor), owner, name, descriptor);
                return;
            case Opcodes.INVOKEVIRTUAL:
            case Opcodes.INVOKEINTERFACE:
                if (name.equals("ordinal") && descriptor.equals("()I") && !pendingSwitches.isEmpty()) {
                    site(SiteKind.ENUM_SWITCH, "caseOf", "(" + erasedType(owner) + ")I", owner,
                            pendingSwitches.pop(), "");
                    expectSwitchLoad = true;
                    return;
                }
                site(SiteKind.INVOKE_VIRTUAL, name, receiverDescriptor(owner, descriptor), owner, name, descriptor);
                return;
            case Opcodes.INVOKESPECIAL:
                if (name.equals("<init>") && !pendingNews.isEmpty()) {
                    boolean duplicated = pendingNews.pop()[0];
                    String erased = erasure.erase(descriptor);
                    String type = erased.substring(0, erased.indexOf(')') + 1) + erasedType(owner);
                    site(SiteKind.NEW, "new", type, owner, name, descriptor);
                    if (!duplicated) {
                        super.visitInsn(Opcodes.POP);
                    }
                    return;
                }
                if (!name.equals("<init>")) { // a super() call is already refused with the class's supertype
                    unsupported("invokespecial " + owner + "." + name + descriptor
                            + " (a shell class cannot extend a swappable class)");
                }
                break;
            default:
                break;
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        plain();
        if (opcode == Opcodes.GETSTATIC && isSwitchMapOfSwappable(name, descriptor)) {
            String table = SwitchMaps.table(loader, owner, name);
            if (table != null) {
                pendingSwitches.push(table); // dropped: the ordinal() that follows becomes an enum switch site
                return;
            }
            unsupported("a switch over " + name.substring(SWITCH_MAP.length()).replace('$', '.') + ", whose case "
                    + "table in " + owner.replace('/', '.') + " cannot be read (keep javac's synthetic class beside it)");
        }
        if (!erasure.isSwappable(owner)) {
            super.visitFieldInsn(opcode, owner, name, descriptor);
            return;
        }
        String field = erasure.erase(descriptor);
        String receiver = erasedType(owner);
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
        plain();
        if (value instanceof Type && erasure.isSwappableType((Type) value)) {
            Type type = (Type) value;
            if (type.getSort() == Type.OBJECT || type.getSort() == Type.ARRAY) {
                site(SiteKind.CLASS_LITERAL, "classLiteral", "()Ljava/lang/Class;", type.getInternalName(), "", "");
                return;
            }
            unsupported("the constant " + type.getDescriptor());
        }
        if (value instanceof Handle && erasure.isSwappable(((Handle) value).getOwner())) {
            unsupported("a method handle constant on " + ((Handle) value).getOwner()
                    + " (use a lambda or a method reference instead)");
        }
        if (value instanceof ConstantDynamic && Indys.swappableNamedBy(erasure, value) != null) {
            unsupported("a dynamic constant " + ((ConstantDynamic) value).getName() + " naming the swappable "
                    + Indys.swappableNamedBy(erasure, value)
                    + " (its bootstrap would resolve it in the shell's loader)");
        }
        if (deserializesLambdas && value instanceof String && ((String) value).startsWith("(")) {
            value = erasedSignature((String) value);
        }
        super.visitLdcInsn(value);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        plain();
        if (!bootstrap.getOwner().equals(LAMBDA_METAFACTORY)) {
            String named = Indys.swappableNamedBy(erasure, descriptor, bootstrap, arguments);
            if (named != null) {
                unsupported("an invokedynamic of " + bootstrap.getOwner() + "." + bootstrap.getName()
                        + " naming the swappable " + named
                        + " (a pattern switch or record pattern over swappable types: use instanceof)");
            }
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
            return;
        }
        Indys.Lambda lambda = Indys.Lambda.of(arguments);
        String functional = Type.getReturnType(descriptor).getInternalName();
        String refused = lambda.refusal(erasure, functional);
        if (refused != null) {
            unsupported(refused);
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
            return;
        }
        Handle implementation = lambda.implementation();
        if (erasure.isSwappable(implementation.getOwner())) {
            implementation = bridges.bridgeTo(implementation);
            if (implementation == null) {
                unsupported("a method reference to " + lambda.implementation().getOwner() + "."
                        + lambda.implementation().getName() + " (write it as a lambda)");
                super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
                return;
            }
        }
        if (erasure.isSwappable(functional)) {
            site(SiteKind.LAMBDA, name, erasure.erase(descriptor), functional, name,
                    lambda.instantiated().getDescriptor(), implementation, lambda.sam().getDescriptor(),
                    lambda.bridges());
            return;
        }
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, lambda.routed(implementation, erasure));
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        plain();
        super.visitVarInsn(opcode, var);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        plain();
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        plain();
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        plain();
        super.visitIincInsn(var, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        plain();
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        plain();
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    /** The single place where a boundary site is emitted. */
    private void site(SiteKind kind, String name, String erasedDescriptor, String owner, String member,
                      String originalDescriptor) {
        site(kind, name, erasedDescriptor, owner, member, originalDescriptor, new Object[0]);
    }

    /**
     * @param lambda for a {@link SiteKind#LAMBDA} site, its body's handle, the interface method's
     *               declared type and its bridge types (see {@link Boundary#lambda}); else empty
     */
    private void site(SiteKind kind, String name, String erasedDescriptor, String owner, String member,
                      String originalDescriptor, Object... lambda) {
        BoundaryReferences.record(kind, owner, member, originalDescriptor, where);
        int linkKind = kind.ordinal();
        String descriptor = erasedDescriptor;
        if (tokenLocal >= 0 && kind.byBinding()) {
            super.visitVarInsn(Opcodes.ILOAD, tokenLocal);
            int close = descriptor.indexOf(')');
            descriptor = descriptor.substring(0, close) + "I" + descriptor.substring(close);
            linkKind |= SiteKind.WITH_TOKEN;
            usedToken = true;
            tokenSites++;
        }
        if (lambda.length > 0) {
            super.visitInvokeDynamicInsn(name, descriptor, LAMBDA_BOOTSTRAP, owner, linkKind, member,
                    originalDescriptor, lambda[0], lambda[1], lambda[2]);
        } else {
            super.visitInvokeDynamicInsn(name, descriptor, BOOTSTRAP, owner, linkKind, member, originalDescriptor);
        }
    }

    /** Whether a binding site took the method's token: it must then be read at entry. */
    boolean usedToken() {
        return usedToken;
    }

    /** How many binding sites took the method's token. */
    int tokenSites() {
        return tokenSites;
    }

    /**
     * The code that reads the calling thread's binding token once, at method entry, into
     * {@code local} (docs/JVM-NOTES.md: one binding read per shell method, not one per site).
     */
    static void readToken(MethodVisitor code, int local) {
        code.visitInvokeDynamicInsn("bindingToken", "()I", BOOTSTRAP, "", SiteKind.TOKEN.ordinal(), "", "");
        code.visitVarInsn(Opcodes.ISTORE, local);
    }

    /** An instruction that is neither the DUP after a dropped NEW nor the IALOAD of a switch map. */
    private void plain() {
        expectDup = false;
        expectSwitchLoad = false;
    }

    private boolean isSwitchMapOfSwappable(String name, String descriptor) {
        // javac names the array after the enum's binary name with '.' and '$' both written '$'.
        return descriptor.equals("[I") && name.startsWith(SWITCH_MAP)
                && erasure.isSwappable(name.substring(SWITCH_MAP.length()).replace('$', '/'));
    }

    private String receiverDescriptor(String owner, String descriptor) {
        return "(" + erasedType(owner) + erasure.erase(descriptor).substring(1);
    }

    /** The erased descriptor of a class (internal name) or array type (descriptor). */
    private String erasedType(String internalNameOrArray) {
        return internalNameOrArray.startsWith("[") ? erasure.erase(internalNameOrArray)
                : "L" + erasure.map(internalNameOrArray) + ";";
    }

    /** A method descriptor erased, or the string unchanged if it is not one. */
    private String erasedSignature(String descriptor) {
        try {
            Type.getArgumentTypes(descriptor); // throws on what is not a method descriptor
            return erasure.erase(descriptor);
        } catch (RuntimeException notADescriptor) {
            return descriptor;
        }
    }

    private void unsupported(String construct) {
        unsupported.add(where + ": " + construct);
    }
}
