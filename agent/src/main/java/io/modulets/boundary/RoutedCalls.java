package io.modulets.boundary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a shell class file refers to a JDK method that {@link ByName} routes, read from its bytes
 * without ASM: whether it does at all, and which of its methods call one. A class that loads by name
 * but names no swappable class is rewritten in those methods only; ASM copies the others' bytes
 * unparsed. At a Spring Boot start-up about a hundred framework classes call {@code Class.forName}
 * in one or two of their methods each.
 */
final class RoutedCalls {
    private static final byte[][] ROUTED_NAMES = {
            "forName".getBytes(StandardCharsets.UTF_8),
            "load".getBytes(StandardCharsets.UTF_8),
            "findClass".getBytes(StandardCharsets.UTF_8)};
    private static final byte[] CODE = "Code".getBytes(StandardCharsets.UTF_8);

    /**
     * The routes that {@link #asStaticCalls} turns into static calls of the same name and descriptor, and the class
     * whose method each becomes. Not the virtual {@code Lookup.findClass}, whose sites rewritten by ASM bind the
     * receiver; nor {@code Class.forName(String)}, which resolves in its caller's loader, where the JVM could not
     * define {@code ForNameOfCaller} (in the agent's own unit tests, for one).
     */
    private static final Map<String, byte[]> STATIC_ROUTES = staticRoutes();
    private static final int METHOD_REF = 10;

    /** Each constant's offset (0 for the second slot of a Long or Double). */
    private final int[] entry;
    /** The route of each routed method ref, null for every other constant. */
    private final String[] routes;
    private final int poolEnd;
    private boolean anyRouted;

    private RoutedCalls(byte[] b) {
        int count = ConstantPoolScan.u2(b, 8);
        entry = new int[count];
        routes = new String[count];
        int at = 10;
        for (int index = 1; index < count; index++) {
            entry[index] = at;
            int tag = b[at] & 0xff;
            if (tag == 1) {
                at += 3 + ConstantPoolScan.u2(b, at + 1);
            } else if (tag == 5 || tag == 6) {
                at += 9;
                index++;
            } else {
                at += tag == 7 || tag == 8 || tag == 16 || tag == 19 || tag == 20 ? 3 : tag == 15 ? 4 : 5;
            }
        }
        poolEnd = at;
        for (int index = 1; index < count; index++) {
            int ref = entry[index];
            if (ref != 0 && ((b[ref] & 0xff) == 10 || (b[ref] & 0xff) == 11)) {
                routes[index] = route(b, ref);
                anyRouted |= routes[index] != null;
            }
        }
    }

    /**
     * Whether a method reference of the class file (called, or a method handle's target) is one that
     * {@link ByName} routes. An entry that cannot be read counts: the rewriter then says what is wrong.
     */
    static boolean any(byte[] b) {
        try {
            return new RoutedCalls(b).anyRouted;
        } catch (IndexOutOfBoundsException malformed) {
            return true;
        }
    }

    /**
     * The methods (name + descriptor) whose code invokes a routed method, or null if every method is
     * to be rewritten: a method handle names one (a method reference such as {@code Class::forName},
     * whose lambda the rewriter routes), or the class file cannot be read here. A byte sequence that
     * only looks like such a call adds a method that the rewriter then leaves as it was.
     */
    static Set<String> methods(byte[] b) {
        try {
            RoutedCalls calls = new RoutedCalls(b);
            return calls.handleRouted(b) ? null : calls.callers(b);
        } catch (IndexOutOfBoundsException malformed) {
            return null;
        }
    }

    /**
     * The class file with its routed calls made plain static calls of the routes' methods in the bootstrap
     * ({@code LoadByName}, {@code ForNameOfCaller}), or null where that cannot be done this way. Each routed method
     * ref is pointed at a class entry appended to the constant pool; its name and type stay, and no method's code
     * changes, so no offset or stack-map frame does either. What the call sites of the ASM rewrite do at run time,
     * without ASM at load time nor a call site to link at the first call: a Spring Boot web app's start-up has
     * about 90 framework classes that load by name and name no swappable class.
     *
     * <p>Null (the caller rewrites with ASM) for a class that also calls {@code Lookup.findClass}, names a routed
     * method in a method handle (a method reference, whose lambda the rewriter routes), or cannot be read here.
     */
    static byte[] asStaticCalls(byte[] b) {
        try {
            RoutedCalls calls = new RoutedCalls(b);
            return calls.anyRouted && !calls.handleRouted(b) ? calls.pointedAtByName(b) : null;
        } catch (IndexOutOfBoundsException malformed) {
            return null;
        }
    }

    private byte[] pointedAtByName(byte[] b) {
        int count = entry.length;
        List<byte[]> targets = new ArrayList<>(2); // each appended as a Utf8 entry, then a Class entry naming it
        int[] classIndex = new int[count];
        int added = 0;
        for (int index = 1; index < count; index++) {
            if (routes[index] == null) {
                continue;
            }
            byte[] target = STATIC_ROUTES.get(routes[index]);
            if (target == null || (b[entry[index]] & 0xff) != METHOD_REF) {
                return null;
            }
            int t = targets.indexOf(target); // the map's own arrays: compared by identity
            if (t < 0) {
                t = targets.size();
                targets.add(target);
                added += 3 + target.length + 3;
            }
            classIndex[index] = count + 2 * t + 1;
        }
        if (count + 2 * targets.size() > 0xffff) {
            return null;
        }
        byte[] out = new byte[b.length + added];
        System.arraycopy(b, 0, out, 0, poolEnd);
        putU2(out, 8, count + 2 * targets.size());
        for (int index = 1; index < count; index++) {
            if (routes[index] != null) {
                putU2(out, entry[index] + 1, classIndex[index]);
            }
        }
        int at = poolEnd;
        for (int t = 0; t < targets.size(); t++) {
            byte[] name = targets.get(t);
            out[at] = 1; // Utf8, index count + 2t
            putU2(out, at + 1, name.length);
            System.arraycopy(name, 0, out, at + 3, name.length);
            at += 3 + name.length;
            out[at] = 7; // Class, index count + 2t + 1
            putU2(out, at + 1, count + 2 * t);
            at += 3;
        }
        System.arraycopy(b, poolEnd, out, at, b.length - poolEnd);
        return out;
    }

    private static Map<String, byte[]> staticRoutes() {
        byte[] loadByName = "io/modulets/bootstrap/LoadByName".getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> routes = new HashMap<>();
        routes.put(ByName.FOR_NAME, loadByName);
        routes.put(ByName.LOAD, loadByName);
        routes.put(ByName.LOAD_WITH_LOADER, loadByName);
        try {
            Class.forName("io.modulets.bootstrap.ForNameOfCaller", false, null);
            routes.put(ByName.FOR_NAME_OF_CALLER,
                    "io/modulets/bootstrap/ForNameOfCaller".getBytes(StandardCharsets.UTF_8));
        } catch (ClassNotFoundException notDefined) {
            // Class.forName(String) keeps its call sites
        }
        return routes;
    }

    private static void putU2(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }

    private boolean handleRouted(byte[] b) {
        for (int index = 1; index < entry.length; index++) {
            int at = entry[index];
            if (at != 0 && (b[at] & 0xff) == 15 && routes[ConstantPoolScan.u2(b, at + 2)] != null) {
                return true;
            }
        }
        return false;
    }

    private Set<String> callers(byte[] b) {
        int at = poolEnd + 6; // access, this, super
        at += 2 + 2 * ConstantPoolScan.u2(b, at); // interfaces
        int fields = ConstantPoolScan.u2(b, at);
        at += 2;
        for (int i = 0; i < fields; i++) {
            at = skipAttributes(b, at + 6);
        }
        Set<String> callers = new HashSet<>();
        int methods = ConstantPoolScan.u2(b, at);
        at += 2;
        for (int i = 0; i < methods; i++) {
            int name = ConstantPoolScan.u2(b, at + 2);
            int descriptor = ConstantPoolScan.u2(b, at + 4);
            int attributes = ConstantPoolScan.u2(b, at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                int length = u4(b, at + 2);
                if (isUtf8(b, entry[ConstantPoolScan.u2(b, at)], CODE) && callsRouted(b, at + 14, u4(b, at + 10))) {
                    callers.add(utf8(b, entry[name]) + utf8(b, entry[descriptor]));
                }
                at += 6 + length;
            }
        }
        return callers;
    }

    /** Whether the bytecode holds an invoke instruction of a routed method ref (or bytes that look like one). */
    private boolean callsRouted(byte[] b, int code, int length) {
        for (int i = code, end = code + length - 2; i < end; i++) {
            int op = b[i] & 0xff;
            if (op >= 0xb6 && op <= 0xb9) { // invokevirtual, invokespecial, invokestatic, invokeinterface
                int index = ConstantPoolScan.u2(b, i + 1);
                if (index < routes.length && routes[index] != null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int skipAttributes(byte[] b, int at) {
        int attributes = ConstantPoolScan.u2(b, at);
        at += 2;
        for (int a = 0; a < attributes; a++) {
            at += 6 + u4(b, at + 2);
        }
        return at;
    }

    /** The route of a method ref, or null if {@link ByName} does not route it. */
    private String route(byte[] b, int ref) {
        int nameAndType = entry[ConstantPoolScan.u2(b, ref + 3)];
        int name = entry[ConstantPoolScan.u2(b, nameAndType + 1)];
        for (byte[] routedName : ROUTED_NAMES) {
            if (isUtf8(b, name, routedName)) {
                int owner = entry[ConstantPoolScan.u2(b, entry[ConstantPoolScan.u2(b, ref + 1)] + 1)];
                return ByName.route(utf8(b, owner), utf8(b, name),
                        utf8(b, entry[ConstantPoolScan.u2(b, nameAndType + 3)]));
            }
        }
        return null;
    }

    private static boolean isUtf8(byte[] b, int utf8, byte[] text) {
        int length = ConstantPoolScan.u2(b, utf8 + 1);
        return length == text.length && Arrays.equals(b, utf8 + 3, utf8 + 3 + length, text, 0, length);
    }

    /** A Utf8 entry's text; the names compared with it are ASCII, where modified UTF-8 is UTF-8. */
    private static String utf8(byte[] b, int utf8) {
        return new String(b, utf8 + 3, ConstantPoolScan.u2(b, utf8 + 1), StandardCharsets.UTF_8);
    }

    private static int u4(byte[] b, int at) {
        return (ConstantPoolScan.u2(b, at) << 16) | ConstantPoolScan.u2(b, at + 2);
    }
}
