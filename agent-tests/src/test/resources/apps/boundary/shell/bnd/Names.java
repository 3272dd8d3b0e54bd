package bnd;

/** Names no swappable class, only loads classes by name: rewritten with its frames kept. */
public final class Names {
    private Names() {
    }

    public static Class<?> load(String name) throws ClassNotFoundException {
        return Class.forName(name);
    }
}
