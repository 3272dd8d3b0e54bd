package io.modulets.boundary;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * A ClassWriter that computes stack-map frames without loading classes: the common superclass of
 * two types is read from class bytes found through the defining loader. Loading a class from
 * inside a transformer risks circularity errors, and loading a swappable class from shell code
 * would pin a generation; after erasure no swappable type remains here anyway.
 */
final class FrameTypes extends ClassWriter {
    private final ClassLoader loader;
    private final Erasure erasure;

    FrameTypes(ClassLoader loader, Erasure erasure) {
        super(ClassWriter.COMPUTE_FRAMES);
        this.loader = loader;
        this.erasure = erasure;
    }

    @Override
    protected String getCommonSuperClass(String a, String b) {
        if (a.equals(b)) {
            return a;
        }
        if (erasure.isSwappable(a) || erasure.isSwappable(b)) {
            return Erasure.OBJECT;
        }
        Set<String> ancestorsOfA = new HashSet<>();
        for (String t = a; t != null; t = superOf(t)) {
            if (isInterface(t)) {
                return Erasure.OBJECT;
            }
            ancestorsOfA.add(t);
        }
        for (String t = b; t != null; t = superOf(t)) {
            if (ancestorsOfA.contains(t)) {
                return t;
            }
        }
        return Erasure.OBJECT;
    }

    private boolean isInterface(String type) {
        ClassReader header = header(type);
        return header != null && (header.getAccess() & Opcodes.ACC_INTERFACE) != 0;
    }

    private String superOf(String type) {
        if (type.equals(Erasure.OBJECT)) {
            return null;
        }
        ClassReader header = header(type);
        return header == null ? Erasure.OBJECT : header.getSuperName();
    }

    private ClassReader header(String type) {
        String resource = type + ".class";
        try (InputStream in = loader != null ? loader.getResourceAsStream(resource)
                : ClassLoader.getSystemResourceAsStream(resource)) {
            return in == null ? null : new ClassReader(in);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }
}
