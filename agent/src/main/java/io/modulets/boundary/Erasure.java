package io.modulets.boundary;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.Remapper;

import io.modulets.config.PackageFilter;

/**
 * The shared type that stands for a swappable type in shell code: its nearest non-swappable
 * superclass, read from the class bytes of the current generation without loading anything
 * (docs/JVM-NOTES.md, boundary). {@code WEx extends RuntimeException} erases to RuntimeException, so shell
 * code can still throw and catch it; an interface erases to Object. An erasure is fixed for the
 * life of the JVM, because shell classes already defined depend on it.
 */
public final class Erasure extends Remapper {
    static final String OBJECT = "java/lang/Object";

    private final PackageFilter filter;
    private final Supplier<ClassLoader> generation;
    private final ConcurrentHashMap<String, String> erased = new ConcurrentHashMap<>();

    /** @param generation the class loader whose bytes define the hierarchy: the current generation's */
    public Erasure(PackageFilter filter, Supplier<ClassLoader> generation) {
        super(Opcodes.ASM9);
        this.filter = filter;
        this.generation = generation;
    }

    public boolean isSwappable(String internalName) {
        return filter.isSwappableInternal(internalName);
    }

    /** The erasure of a class name (internal form); non-swappable names are unchanged. */
    @Override
    public String map(String internalName) {
        if (!isSwappable(internalName)) {
            return internalName;
        }
        return erased.computeIfAbsent(internalName, this::nearestShared);
    }

    /** Erases every swappable type in a method or field descriptor. */
    public String erase(String descriptor) {
        return descriptor.startsWith("(") ? mapMethodDesc(descriptor) : mapDesc(descriptor);
    }

    /** Whether a type (descriptor form) is swappable or an array of one. */
    boolean isSwappableType(Type type) {
        Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
        return element.getSort() == Type.OBJECT && isSwappable(element.getInternalName());
    }

    /**
     * The swappable types whose erasure {@code candidate} would change, each as one line naming
     * the type, its erasure and the one it would get (empty if none): shell classes already
     * defined depend on the erasure, so such a generation must be refused (docs/JVM-NOTES.md, boundary).
     * For the deploy validation, before a new generation is activated.
     */
    public java.util.List<String> changesIn(ClassLoader candidate) {
        java.util.List<String> changes = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, String> entry : erased.entrySet()) {
            String type = entry.getKey();
            String erasure = entry.getValue();
            if (candidate.getResource(type + ".class") == null) {
                continue; // a type the candidate drops changes no erasure; its users fail as in plain Java
            }
            String would = nearestShared(type, candidate);
            if (!would.equals(erasure)) {
                changes.add(type.replace('/', '.') + " is erased to " + erasure.replace('/', '.')
                        + " in shell code, and would be " + would.replace('/', '.')
                        + " (keep its nearest shared superclass)");
            }
        }
        changes.sort(null);
        return changes;
    }

    private String nearestShared(String internalName) {
        return nearestShared(internalName, generation.get());
    }

    private String nearestShared(String internalName, ClassLoader loader) {
        String name = internalName;
        for (int depth = 0; depth < 64 && loader != null; depth++) {
            ClassReader header = read(loader, name);
            if (header == null || (header.getAccess() & Opcodes.ACC_INTERFACE) != 0) {
                return OBJECT;
            }
            String superName = header.getSuperName();
            if (superName == null) {
                return OBJECT;
            }
            if (!isSwappable(superName)) {
                return superName;
            }
            name = superName;
        }
        return OBJECT;
    }

    private static ClassReader read(ClassLoader loader, String internalName) {
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            return in == null ? null : new ClassReader(in);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }
}
