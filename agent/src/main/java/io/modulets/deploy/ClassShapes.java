package io.modulets.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Reads a {@link ClassShape} from class bytes with ASM, without loading anything. */
final class ClassShapes {
    private ClassShapes() {
    }

    /**
     * Parses the whole class file, method bodies included, so that a corrupt one is refused here
     * rather than by the JVM in a running task. Throws whatever ASM throws on bad bytes.
     */
    static ClassShape read(byte[] bytes) {
        Collector collector = new Collector();
        new ClassReader(bytes).accept(collector, ClassReader.SKIP_FRAMES);
        return collector.shape();
    }

    /** Only the header: enough to walk a shared superclass's members. */
    static ClassShape readMembers(byte[] bytes) {
        Collector collector = new Collector();
        new ClassReader(bytes).accept(collector, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return collector.shape();
    }

    private static final class Collector extends ClassVisitor {
        private String name;
        private int access;
        private String superName;
        private List<String> interfaces = List.of();
        private final Map<String, Integer> methods = new HashMap<>();
        private final Map<String, Integer> fields = new HashMap<>();

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            this.name = name;
            this.access = access;
            this.superName = superName;
            this.interfaces = interfaces == null ? List.of() : List.of(interfaces);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            fields.put(name + ":" + descriptor, access);
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            methods.put(name + descriptor, access);
            return new MethodVisitor(Opcodes.ASM9) { }; // a visitor makes ASM parse the body
        }

        ClassShape shape() {
            return new ClassShape(name, access, superName, new ArrayList<>(interfaces), Map.copyOf(methods),
                    Map.copyOf(fields));
        }
    }
}
