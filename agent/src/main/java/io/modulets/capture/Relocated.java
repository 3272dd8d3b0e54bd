package io.modulets.capture;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * A server library that another jar carries relocated is the same library (DESIGN §2.1): gRPC's usual
 * artifact, {@code grpc-netty-shaded}, carries Netty as {@code io.grpc.netty.shaded.io.netty.…}, and other
 * clients and servers shade it under prefixes of their own. Such a class is known by its name without the
 * prefix: its threads are loops, its code is server code, and it gets the hooks of the class it copies.
 * Only Netty is recognized so (the one server library commonly relocated).
 */
final class Relocated {
    private static final String NETTY = "io/netty/";

    private Relocated() {
    }

    /** The relocation prefix of an internal name ({@code io/grpc/netty/shaded/}), or "" for none. */
    static String prefix(String internalName) {
        int at = internalName.indexOf('/' + NETTY);
        return at < 0 ? "" : internalName.substring(0, at + 1);
    }

    /** A binary name ({@code a.b.C$D}) without its relocation prefix. */
    static String plainBinaryName(String binaryName) {
        int at = binaryName.indexOf(".io.netty.");
        return at < 0 ? binaryName : binaryName.substring(at + 1);
    }

    /**
     * The remapping of a relocated class, a class of its own: its anonymous remappers and ASM's {@code ClassRemapper}
     * then load (the verifier loads them to check their types) with the first relocated class, not with the first
     * class capture is given.
     */
    static final class Remapping {
        private Remapping() {
        }

        /**
         * Reads a relocated class as the class it copies, for hooks written for that class: {@code toPlain} before
         * them, {@code toRelocated} after them, so that what they insert names the relocated types. The two maps
         * are exact inverses on a relocated jar, which names no unrelocated Netty type.
         */
        static ClassVisitor toPlain(ClassVisitor next, String prefix) {
            return new ClassRemapper(next, new Remapper() {
                @Override
                public String map(String internalName) {
                    return internalName.startsWith(prefix + NETTY) ? internalName.substring(prefix.length())
                            : internalName;
                }
            });
        }

        static ClassVisitor toRelocated(ClassVisitor next, String prefix) {
            return new ClassRemapper(next, new Remapper() {
                @Override
                public String map(String internalName) {
                    return internalName.startsWith(NETTY) ? prefix + internalName : internalName;
                }
            });
        }
    }
}
