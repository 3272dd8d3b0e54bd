package io.modulets.capture;

import java.util.List;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.TypePath;
import org.objectweb.asm.AnnotationVisitor;

/**
 * Wraps each request method of a class (DESIGN §2.1): the original body moves to a private synthetic
 * method, and a method of the original name, access and annotations calls it between
 * {@code Requests.enter} and {@code Requests.exit}, in a try/catch that reports a throw with
 * {@code Requests.exitFailed} and rethrows it. A method that ends a request gets one straight-line call
 * at its entry (or before each of its returns), as does one that says a job run ended; one that answers a request with a status gets one before
 * each of its returns. The wrapper's only stack-map frame is written here, so no class is loaded to compute it.
 */
final class RequestMethodVisitor extends ClassVisitor {
    static final String REQUESTS = "io/modulets/bootstrap/Requests";
    private static final String PREFIX = "modulets$request$";

    private final List<RequestMethod> methods;
    private String owner;
    private int version;
    private boolean isInterface;

    RequestMethodVisitor(ClassVisitor next, List<RequestMethod> methods) {
        super(Opcodes.ASM9, next);
        this.methods = methods;
    }

    /**
     * {@code new RequestMethodVisitor(next, methods)} as a {@code ClassVisitor}: called so, this class loads with the
     * first class that has request methods, not with the capture transformer (whose verifier would load it to check
     * the type of {@code new}).
     */
    static ClassVisitor around(ClassVisitor next, List<RequestMethod> methods) {
        return new RequestMethodVisitor(next, methods);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName,
                      String[] interfaces) {
        this.owner = name;
        this.version = version & 0xFFFF;
        this.isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                     String[] exceptions) {
        RequestMethod rule = isInterface || !wrappable(access, name) ? null : ruleFor(name, descriptor);
        if (rule == null) {
            return super.visitMethod(access, name, descriptor, signature, exceptions);
        }
        boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        if (rule.key() > Type.getArgumentTypes(descriptor).length || (isStatic && rule.key() == 0)) {
            return super.visitMethod(access, name, descriptor, signature, exceptions);
        }
        if (rule.mode() == RequestMethod.RESPONDED) {
            if (Type.getArgumentTypes(descriptor)[rule.key() - 1].getSort() != Type.INT) {
                return super.visitMethod(access, name, descriptor, signature, exceptions);
            }
            int slot = slotOf(rule.key(), isStatic, descriptor);
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitInsn(int opcode) {
                    if (opcode == Opcodes.RETURN) {
                        // the status is read from its parameter, which these methods never assign
                        super.visitVarInsn(Opcodes.ILOAD, slot);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "responded", "(I)V", false);
                    }
                    super.visitInsn(opcode);
                }

                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    super.visitMaxs(maxStack + 1, maxLocals);
                }
            };
        }
        if (rule.mode() == RequestMethod.JOB_ENDED) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitCode() {
                    super.visitCode();
                    loadKey(this.mv, rule, isStatic, descriptor);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "jobEnded", "(Ljava/lang/Object;)V", false);
                }

                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    super.visitMaxs(Math.max(maxStack, 1), maxLocals);
                }
            };
        }
        if (rule.mode() == RequestMethod.END) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitCode() {
                    super.visitCode();
                    loadKey(this.mv, rule, isStatic, descriptor);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "end", "(Ljava/lang/Object;)V", false);
                }
            };
        }
        if (rule.mode() == RequestMethod.END_AFTER) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitInsn(int opcode) {
                    if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                        loadKey(this.mv, rule, isStatic, descriptor);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "end", "(Ljava/lang/Object;)V", false);
                    }
                    super.visitInsn(opcode);
                }

                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    super.visitMaxs(maxStack + 1, maxLocals);
                }
            };
        }
        int wrapperAccess = access & ~(Opcodes.ACC_SYNCHRONIZED | Opcodes.ACC_NATIVE | Opcodes.ACC_ABSTRACT);
        MethodVisitor wrapper = super.visitMethod(wrapperAccess, name, descriptor, signature, exceptions);
        int bodyAccess = (access & ~(Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED | Opcodes.ACC_VARARGS
                | Opcodes.ACC_BRIDGE)) | Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC;
        MethodVisitor body = super.visitMethod(bodyAccess, PREFIX + name, descriptor, signature, exceptions);
        // The annotations stay with the method of the original name (frameworks read them there); the
        // code goes to the renamed body, and the wrapper's code is written once the body is done.
        return new MethodVisitor(Opcodes.ASM9, body) {
            @Override
            public void visitParameter(String parameter, int parameterAccess) {
                wrapper.visitParameter(parameter, parameterAccess);
            }

            @Override
            public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                return wrapper.visitAnnotation(annotation, visible);
            }

            @Override
            public AnnotationVisitor visitTypeAnnotation(int typeRef, TypePath typePath, String annotation,
                                                         boolean visible) {
                return wrapper.visitTypeAnnotation(typeRef, typePath, annotation, visible);
            }

            @Override
            public void visitAnnotableParameterCount(int parameterCount, boolean visible) {
                wrapper.visitAnnotableParameterCount(parameterCount, visible);
            }

            @Override
            public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation, boolean visible) {
                return wrapper.visitParameterAnnotation(parameter, annotation, visible);
            }

            @Override
            public void visitEnd() {
                super.visitEnd();
                writeWrapper(wrapper, rule, isStatic, name, descriptor);
            }
        };
    }

    private static boolean wrappable(int access, String name) {
        return !name.startsWith("<") && (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE
                | Opcodes.ACC_BRIDGE)) == 0;
    }

    private RequestMethod ruleFor(String name, String descriptor) {
        for (RequestMethod method : methods) {
            if (method.matches(name, descriptor)) {
                return method;
            }
        }
        return null;
    }

    /** The local slot of argument {@code key} (0: {@code this}, n: the n-th parameter). */
    private static int slotOf(int key, boolean isStatic, String descriptor) {
        if (key == 0) {
            return 0;
        }
        int slot = isStatic ? 0 : 1;
        Type[] parameters = Type.getArgumentTypes(descriptor);
        for (int i = 0; i < key - 1; i++) {
            slot += parameters[i].getSize();
        }
        return slot;
    }

    /**
     * Pushes the rule's key: an argument, or a field of {@code this}, then passed through the static methods that
     * follow the field, if any ({@code owner.name(Ljava/lang/Object;)Ljava/lang/Object;}, separated by spaces).
     */
    private void loadKey(MethodVisitor mv, RequestMethod rule, boolean isStatic, String descriptor) {
        mv.visitVarInsn(Opcodes.ALOAD, slotOf(rule.key(), isStatic, descriptor));
        if (rule.keyField() != null) {
            String[] steps = rule.keyField().split(" ");
            int colon = steps[0].indexOf(':');
            mv.visitFieldInsn(Opcodes.GETFIELD, owner, steps[0].substring(0, colon), steps[0].substring(colon + 1));
            for (int i = 1; i < steps.length; i++) {
                int dot = steps[i].indexOf('.');
                int open = steps[i].indexOf('(');
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, steps[i].substring(0, dot), steps[i].substring(dot + 1, open),
                        steps[i].substring(open), false);
            }
        }
    }

    /** The handler's locals: {@code this}, the parameters, and the scope {@code Requests.enter} returned. */
    private Object[] handlerLocals(boolean isStatic, Type[] parameters) {
        Object[] locals = new Object[(isStatic ? 0 : 1) + parameters.length + 1];
        int i = 0;
        if (!isStatic) {
            locals[i++] = owner;
        }
        for (Type parameter : parameters) {
            locals[i++] = frameType(parameter);
        }
        locals[i] = "java/lang/Object";
        return locals;
    }

    private static Object frameType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            default:
                return type.getInternalName(); // an array's is its descriptor, as frames want
        }
    }

    private void writeWrapper(MethodVisitor mv, RequestMethod rule, boolean isStatic, String name,
                              String descriptor) {
        Type[] parameters = Type.getArgumentTypes(descriptor);
        Type result = Type.getReturnType(descriptor);
        int scope = isStatic ? 0 : 1;
        for (Type parameter : parameters) {
            scope += parameter.getSize();
        }
        int value = scope + 1;
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        mv.visitCode();
        mv.visitTryCatchBlock(start, end, handler, null);
        if (rule.key() < 0) {
            mv.visitInsn(Opcodes.ACONST_NULL);
        } else {
            loadKey(mv, rule, isStatic, descriptor);
        }
        mv.visitIntInsn(Opcodes.BIPUSH, rule.mode());
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "enter", "(Ljava/lang/Object;I)Ljava/lang/Object;", false);
        mv.visitVarInsn(Opcodes.ASTORE, scope);
        mv.visitLabel(start);
        int slot = 0;
        if (!isStatic) {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            slot = 1;
        }
        for (Type parameter : parameters) {
            mv.visitVarInsn(parameter.getOpcode(Opcodes.ILOAD), slot);
            slot += parameter.getSize();
        }
        mv.visitMethodInsn(isStatic ? Opcodes.INVOKESTATIC : Opcodes.INVOKESPECIAL, owner, PREFIX + name,
                descriptor, false);
        if (result.getSort() != Type.VOID) {
            mv.visitVarInsn(result.getOpcode(Opcodes.ISTORE), value);
        }
        mv.visitLabel(end);
        mv.visitVarInsn(Opcodes.ALOAD, scope);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "exit", "(Ljava/lang/Object;)V", false);
        if (result.getSort() != Type.VOID) {
            mv.visitVarInsn(result.getOpcode(Opcodes.ILOAD), value);
        }
        mv.visitInsn(result.getOpcode(Opcodes.IRETURN));
        mv.visitLabel(handler);
        if (version >= Opcodes.V1_6) {
            Object[] locals = handlerLocals(isStatic, parameters);
            mv.visitFrame(Opcodes.F_FULL, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
        }
        mv.visitVarInsn(Opcodes.ASTORE, value);
        mv.visitVarInsn(Opcodes.ALOAD, scope);
        mv.visitVarInsn(Opcodes.ALOAD, value);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, REQUESTS, "exitFailed", "(Ljava/lang/Object;Ljava/lang/Throwable;)V",
                false);
        mv.visitVarInsn(Opcodes.ALOAD, value);
        mv.visitInsn(Opcodes.ATHROW);
        // exact, so that the wrapper needs no COMPUTE_MAXS: the call's arguments, or two references
        int arguments = scope; // this and the parameters, in slots
        mv.visitMaxs(Math.max(Math.max(arguments, 2), result.getSize()), value + Math.max(1, result.getSize()));
        mv.visitEnd();
    }
}
