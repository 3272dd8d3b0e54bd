package io.modulets.bootstrap;

import java.util.function.Predicate;

/**
 * The JDK's built-in class loaders never load a swappable class (DESIGN §3): generations do. Hook of
 * the capture rule {@code BuiltinLoaderRule}.
 */
public final class LoaderHooks {
    /** Swappable class names, refused by the JDK's built-in loaders; set once by the agent. */
    public static volatile Predicate<String> swappableName;

    private LoaderHooks() {
    }

    /** {@code BuiltinClassLoader.loadClassOrNull(name)}: the built-in loaders never see a swappable class. */
    public static void refuseInBuiltinLoader(String name) throws ClassNotFoundException {
        Predicate<String> swappable = swappableName;
        if (swappable != null && name != null && swappable.test(name)) {
            throw new ClassNotFoundException("modulets: " + name
                    + " is swappable; the JDK's built-in class loaders never load it");
        }
    }
}
