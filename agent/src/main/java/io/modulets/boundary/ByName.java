package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;

import io.modulets.bootstrap.LoadByName;

/**
 * Loading by name from shell code (§2.2, §2.4). When the JVM resolves a name through a loader
 * ({@code Class.forName(name, init, shellLoader)}, also the one-argument form, which uses the
 * caller's loader) it records that loader as an initiating loader of the class it got, and every
 * later resolution of that name through it returns the same generation. So these JDK calls, made
 * from shell code, are routed to {@link LoadByName}, which resolves a swappable name in the binding's
 * generation and leaves every other name to the JDK: here, the routes and the call sites of the
 * classes that ASM rewrites; {@link RoutedCalls#asStaticCalls} patches the others.
 */
final class ByName {
    /** The routes, each a JDK method as owner.name+descriptor. */
    static final String FOR_NAME_OF_CALLER = "java/lang/Class.forName(Ljava/lang/String;)Ljava/lang/Class;";
    static final String FOR_NAME =
            "java/lang/Class.forName(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;";
    static final String LOAD = "java/util/ServiceLoader.load(Ljava/lang/Class;)Ljava/util/ServiceLoader;";
    static final String LOAD_WITH_LOADER =
            "java/util/ServiceLoader.load(Ljava/lang/Class;Ljava/lang/ClassLoader;)Ljava/util/ServiceLoader;";
    static final String FIND_CLASS =
            "java/lang/invoke/MethodHandles$Lookup.findClass(Ljava/lang/String;)Ljava/lang/Class;";

    /** The JDK calls that are rerouted → the helper's name. */
    private static final Map<String, String> ROUTES = Map.of(FOR_NAME_OF_CALLER, "forName", FOR_NAME, "forName",
            LOAD, "load", LOAD_WITH_LOADER, "load", FIND_CLASS, "findClass");

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
        boolean virtual = route.equals(FIND_CLASS);
        MethodType jdkType = MethodType.fromMethodDescriptorString(descriptor, null);
        if (virtual) {
            jdkType = jdkType.insertParameterTypes(0, MethodHandles.Lookup.class);
        }
        try {
            if (route.equals(FOR_NAME_OF_CALLER)) {
                MethodHandle full = MethodHandles.lookup().findStatic(LoadByName.class, helper,
                        MethodType.methodType(Class.class, String.class, boolean.class, ClassLoader.class));
                return MethodHandles.insertArguments(full, 1, true, caller.getClassLoader());
            }
            return MethodHandles.lookup().findStatic(LoadByName.class, helper, jdkType);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("modulets: " + route, e);
        }
    }
}
