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
 * {@code BOOT-INF/lib}, which its launcher makes in {@code main}, after generation 1 exists; in a servlet
 * container it is the loader of the webapp (a WAR's {@code WEB-INF}), which the container makes as the
 * webapp starts. So every name is forwarded to the loader adopted so far: the shell until Spring Boot's
 * loader is first asked for a class ({@link #loadingIn}, called at the entry of its {@code loadClass}) or
 * a webapp's loader first defines a class of its own {@code WEB-INF} ({@link #definingInWebapp}), that
 * loader afterwards. Spring Boot's loader asks the shell first, so the change only adds names; a webapp's
 * loader looks in its {@code WEB-INF} first, so a name both there and on the class path would change, but
 * the class path of a container holds only the container, and the change happens before the webapp's
 * first class, so before any request.
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
    /** The webapp loader adopted, or null. */
    private volatile ClassLoader webapp;
    /** Spring Boot or webapp loaders met after the first (said once); written under this object's lock. */
    private int others;

    public ApplicationLoader(ClassLoader shell, PackageFilter filter) {
        super("modulets-application", shell);
        this.shell = shell;
        this.filter = filter;
        this.application = shell;
    }

    /** Makes this the loader that the hooks ({@link #loadingIn}, {@link #definingInWebapp}) adopt loaders into. */
    public ApplicationLoader install() {
        installed = this;
        return this;
    }

    /** The loader generations see now: the shell, or Spring Boot's or a webapp's loader once it was adopted. */
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
        if (loader.adopt(launched, "Spring Boot class loader", false)) {
            loader.nameCopy(launched, "Spring Boot's class loader");
        }
        if (name != null && loader.filter.isSwappable(name)) {
            loader.shell.loadClass(name);
        }
    }

    /**
     * As a servlet container's webapp loader ({@code container}'s) defines a class of its webapp's own
     * {@code WEB-INF}: the first such loader becomes the generations' view of the application, so swappable
     * code sees the webapp's classes and libraries. One webapp per JVM: a second one, or the same webapp
     * reloaded (a new loader), is said once, and its swappable names are not found ({@link #answeringInWebapp}).
     */
    public static void definingInWebapp(ClassLoader webappLoader, String container) {
        ApplicationLoader loader = installed;
        if (loader == null || loader.webapp == webappLoader) {
            return;
        }
        String kind = container + " webapp class loader";
        if (loader.adopt(webappLoader, kind, true)) {
            loader.nameCopy(webappLoader, kind);
        }
    }

    /**
     * At the entry of {@code loadClass(String, boolean)} of a servlet container's webapp loader (Tomcat's
     * {@code WebappClassLoaderBase}, Jetty's {@code WebAppClassLoader}): a swappable name is answered as the
     * shell answers it, by the calling thread's binding, and a name the generation lacks is not found. The
     * webapp's loader looks in its own {@code WEB-INF} before its parent, so it would otherwise define its
     * own copy, which never swaps. Returns null for any other name: the webapp's loader goes on.
     */
    public static Class<?> answeringInWebapp(ClassLoader webappLoader, String name) throws ClassNotFoundException {
        ApplicationLoader loader = installed;
        if (loader == null || name == null || !loader.filter.isSwappable(name)) {
            return null;
        }
        ClassLoader adopted = loader.webapp;
        if (adopted != null && adopted != webappLoader) {
            throw new ClassNotFoundException(name + " is swappable, and swappable code sees the classes of another"
                    + " webapp (" + adopted + "): one webapp per JVM, not reloaded (docs/SERVERS.md)");
        }
        return loader.shell.loadClass(name);
    }

    /**
     * Says where the jar's own copy of the swappable packages is, if it has one (found by its directory
     * entry, which jars built by Maven or Gradle have), as the agent says it of the class path.
     */
    private void nameCopy(ClassLoader launched, String kind) {
        for (String name : filter.packages()) {
            URL copy = launched.getResource(name.replace('.', '/') + "/");
            if (copy != null) {
                String where = copy.toString();
                int inJar = where.lastIndexOf("!/");
                Log.warn("%s holds swappable classes (package %s); %s never loads them, the generations' are used",
                        inJar > 0 ? where.substring(0, inJar) : where, name, kind);
                return;
            }
        }
    }

    /**
     * The first Spring Boot or webapp loader wins: generation classes may already have linked against its
     * classes. True when {@code launched} has just been adopted ({@code webappLoader}: as the webapp's).
     */
    boolean adopt(ClassLoader launched, String kind, boolean webappLoader) {
        ClassLoader now = application;
        if (now == launched) {
            return false;
        }
        synchronized (this) {
            if (application == shell) {
                application = launched;
                if (webappLoader) {
                    webapp = launched;
                }
                Log.debug("swappable code sees the application's classes and libraries through %s (%s)", kind,
                        launched.getClass().getName());
                return true;
            } else if (application != launched && others++ == 0) {
                Log.warn("a second %s (%s) loads classes; swappable code keeps seeing the classes and libraries"
                        + " of the first (%s) only%s", kind, launched, application, webapp == null ? ""
                        : ", and this one's swappable names are not found: one webapp per JVM, not reloaded (a"
                        + " redeployed webapp needs a restart; docs/SERVERS.md)");
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
