package io.modulets.loader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.modulets.bootstrap.Bindings;
import io.modulets.config.PackageFilter;

/**
 * The system class loader while the agent runs (DESIGN §3, loader). It defines every shell class
 * of the class path itself, so that the boundary transformer sees them and the built-in app
 * loader never has to resolve a name on their behalf. It never defines a swappable class: such a
 * name is answered by the generation of the calling thread's binding, and nothing is cached here,
 * because the JVM records an initiating loader only for resolutions it makes itself.
 *
 * <p>Order for a name: swappable → the binding's generation; the agent's own packages and the
 * packages of the boot layer (the JDK) → the built-in app loader; anything else → this loader's
 * class path, then the built-in app loader (classes appended by other agents).
 */
public final class ShellClassLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    private static final String AGENT_PACKAGE = "io.modulets.";

    private final ClassLoader builtinApp;
    private final PackageFilter filter;
    private final Set<String> jdkPackages;

    public ShellClassLoader(List<Path> classPath, ClassLoader builtinApp, PackageFilter filter) {
        // unnamed, like the built-in loader it replaces: a stack trace element prints a named loader
        // ("modulets-shell//com.acme.Foo.run(Foo.java:9)"), and code that formats frames (Guice's error
        // messages) must print what it prints without the agent
        super(null, urls(classPath), builtinApp);
        this.builtinApp = builtinApp;
        this.filter = filter;
        this.jdkPackages = bootLayerPackages();
    }

    /** What messages call this loader: it has no {@link #getName() name}. */
    @Override
    public String toString() {
        return "modulets-shell (" + getClass().getName() + ")";
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (filter.isSwappable(name)) {
            return loadSwappable(name);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = delegatesToBuiltin(name) ? builtinApp.loadClass(name) : findHereThenBuiltin(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    /**
     * Every resource of that name, each once, as the built-in app loader answers without the agent. That loader (the
     * parent) has the same class path as this one, so {@code URLClassLoader}'s parent-then-own answer named every
     * class-path resource twice: each {@code META-INF/services} file was parsed twice by every {@code ServiceLoader}
     * lookup through it (the sample app's mail sessions lost 6–9 % of their throughput to it), and code that
     * collects {@code spring.factories}-like files from every URL saw each twice. The parent's come first, then the
     * ones only this loader has.
     */
    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        Enumeration<URL> inherited = builtinApp.getResources(name);
        Enumeration<URL> own = findResources(name);
        if (!own.hasMoreElements()) {
            return inherited;
        }
        List<URL> all = Collections.list(inherited);
        Set<String> seen = new HashSet<>();
        for (URL url : all) {
            seen.add(url.toExternalForm()); // not URL.equals, which may resolve host names
        }
        while (own.hasMoreElements()) {
            URL url = own.nextElement();
            if (seen.add(url.toExternalForm())) {
                all.add(url);
            }
        }
        return Collections.enumeration(all);
    }

    private Class<?> findHereThenBuiltin(String name) throws ClassNotFoundException {
        try {
            return findClass(name);
        } catch (ClassNotFoundException notOnTheClassPath) {
            return builtinApp.loadClass(name);
        }
    }

    private static Class<?> loadSwappable(String name) throws ClassNotFoundException {
        ClassLoader generation = Bindings.effective();
        if (generation == null) {
            throw new ClassNotFoundException("modulets: " + name + " is swappable and no generation is active");
        }
        return generation.loadClass(name);
    }

    private boolean delegatesToBuiltin(String name) {
        if (name.startsWith(AGENT_PACKAGE)) {
            return true;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 && jdkPackages.contains(name.substring(0, dot));
    }

    /** For {@code Instrumentation.appendToSystemClassLoaderSearch}, which calls it by name. */
    @SuppressWarnings("unused")
    void appendToClassPathForInstrumentation(String path) {
        try {
            addURL(Path.of(path).toUri().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(path, e);
        }
    }

    private static Set<String> bootLayerPackages() {
        Set<String> packages = new HashSet<>();
        for (Module module : ModuleLayer.boot().modules()) {
            packages.addAll(module.getPackages());
        }
        return packages;
    }

    private static URL[] urls(List<Path> classPath) {
        List<URL> urls = new ArrayList<>();
        for (Path entry : classPath) {
            if (!Files.exists(entry)) {
                continue; // as the built-in loader does: a missing entry is skipped
            }
            try {
                urls.add(entry.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new UncheckedIOException(new IOException("modulets: bad class path entry " + entry, e));
            }
        }
        return urls.toArray(new URL[0]);
    }
}
