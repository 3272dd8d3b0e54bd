package ro;

import ro.mod.Extra;

/** Shell code of the {@code extra} JVM only that uses {@code ro.mod.Extra}: its link check needs the class. */
final class UsesExtra {
    private UsesExtra() {
    }

    static void touch() {
        if (Extra.get() != 42) {
            throw new IllegalStateException("ro.mod.Extra is not the one generation 1 has");
        }
    }
}
