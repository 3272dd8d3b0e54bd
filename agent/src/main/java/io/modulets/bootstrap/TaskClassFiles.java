package io.modulets.bootstrap;

/**
 * Adds the capture field ({@code private volatile transient synthetic Object modulets$capture}) to the class file of a
 * class that implements {@code Runnable} or {@code Callable} itself: a lambda's class as {@code
 * InnerClassLambdaMetafactory} spins it (the capture rules call {@link #lambdaClass} from there), an application's task
 * class as it loads (the boundary's transformer, which walks every application class's constant pool anyway). A task
 * of such a class given to {@code ThreadPoolExecutor.execute} keeps its capture in that field instead of the weak table
 * ({@link PendingTasks}).
 *
 * <p>A splice of the bytes, not a pass of ASM: two UTF-8 constants appended to the pool (no index moves), one
 * field_info at the head of the fields. Transient and private: a class's default {@code serialVersionUID} leaves such a
 * field out, and so do Java serialization and the usual reflective serializers. Code here runs inside the lambda
 * metafactory: it uses no lambda, no string concatenation and nothing that spins a class.
 */
public final class TaskClassFiles {
    /** The field's name and descriptor, as UTF-8 constants (ASCII). */
    private static final byte[] NAME = ascii(Slots.FIELD);
    private static final byte[] DESCRIPTOR = ascii("Ljava/lang/Object;");
    private static final byte[] RUNNABLE = ascii("java/lang/Runnable");
    private static final byte[] CALLABLE = ascii("java/util/concurrent/Callable");
    /** private, volatile, transient, synthetic */
    private static final int ACCESS = 0x0002 | 0x0040 | 0x0080 | 0x1000;
    private static final int ACC_INTERFACE = 0x0200;
    private static final int ACC_MODULE = 0x8000;

    private TaskClassFiles() {
    }

    /** From {@code InnerClassLambdaMetafactory}: the lambda class's bytes, with the field when it is a task. */
    public static byte[] lambdaClass(byte[] classFile) {
        try {
            byte[] spliced = withField(classFile);
            return spliced != null ? spliced : classFile;
        } catch (RuntimeException malformed) {
            return classFile; // never the metafactory's failure: the task keeps its capture in the table
        }
    }

    /**
     * {@code classFile} with the capture field added, or null when it is not a class that names {@code Runnable} or
     * {@code Callable} among its own interfaces, already has the field, or is malformed (then the JVM says so itself).
     */
    public static byte[] withField(byte[] b) {
        if (b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
            return null;
        }
        int count = u2(b, 8);
        if (count > 0xFFFF - 2) {
            return null;
        }
        int[] offsets = new int[count];
        int at = 10;
        for (int index = 1; index < count; index++) {
            offsets[index] = at;
            int tag = b[at] & 0xff;
            switch (tag) {
                case 1 -> at += 3 + u2(b, at + 1);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> at += 5;
                case 5, 6 -> {
                    at += 9;
                    index++;
                }
                case 7, 8, 16, 19, 20 -> at += 3;
                case 15 -> at += 4;
                default -> {
                    return null;
                }
            }
        }
        int poolEnd = at;
        int access = u2(b, at);
        if ((access & (ACC_INTERFACE | ACC_MODULE)) != 0) {
            return null;
        }
        int interfaces = u2(b, at + 6);
        boolean task = false;
        for (int i = 0; i < interfaces && !task; i++) {
            int name = offsets[u2(b, offsets[u2(b, at + 8 + 2 * i)] + 1)];
            task = (b[name] & 0xff) == 1 && isTaskInterface(b, name + 3, u2(b, name + 1));
        }
        if (!task) {
            return null;
        }
        int fieldsAt = at + 8 + 2 * interfaces;
        int fields = u2(b, fieldsAt);
        for (int i = 0, f = fieldsAt + 2; i < fields; i++) {
            if (utf8Equals(b, offsets[u2(b, f + 2)], NAME)) {
                return null;
            }
            int attributes = u2(b, f + 6);
            f += 8;
            for (int a = 0; a < attributes; a++) {
                f += 6 + u4(b, f + 2);
            }
        }
        return splice(b, count, poolEnd, fieldsAt, fields);
    }

    private static byte[] splice(byte[] b, int count, int poolEnd, int fieldsAt, int fields) {
        int added = 3 + NAME.length + 3 + DESCRIPTOR.length;
        byte[] out = new byte[b.length + added + 8];
        System.arraycopy(b, 0, out, 0, poolEnd);
        putU2(out, 8, count + 2);
        int at = poolEnd;
        at = putUtf8(out, at, NAME);
        at = putUtf8(out, at, DESCRIPTOR);
        int between = fieldsAt - poolEnd;
        System.arraycopy(b, poolEnd, out, at, between);
        at += between;
        putU2(out, at, fields + 1);
        putU2(out, at + 2, ACCESS);
        putU2(out, at + 4, count);
        putU2(out, at + 6, count + 1);
        putU2(out, at + 8, 0);
        at += 10;
        System.arraycopy(b, fieldsAt + 2, out, at, b.length - fieldsAt - 2);
        return out;
    }

    /**
     * Whether the {@code length} bytes of {@code b} at {@code from} spell {@code java/lang/Runnable} or {@code
     * java/util/concurrent/Callable}: the interfaces that give a class the field (the boundary's constant-pool scan asks
     * it of each UTF-8 constant, and tries the splice only on a class that has one).
     */
    public static boolean isTaskInterface(byte[] b, int from, int length) {
        return length == RUNNABLE.length && java.util.Arrays.equals(b, from, from + length, RUNNABLE, 0, length)
                || length == CALLABLE.length && java.util.Arrays.equals(b, from, from + length, CALLABLE, 0, length);
    }

    private static boolean utf8Equals(byte[] b, int entry, byte[] expected) {
        if ((b[entry] & 0xff) != 1 || u2(b, entry + 1) != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (b[entry + 3 + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static int putUtf8(byte[] out, int at, byte[] text) {
        out[at] = 1;
        putU2(out, at + 1, text.length);
        System.arraycopy(text, 0, out, at + 3, text.length);
        return at + 3 + text.length;
    }

    private static int u2(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static int u4(byte[] b, int at) {
        return (u2(b, at) << 16) | u2(b, at + 2);
    }

    private static void putU2(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }

    private static byte[] ascii(String text) {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) text.charAt(i);
        }
        return bytes;
    }
}
