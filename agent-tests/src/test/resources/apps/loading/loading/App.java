package loading;

import org.example.magic.MagicModule;

/** Shell program for LoadingIT: which loader defines what, and what the JDK's own loaders refuse. */
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
