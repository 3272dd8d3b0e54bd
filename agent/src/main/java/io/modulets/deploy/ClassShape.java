package io.modulets.deploy;

import java.util.List;
import java.util.Map;

import org.objectweb.asm.Opcodes;

/**
 * What the link check needs to know of one class, read from its bytes: its access flags, its
 * supertypes and its members by {@code name + descriptor} with their access flags.
 *
 * @param name       internal name, {@code com/acme/W}
 * @param superName  internal name of the superclass, null for {@code java/lang/Object}
 * @param methods    access flags by {@code name + descriptor}, {@code f(I)V}
 * @param fields     access flags by {@code name + ":" + descriptor}, {@code count:I}
 */
record ClassShape(String name, int access, String superName, List<String> interfaces,
                  Map<String, Integer> methods, Map<String, Integer> fields) {

    boolean isInterface() {
        return (access & Opcodes.ACC_INTERFACE) != 0;
    }

    boolean isAbstract() {
        return (access & Opcodes.ACC_ABSTRACT) != 0;
    }
}
