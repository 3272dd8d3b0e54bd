package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Predicate;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.LoaderHooks;
import io.modulets.bootstrap.GenerationLoader;

/**
 * Loading by name from shell code (§2.2, §2.4). When the JVM resolves a name through a loader
 * ({@code Class.forName(name, init, shellLoader)}, also the one-argument form, which uses the
 * caller's loader) it records that loader as an initiating loader of the class it got, and every
 * later resolution of that name through it returns the same generation. So these JDK calls, made
 * from shell code, are routed here: a swappable name is resolved by the generation of the
 * binding, which defines it, and a service type that is swappable is looked up in its own
 * generation. Every other name goes to the JDK unchanged.
 */
final class ByName {
    /** The JDK calls that are rerouted, as owner.name+descriptor → the helper's name. */
    private static final Map<String, String> ROUTES = Map.of(
            "java/lang/Class.forName(Ljava/lang/String;)Ljava/lang/Class;", "forName",
            "java/lang/Class.forName(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", "forName",
            "java/util/ServiceLoader.load(Ljava/lang/Class;)Ljava/util/ServiceLoader;", "load",
            "java/util/ServiceLoader.load(Ljava/lang/Class;Ljava/lang/ClassLoader;)Ljava/util/ServiceLoader;", "load",
            "java/lang/invoke/MethodHandles$Lookup.findClass(Ljava/lang/String;)Ljava/lang/Class;", "findClass");

    private ByName() {
    }

    /** The route key of a JDK method call, or null if it is not rerouted. */
    static String route(String owner, String name, String descriptor) {
        String key = owner + "." + name + descriptor;
        return ROUTES.containsKey(key) ? key : null;
    }

    static MethodHandle handle(Class<?> caller, String route) {
        String helper = ROUTES.get(route);
        if (helper == null) {
            throw new IllegalArgumentException("modulets: no route for " + route);
        }
        String descriptor = route.substring(route.indexOf('('));
        boolean virtual = route.startsWith("java/lang/invoke/MethodHandles$Lookup.");
        MethodType jdkType = MethodType.fromMethodDescriptorString(descriptor, null);
        if (virtual) {
            jdkType = jdkType.insertParameterTypes(0, MethodHandles.Lookup.class);
        }
        try {
            if (route.equals("java/lang/Class.forName(Ljava/lang/String;)Ljava/lang/Class;")) {
                MethodHandle full = MethodHandles.lookup().findStatic(ByName.class, helper,
                        MethodType.methodType(Class.class, String.class, boolean.class, ClassLoader.class));
                return MethodHandles.insertArguments(full, 1, true, caller.getClassLoader());
            }
            return MethodHandles.lookup().findStatic(ByName.class, helper, jdkType);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("modulets: " + route, e);
        }
    }

    static Class<?> forName(String name, boolean initialize, ClassLoader loader) throws ClassNotFoundException {
        return Class.forName(name, initialize, swappable(name) && reachesTheShell(loader) ? binding(name) : loader);
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

    static <S> ServiceLoader<S> load(Class<S> service) {
        return isGeneration(service.getClassLoader()) ? ServiceLoader.load(service, service.getClassLoader())
                : ServiceLoader.load(service, Thread.currentThread().getContextClassLoader());
    }

    static <S> ServiceLoader<S> load(Class<S> service, ClassLoader loader) {
        return ServiceLoader.load(service, isGeneration(service.getClassLoader()) && !isGeneration(loader)
                ? service.getClassLoader() : loader);
    }

    static Class<?> findClass(MethodHandles.Lookup lookup, String name)
            throws ClassNotFoundException, IllegalAccessException {
        return swappable(name) ? lookup.accessClass(Class.forName(name, false, binding(name))) : lookup.findClass(name);
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
