package io.modulets.loader;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;

import io.modulets.config.Log;
import io.modulets.config.PackageFilter;

/**
 * The parent of every generation's loader, and where the deploy checks read shell classes: the loader
 * that loads the application's own classes and libraries, so that swappable code sees what it would
 * see without the agent (DESIGN §3, loader). That is the shell loader for an application on the class
 * path; in a Spring Boot executable jar it is Spring Boot's loader of {@code BOOT-INF/classes} and
 * {@code BOOT-INF/lib}, which its launcher makes in {@code main}, after generation 1 exists. So every
 * name is forwarded to the loader adopted so far: the shell until Spring Boot's loader is first asked
 * for a class ({@link #loadingIn}, called at the entry of its {@code loadClass}), that loader afterwards.
 * The change only adds names (Spring Boot's loader asks the shell first), and it happens before the
 * application's main class loads, so no generation class can have resolved a name differently before.
 */
public final class ApplicationLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    /** The one the hook finds: set by the agent at startup, before any application class loads. */
    private static volatile ApplicationLoader installed;

    private final ClassLoader shell;
    private final PackageFilter filter;
    private volatile ClassLoader application;
    /** Spring Boot loaders met after the first (said once); written under this object's lock. */
    private int others;

    public ApplicationLoader(ClassLoader shell, PackageFilter filter) {
        super("modulets-application", shell);
        this.shell = shell;
        this.filter = filter;
        this.application = shell;
    }

    /** Makes this the loader that {@link #loadingIn} adopts Spring Boot's loader into. */
    public ApplicationLoader install() {
        installed = this;
        return this;
    }

    /** The loader generations see now: the shell, or Spring Boot's loader once it was adopted. */
    public ClassLoader application() {
        return application;
    }

    /**
     * At the entry of {@code loadClass(String, boolean)} of Spring Boot's loader (Boot 3.2+ {@code
     * LaunchedClassLoader}, older {@code LaunchedURLClassLoader}): the first such loader becomes the
     * generations' view of the application. A swappable name is answered here as the shell answers it, by
     * the calling thread's binding, and a name the generation lacks is not found: Spring Boot's loader
     * asks its parent (the shell) first, so it would otherwise define the name itself from its own copy in
     * {@code BOOT-INF} (a class that would never swap). Loading it again there finds the same class.
     */
    public static void loadingIn(ClassLoader launched, String name) throws ClassNotFoundException {
        ApplicationLoader loader = installed;
        if (loader == null) {
            return;
        }
        if (loader.adopt(launched)) {
            loader.nameCopy(launched);
        }
        if (name != null && loader.filter.isSwappable(name)) {
            loader.shell.loadClass(name);
        }
    }

    /**
     * Says where the jar's own copy of the swappable packages is, if it has one (found by its directory
     * entry, which jars built by Maven or Gradle have), as the agent says it of the class path.
     */
    private void nameCopy(ClassLoader launched) {
        for (String name : filter.packages()) {
            URL copy = launched.getResource(name.replace('.', '/') + "/");
            if (copy != null) {
                String where = copy.toString();
                int inJar = where.lastIndexOf("!/");
                Log.warn("%s holds swappable classes (package %s); Spring Boot's class loader never loads them,"
                        + " the generations' are used", inJar > 0 ? where.substring(0, inJar) : where, name);
                return;
            }
        }
    }

    /**
     * The first Spring Boot loader wins: generation classes may already have linked against its classes.
     * True when {@code launched} has just been adopted.
     */
    boolean adopt(ClassLoader launched) {
        ClassLoader now = application;
        if (now == launched) {
            return false;
        }
        synchronized (this) {
            if (application == shell) {
                application = launched;
                Log.debug("swappable code sees the application's classes and libraries through %s",
                        launched.getClass().getName());
                return true;
            } else if (application != launched && others++ == 0) {
                Log.warn("a second Spring Boot class loader (%s) loads classes; swappable code keeps seeing"
                        + " the first one's classes and libraries only", launched);
            }
            return false;
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        return application.loadClass(name);
    }

    @Override
    public URL getResource(String name) {
        return application.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return application.getResources(name);
    }

    @Override
    public String toString() {
        return getName() + " (" + application + ")";
    }
}
