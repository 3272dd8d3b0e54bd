package io.modulets.loader;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Set;

/**
 * Makes a {@link ShellClassLoader} the system class loader from premain, before the launcher
 * loads the main class, so the application needs only {@code -javaagent} (docs/JVM-NOTES.md, single
 * flag). It writes {@code ClassLoader.scl}, a private field present from 17 to 25; on a JDK
 * without it the agent stops at startup and says so.
 */
public final class SystemLoaderInstaller {
    private SystemLoaderInstaller() {
    }

    /** Needs {@link #openJavaLang} first. */
    public static void install(ClassLoader loader) {
        VarHandle scl;
        try {
            scl = MethodHandles.privateLookupIn(ClassLoader.class, MethodHandles.lookup())
                    .findStaticVarHandle(ClassLoader.class, "scl", ClassLoader.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("modulets: cannot install the shell class loader on JDK "
                    + Runtime.version() + " (ClassLoader.scl: " + e + "); modulets runs on JDK 17 to 25", e);
        }
        ClassLoader.getSystemClassLoader(); // make sure the JDK finished its own initialisation
        scl.setVolatile(loader);
        Thread.currentThread().setContextClassLoader(loader);
    }

    /**
     * Opens {@code java.lang} to the agent (the loader field, and the thread's Runnable for capture) and
     * {@code java.lang.invoke} (the lookup that defines the boundary's reader of a thread's context class loader).
     */
    public static void openJavaLang(Instrumentation inst) {
        Module agent = SystemLoaderInstaller.class.getModule();
        inst.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang", Set.of(agent), "java.lang.invoke", Set.of(agent)), Set.of(), Map.of());
    }
}
