package loading;

import org.example.magic.MagicModule;

/**
 * Shell program for LoadingIT: which loader defines what, what the JDK's own loaders refuse, that another
 * agent's loader (args[0]: a jar of other.Probe) is left alone, and that a plugin's class (args[1]: a jar of
 * plugin.Finder and plugin.Only, in a loader below the system loader) loading by name with Class.forName(String)
 * resolves in its own loader, a swappable name in the generation. */
public final class App {
    private static final String SWAPPABLE = "org.example.magic.MagicModule";

    public static void main(String[] args) {
        print("main-class-loader", App.class.getClassLoader().getClass().getName());
        print("system-loader-is-main-loader", ClassLoader.getSystemClassLoader() == App.class.getClassLoader());
        print("context-loader-is-main-loader", Thread.currentThread().getContextClassLoader() == App.class.getClassLoader());
        print("magic", MagicModule.getMagic());
        print("magic-class-loader", MagicModule.class.getClassLoader().getClass().getName());
        // The JDK's built-in loaders: the app loader (the shell loader's parent) and the platform loader.
        ClassLoader builtinApp = App.class.getClassLoader().getParent();
        print("builtin-app-loadClass", attempt(() -> builtinApp.loadClass(SWAPPABLE)));
        print("builtin-app-forName", attempt(() -> Class.forName(SWAPPABLE, false, builtinApp)));
        print("platform-loadClass", attempt(() -> ClassLoader.getPlatformClassLoader().loadClass(SWAPPABLE)));
        // Another agent's own loader (the OpenTelemetry Java agent's): its parent is the boot loader, it sees
        // no class of the application's nor of modulets, and its classes that load by name must still run.
        try (java.net.URLClassLoader otherAgent = new java.net.URLClassLoader(
                new java.net.URL[] {java.nio.file.Path.of(args[0]).toUri().toURL()}, null)) {
            Object loaded = otherAgent.loadClass("other.Probe").getMethod("load", String.class)
                    .invoke(null, "java.util.ArrayList");
            print("other-agent-loader", loaded);
        } catch (ReflectiveOperationException | java.io.IOException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            print("other-agent-loader", cause);
        }
        try (java.net.URLClassLoader plugin = new java.net.URLClassLoader(
                new java.net.URL[] {java.nio.file.Path.of(args[1]).toUri().toURL()}, ClassLoader.getSystemClassLoader())) {
            java.lang.reflect.Method find = plugin.loadClass("plugin.Finder").getMethod("find", String.class);
            java.lang.reflect.Method viaLambda = plugin.loadClass("plugin.Finder").getMethod("viaLambda", String.class);
            Class<?> only = (Class<?>) find.invoke(null, "plugin.Only");
            print("plugin-forName", only.getClassLoader() == plugin ? "the plugin's loader" : only.getClassLoader());
            Class<?> fromLambda = (Class<?>) viaLambda.invoke(null, "plugin.Only");
            print("plugin-forName-lambda", fromLambda == only ? "the same class" : fromLambda.getClassLoader());
            print("plugin-forName-swappable", ((Class<?>) find.invoke(null, SWAPPABLE)).getClassLoader().getClass()
                    .getName());
            print("plugin-forName-missing", attempt(() -> {
                try {
                    return (Class<?>) find.invoke(null, "plugin.Nope");
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw (ClassNotFoundException) e.getCause();
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }));
        } catch (ReflectiveOperationException | java.io.IOException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            print("plugin-forName", cause);
        }
    }

    interface Load {
        Class<?> run() throws ClassNotFoundException;
    }

    private static String attempt(Load load) {
        try {
            return "loaded by " + load.run().getClassLoader();
        } catch (ClassNotFoundException | NoClassDefFoundError refused) {
            return "refused";
        }
    }

    private static void print(String key, Object value) {
        System.out.println(key + " " + value);
    }
}
