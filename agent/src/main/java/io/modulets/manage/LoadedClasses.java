package io.modulets.manage;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.function.BiPredicate;

import io.modulets.bootstrap.GenerationLoader;
import io.modulets.boundary.ConstantPoolScan;
import io.modulets.config.PackageFilter;
import io.modulets.loader.ShellClassLoader;

/**
 * What the JVM has loaded, as far as a change of the package lists cares (an operator action: it
 * looks at every loaded class, which takes a moment).
 */
interface LoadedClasses {
    /**
     * A loaded class that {@code matches} accepts (given its name and whether a generation defined
     * it), as "com.acme.x.Foo (loaded by …)", or null.
     */
    String firstLoaded(BiPredicate<String, Boolean> matches);

    /**
     * A loaded shell class whose constant pool names a class under {@code internalPackage}
     * ({@code com/acme/x}), by name, or null: such a class was linked without the boundary.
     */
    String firstShellClassNaming(String internalPackage);

    /** The loaded classes of this JVM, from {@link Instrumentation#getAllLoadedClasses()}. */
    static LoadedClasses of(Instrumentation inst) {
        return new LoadedClasses() {
            @Override
            public String firstLoaded(BiPredicate<String, Boolean> matches) {
                for (Class<?> c : inst.getAllLoadedClasses()) {
                    if (matches.test(c.getName(), c.getClassLoader() instanceof GenerationLoader)) {
                        return c.getName() + " (loaded by " + describe(c.getClassLoader()) + ")";
                    }
                }
                return null;
            }

            @Override
            public String firstShellClassNaming(String internalPackage) {
                for (Class<?> c : inst.getAllLoadedClasses()) {
                    ClassLoader loader = c.getClassLoader();
                    if (!isShell(loader) || c.isHidden() || c.isArray() || isBuiltInShared(c.getName())) {
                        continue;
                    }
                    byte[] bytes = classFile(loader, c.getName());
                    if (bytes != null && ConstantPoolScan.mentions(bytes, internalPackage)) {
                        return c.getName();
                    }
                }
                return null;
            }
        };
    }

    /** Application loaders: not the JDK's, not the generations'. */
    private static boolean isShell(ClassLoader loader) {
        return loader != null && loader != ClassLoader.getPlatformClassLoader() && !(loader instanceof GenerationLoader);
    }

    private static boolean isBuiltInShared(String name) {
        for (String prefix : PackageFilter.BUILT_IN_SHARED) {
            if (name.startsWith(prefix + ".")) {
                return true;
            }
        }
        return false;
    }

    /** The class file as the loader reads it (the bytes before the boundary rewrote them), or null. */
    private static byte[] classFile(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    static String describe(ClassLoader loader) {
        if (loader == null) {
            return "the boot loader";
        }
        if (loader instanceof GenerationLoader || loader instanceof ShellClassLoader) {
            return loader.toString(); // "modulets-gen-2 generation 2 (2.0, 7aa8ebdc0553)", "modulets-shell (…)"
        }
        return loader.getName() != null ? loader.getName() + " (" + loader.getClass().getName() + ")"
                : loader.getClass().getName();
    }
}
