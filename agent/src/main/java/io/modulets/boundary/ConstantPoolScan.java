package io.modulets.boundary;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.modulets.bootstrap.TaskClassFiles;

/**
 * Decides from the constant pool alone, without a full parse, whether a class names a swappable
 * type at all (DESIGN §3): most classes that pass the transformer never do. Every type reference
 * of a class file (class entries, descriptors, signatures) ends up in a UTF-8 constant, so a class
 * whose UTF-8 constants contain no swappable package prefix cannot reach swappable code by name.
 */
public final class ConstantPoolScan {
    private static final byte[][] BY_NAME_MARKERS = {
            "forName".getBytes(StandardCharsets.UTF_8),
            "java/util/ServiceLoader".getBytes(StandardCharsets.UTF_8),
            "findClass".getBytes(StandardCharsets.UTF_8)};
    private final byte[][] prefixes;

    /** @param internalPackages swappable packages in internal form, e.g. {@code com/acme/jobs} */
    ConstantPoolScan(List<String> internalPackages) {
        prefixes = new byte[internalPackages.size()][];
        for (int i = 0; i < prefixes.length; i++) {
            prefixes[i] = (internalPackages.get(i) + "/").getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Whether the class file {@code b} names a class under {@code internalPackage} ({@code com/acme/jobs})
     * anywhere in its constant pool: the run-time package lists ask it of loaded shell classes.
     */
    public static boolean mentions(byte[] b, String internalPackage) {
        return new ConstantPoolScan(List.of(internalPackage)).mentionsSwappable(b);
    }

    /** What a class file names, as far as the boundary is concerned. */
    enum Mention { NOTHING, LOAD_BY_NAME, SWAPPABLE }

    /** {@link #flags}: a UTF-8 constant contains a swappable package prefix (the walk stopped there). */
    static final int SWAPPABLE = 1;
    /** {@link #flags}: the class may load classes by name. */
    static final int LOAD_BY_NAME = 2;
    /**
     * {@link #flags}: the class names {@code Runnable} or {@code Callable}, so it may implement one of them itself and
     * take the capture field ({@code TaskClassFiles} decides from its interfaces). Not looked for past a swappable name.
     */
    static final int TASK = 4;

    /** True if some UTF-8 constant contains a swappable package prefix; false also for a malformed class. */
    boolean mentionsSwappable(byte[] b) {
        return scan(b) == Mention.SWAPPABLE;
    }

    /**
     * SWAPPABLE if some UTF-8 constant contains a swappable package prefix, else LOAD_BY_NAME if
     * the class may load classes by name, else (also for a malformed class) NOTHING.
     */
    Mention scan(byte[] b) {
        int found = flags(b);
        return (found & SWAPPABLE) != 0 ? Mention.SWAPPABLE
                : (found & LOAD_BY_NAME) != 0 ? Mention.LOAD_BY_NAME : Mention.NOTHING;
    }

    /** {@link #SWAPPABLE}, {@link #LOAD_BY_NAME} and {@link #TASK} as found; 0 also for a malformed class. */
    int flags(byte[] b) {
        int found = 0;
        if (b.length < 10) {
            return found;
        }
        int count = u2(b, 8);
        int at = 10;
        for (int index = 1; index < count; index++) {
            if (at + 2 >= b.length) {
                return 0;
            }
            int tag = b[at] & 0xff;
            switch (tag) {
                case 1: { // Utf8
                    int length = at + 3 <= b.length ? u2(b, at + 1) : 0;
                    if (at + 3 + length > b.length) {
                        return 0;
                    }
                    if (containsPrefix(b, at + 3, length)) {
                        return SWAPPABLE;
                    }
                    if (isLoadByName(b, at + 3, length)) {
                        found |= LOAD_BY_NAME;
                    } else if (TaskClassFiles.isTaskInterface(b, at + 3, length)) {
                        found |= TASK;
                    }
                    at += 3 + length;
                    break;
                }
                case 3: case 4: // Integer, Float
                case 9: case 10: case 11: case 12: // Field, Method, InterfaceMethod refs, NameAndType
                case 17: case 18: // Dynamic, InvokeDynamic
                    at += 5;
                    break;
                case 5: case 6: // Long, Double take two slots
                    at += 9;
                    index++;
                    break;
                case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                    at += 3;
                    break;
                case 15: // MethodHandle
                    at += 4;
                    break;
                default:
                    return 0;
            }
        }
        // the markers only say the class may: a Spring class calling its own ClassUtils.forName, a class
        // loader defining findClass, a field of type ServiceLoader name them too
        return (found & LOAD_BY_NAME) != 0 && !RoutedCalls.any(b) ? found & ~LOAD_BY_NAME : found;
    }


    /**
     * Shell code that loads classes by name ({@code Class.forName}, {@code ServiceLoader.load},
     * {@code Lookup.findClass}) is rewritten too, whatever the name (see {@link ByName}).
     */
    private static boolean isLoadByName(byte[] b, int from, int length) {
        for (byte[] marker : BY_NAME_MARKERS) {
            if (marker.length == length && java.util.Arrays.equals(b, from, from + length, marker, 0, length)) {
                return true;
            }
        }
        return false;
    }

    private boolean containsPrefix(byte[] b, int from, int length) {
        int end = from + length;
        for (byte[] prefix : prefixes) {
            byte first = prefix[0];
            int last = end - prefix.length;
            for (int i = from; i <= last; i++) {
                // Most bytes are not the prefix's first: one compare each (every shell class is scanned as it loads,
                // thousands at a framework's start-up, most in the interpreter).
                if (b[i] != first) {
                    continue;
                }
                // A prefix starts a name: at the start, or after 'L' (descriptor) or '[' or ';' or '('.
                if (i != from && b[i - 1] != 'L' && b[i - 1] != '[' && b[i - 1] != ';' && b[i - 1] != '(') {
                    continue;
                }
                int k = 1;
                while (k < prefix.length && b[i + k] == prefix[k]) {
                    k++;
                }
                if (k == prefix.length) {
                    return true;
                }
            }
        }
        return false;
    }

    static int u2(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
