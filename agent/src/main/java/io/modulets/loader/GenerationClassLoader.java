package io.modulets.loader;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.LiveCount;
import io.modulets.bootstrap.TaskOutcomes;
import io.modulets.config.PackageFilter;

/**
 * The class loader of one generation: reads only the generation's snapshot jars in the store
 * (DESIGN §2.6) and defines the swappable classes in them. Every other name goes to the parent,
 * the shell loader. A swappable name is never delegated: the parent would answer from whatever
 * generation the calling thread is bound to, not this one.
 */
public final class GenerationClassLoader extends GenerationLoader {
    static {
        registerAsParallelCapable();
    }

    private static final AtomicInteger SERIALS = new AtomicInteger();

    private final PackageFilter filter;
    private final Object generation;
    /** Counted per thread, summed when read: no shared write per task. */
    private final LiveCount live = new LiveCount();
    /** Counted by the run hooks; final, so that a task's run reads it without a fence. */
    private final TaskOutcomes outcomes = new TaskOutcomes();
    /** Classes this loader has defined (JMX shows it); written under the class's loading lock. */
    private final AtomicLong defined = new AtomicLong();
    /**
     * Unique among this JVM's generation loaders and never reused, positive. The boundary keys its
     * caches by it rather than by the loader, so that its guards can be branch-free int compares;
     * final, so that the JIT may read it once for many sites.
     */
    private final int serial = SERIALS.incrementAndGet();
    /** The named modules defined to this loader (a modular application's, {@link GenerationModules}). */
    private volatile Set<String> modules = Set.of();

    /**
     * @param generation the agent's record of this generation, for diagnostics; held so that the
     *                   loader can always name its generation
     */
    public GenerationClassLoader(String name, URL[] snapshotJars, ClassLoader shell, PackageFilter filter,
                                 Object generation) {
        super(name, snapshotJars, shell);
        this.filter = filter;
        this.generation = generation;
    }

    public Object generation() {
        return generation;
    }

    @Override
    public int serial() {
        return serial;
    }

    @Override
    public LiveCount live() {
        return live;
    }

    @Override
    public TaskOutcomes outcomes() {
        return outcomes;
    }

    /** How many classes this loader has defined so far. */
    public long definedClasses() {
        return defined.get();
    }

    /**
     * Opens every snapshot jar now (a URLClassLoader opens each at its first lookup) and keeps it
     * open: the loader then reads the files as they are now, even if a name in the store is later
     * replaced, so that a hash check made after this call covers every byte the loader will read.
     */
    public void openJars() throws IOException {
        Enumeration<URL> all = findResources("META-INF/MANIFEST.MF"); // asks every jar in turn
        while (all.hasMoreElements()) {
            all.nextElement();
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!filter.isSwappable(name)) {
            return getParent().loadClass(name);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = findClass(name);
                defined.incrementAndGet();
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    /** Called once, before this loader defines a class: the named modules of its layer. */
    void definesModules(Set<String> names) {
        this.modules = Set.copyOf(names);
    }

    /**
     * A class of one of this loader's named modules ({@code Class.forName(Module, String)}, and so
     * {@code ServiceLoader}'s providers of a {@code provides}); the default finds none in a named module.
     */
    @Override
    protected Class<?> findClass(String moduleName, String name) {
        if (moduleName == null || !modules.contains(moduleName)) {
            return moduleName == null ? findOrNull(name) : null;
        }
        Class<?> c = findOrNull(name);
        return c != null && moduleName.equals(c.getModule().getName()) ? c : null;
    }

    private Class<?> findOrNull(String name) {
        try {
            return loadClass(name, false);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /**
     * A resource of one of this loader's named modules ({@code Class.getResourceAsStream} and
     * {@code Module.getResourceAsStream} of its classes), from the snapshot; the default finds none.
     */
    @Override
    protected URL findResource(String moduleName, String name) throws IOException {
        if (moduleName == null) {
            return findResource(name);
        }
        return modules.contains(moduleName) ? findResource(name) : null;
    }

    /** Resources of swappable packages ({@code com/acme/jobs/mail.properties}) come from the snapshot only. */
    @Override
    public URL getResource(String name) {
        return filter.isSwappableInternal(name) ? findResource(name) : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return filter.isSwappableInternal(name) ? findResources(name) : super.getResources(name);
    }

    @Override
    public String toString() {
        return getName() + " " + generation;
    }
}
