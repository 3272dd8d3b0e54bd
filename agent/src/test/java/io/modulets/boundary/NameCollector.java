package io.modulets.boundary;

import java.util.List;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/** Collects every type name and descriptor a class links against, but not string constants. */
final class NameCollector extends ClassVisitor {
    private final List<String> names;

    NameCollector(List<String> names) {
        super(Opcodes.ASM9);
        this.names = names;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        names.add(superName);
        if (signature != null) {
            names.add(signature);
        }
        names.addAll(List.of(interfaces));
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        names.add(descriptor);
        if (signature != null) {
            names.add(signature);
        }
        return null;
    }

    @Override
    public void visitInnerClass(String name, String outerName, String innerName, int access) {
        names.add(name);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        names.add(descriptor);
        return new MethodVisitor(Opcodes.ASM9) {
            @Override
            public void visitTypeInsn(int opcode, String type) {
                names.add(type);
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String field, String desc) {
                names.add(owner);
                names.add(desc);
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                names.add(owner);
                names.add(desc);
            }

            @Override
            public void visitInvokeDynamicInsn(String indy, String desc, Handle bootstrap, Object... args) {
                names.add(desc);
                names.add(bootstrap.getOwner());
                for (Object arg : args) {
                    if (arg instanceof Handle) {
                        names.add(((Handle) arg).getOwner());
                    } else if (arg instanceof Type) {
                        names.add(((Type) arg).getDescriptor());
                    }
                }
            }

            @Override
            public void visitLdcInsn(Object value) {
                if (value instanceof Type) {
                    names.add(((Type) value).getDescriptor());
                }
            }

            @Override
            public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                if (type != null) {
                    names.add(type);
                }
            }

            @Override
            public void visitLocalVariable(String local, String desc, String sig, Label start, Label end, int index) {
                names.add(desc);
            }
        };
    }
}
