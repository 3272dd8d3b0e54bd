package io.modulets.bootstrap;

import java.lang.invoke.MethodHandles;
import java.util.ServiceLoader;
import java.util.function.Predicate;

/**
 * What shell code's loading by name does under the agent (DESIGN §2.2, §2.4): a swappable name is resolved by
 * the generation of the binding, which defines it, and a service type that is swappable is looked up in its own
 * generation; every other name goes to the JDK unchanged. The boundary routes the JDK's calls here: as call sites
 * ({@code io.modulets.boundary.ByName}) in classes it rewrites with ASM, and as plain static calls of the same
 * name and descriptor in classes whose constant pool it patches. In this package, on the boot loader, so that
 * the patched calls link from any shell loader and {@code ForNameOfCaller}, defined beside it at start-up, can
 * read its caller as {@code Class.forName(String)} does.
 */
public final class LoadByName {
    private LoadByName() {
    }

    /** {@code Class.forName(name, initialize, loader)}. */
    public static Class<?> forName(String name, boolean initialize, ClassLoader loader) throws ClassNotFoundException {
        return Class.forName(name, initialize, swappable(name) && reachesTheShell(loader) ? binding(name) : loader);
    }

    /** {@code ServiceLoader.load(service)}, which looks in the thread's context class loader. */
    public static <S> ServiceLoader<S> load(Class<S> service) {
        return isGeneration(service.getClassLoader()) ? ServiceLoader.load(service, service.getClassLoader())
                : ServiceLoader.load(service, Thread.currentThread().getContextClassLoader());
    }

    /** {@code ServiceLoader.load(service, loader)}. */
    public static <S> ServiceLoader<S> load(Class<S> service, ClassLoader loader) {
        return ServiceLoader.load(service, isGeneration(service.getClassLoader()) && !isGeneration(loader)
                ? service.getClassLoader() : loader);
    }

    /** {@code lookup.findClass(name)}. */
    public static Class<?> findClass(MethodHandles.Lookup lookup, String name)
            throws ClassNotFoundException, IllegalAccessException {
        return swappable(name) ? lookup.accessClass(Class.forName(name, false, binding(name))) : lookup.findClass(name);
    }

    /**
     * Whether a swappable name asked of {@code loader} would end in the shell loader (the system
     * loader, or an application loader below it), which answers from the binding: only then is the
     * name resolved in the binding directly. The JDK's own loaders keep their answer (a refusal).
     */
    private static boolean reachesTheShell(ClassLoader loader) {
        ClassLoader shell = ClassLoader.getSystemClassLoader();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l instanceof GenerationLoader) {
                return false;
            }
            if (l == shell) {
                return true;
            }
        }
        return false;
    }

    private static boolean swappable(String name) {
        Predicate<String> swappable = LoaderHooks.swappableName;
        if (name == null || swappable == null) {
            return false;
        }
        return swappable.test(elementName(name));
    }

    /**
     * The class whose arrays a name stands for ("[[Lcom.acme.W;" → "com.acme.W"), or the name itself.
     * Every {@code Class.forName} of shell code passes here, some on every request: no regex, no
     * allocation for a name that is no array.
     */
    static String elementName(String name) {
        int dimensions = 0;
        while (dimensions < name.length() && name.charAt(dimensions) == '[') {
            dimensions++;
        }
        boolean objectArray = dimensions > 0 && name.length() > dimensions + 2 && name.charAt(dimensions) == 'L'
                && name.charAt(name.length() - 1) == ';';
        return objectArray ? name.substring(dimensions + 1, name.length() - 1) : name;
    }

    private static boolean isGeneration(ClassLoader loader) {
        return loader instanceof GenerationLoader;
    }

    private static ClassLoader binding(String name) throws ClassNotFoundException {
        ClassLoader generation = Bindings.effective();
        if (generation == null) {
            throw new ClassNotFoundException("modulets: " + name + " is swappable and no generation is active");
        }
        return generation;
    }
}
