package io.modulets.boundary;

import java.util.HashSet;
import java.util.Set;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * javac's bridge methods that erasure makes the same as the method they bridge to: in
 * {@code interface WSupplier extends Supplier<W> { W get(); }} the bridge {@code Object get()} and
 * {@code W get()} are both {@code Object get()} once {@code W} is erased. The class would have the
 * method twice (a {@code ClassFormatError}), and the bridge would call itself; the erased method already
 * is what the bridge was for, so the bridge is dropped.
 */
final class ErasedBridges {
    private ErasedBridges() {
    }

    /** The erased name and descriptor ({@code name + descriptor}) of each bridge of the class to drop. */
    static Set<String> dropped(ClassReader reader, Erasure erasure) {
        Set<String> methods = new HashSet<>();
        Set<String> bridges = new HashSet<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                String erased = name + erasure.erase(descriptor);
                if ((access & Opcodes.ACC_BRIDGE) != 0) {
                    bridges.add(erased);
                } else {
                    methods.add(erased);
                }
                return null;
            }
        }, ClassReader.SKIP_CODE);
        bridges.retainAll(methods);
        return bridges;
    }
}
