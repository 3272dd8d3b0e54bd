package io.modulets.boundary;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

import io.modulets.config.Log;
import io.modulets.config.PackageFilter;

/**
 * The swappable classes a class file names, parsed in full: what {@link ConstantPoolScan} only
 * suspects (a shared carve-out under a swappable prefix matches its scan too). A class of its own so
 * that {@link NamedModules} loads no ASM class unless a named module's class file is suspect.
 */
final class SwappableNames {
    private SwappableNames() {
    }

    /** The first swappable class a class file names, in its signatures, descriptors or code; null if none. */
    static String firstIn(byte[] bytes, PackageFilter filter) {
        String[] found = new String[1];
        Remapper collector = new Remapper() {
            @Override
            public String map(String internalName) {
                if (found[0] == null && filter.isSwappableInternal(internalName)) {
                    found[0] = internalName;
                }
                return internalName;
            }
        };
        try {
            new ClassReader(bytes).accept(new ClassRemapper(new Visiting(), collector), ClassReader.SKIP_FRAMES);
        } catch (RuntimeException e) {
            Log.debug("named modules: a class file that cannot be read is not looked at: %s", e);
            return null;
        }
        return found[0];
    }

    /** Visits every member, so that the remapper sees the types of fields and the code of methods too. */
    private static final class Visiting extends ClassVisitor {
        Visiting() {
            super(Opcodes.ASM9);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            return new FieldVisitor(Opcodes.ASM9) { };
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) { };
        }
    }
}
