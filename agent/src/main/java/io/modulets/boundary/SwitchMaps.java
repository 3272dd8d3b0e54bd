package io.modulets.boundary;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Reads javac's synthetic {@code $SwitchMap$…} arrays from the class that holds them (a shell
 * class such as {@code App$1}), without loading it: its static initializer stores, for each
 * constant, {@code $SwitchMap$E[E.NAME.ordinal()] = caseNumber}. The result is the case table of
 * one field, as {@code "NAME=case,…"}.
 */
final class SwitchMaps {
    private SwitchMaps() {
    }

    /** The case table of {@code owner.field}, or null if the class or the field cannot be read. */
    static String table(ClassLoader loader, String owner, String field) {
        Map<String, StringBuilder> tables = new HashMap<>();
        try (InputStream in = loader != null ? loader.getResourceAsStream(owner + ".class")
                : ClassLoader.getSystemResourceAsStream(owner + ".class")) {
            if (in == null) {
                return null;
            }
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    return name.equals("<clinit>") ? new Collector(tables) : null;
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
        StringBuilder table = tables.get(field);
        return table == null ? null : table.toString();
    }

    /** Follows GETSTATIC map; GETSTATIC E.NAME; INVOKEVIRTUAL ordinal; push case; IASTORE. */
    private static final class Collector extends MethodVisitor {
        private final Map<String, StringBuilder> tables;
        private String array;
        private String constant;
        private Integer number;

        Collector(Map<String, StringBuilder> tables) {
            super(Opcodes.ASM9);
            this.tables = tables;
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            if (opcode == Opcodes.GETSTATIC && descriptor.equals("[I") && name.startsWith("$SwitchMap$")) {
                array = name;
                constant = null;
                number = null;
            } else if (opcode == Opcodes.GETSTATIC && array != null) {
                constant = name;
            }
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.ICONST_0 && opcode <= Opcodes.ICONST_5) {
                number = opcode - Opcodes.ICONST_0;
            } else if (opcode == Opcodes.IASTORE && array != null && constant != null && number != null) {
                StringBuilder table = tables.computeIfAbsent(array, k -> new StringBuilder());
                table.append(table.length() == 0 ? "" : ",").append(constant).append('=').append(number);
                array = null;
            }
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            if (opcode == Opcodes.BIPUSH || opcode == Opcodes.SIPUSH) {
                number = operand;
            }
        }

        @Override
        public void visitLdcInsn(Object value) {
            if (value instanceof Integer) {
                number = (Integer) value;
            }
        }
    }
}
