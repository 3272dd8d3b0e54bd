package io.modulets.capture;

import org.objectweb.asm.MethodVisitor;

/** The capture rewriting of one JDK class: one small rule per submission point (TTL's shape). */
interface Transformlet {
    /** The internal name of the JDK class this rule rewrites. */
    String className();

    /** Wraps {@code mv} for the methods this rule touches; returns {@code mv} for the others. */
    MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv);

    /** After the class was rewritten: one line to say when this rule found nothing to change (null when it did). */
    default String notApplied() {
        return null;
    }

    /** Both rules of one class ({@code first}'s then {@code second}'s), where each touches its own methods. */
    static Transformlet both(Transformlet first, Transformlet second) {
        return new Transformlet() {
            @Override
            public String className() {
                return first.className();
            }

            @Override
            public MethodVisitor visitMethod(String name, String descriptor, MethodVisitor mv) {
                return second.visitMethod(name, descriptor, first.visitMethod(name, descriptor, mv));
            }
        };
    }
}
