package io.modulets.deploy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.modulets.bootstrap.ThreadHooks;
import io.modulets.config.PackageFilter;
import io.modulets.generations.Snapshot;
import io.modulets.loader.GenerationClassLoader;
import io.modulets.loader.GenerationModules;

/**
 * Load before you activate (DESIGN §4, Deploying): the JVM itself defines and links (so verifies) every class of a
 * candidate generation, in a throwaway {@link GenerationClassLoader} over the stored jars with the real
 * parent, the shell loader, before any task can see it: a method body the verifier refuses, a supertype
 * in no jar, a class the JDK will not read from its jar (a multi-release jar's class for this JVM
 * included, since the loader reads the jar as the generation's will), each is a refusal naming the jar
 * and the class, not a task failing later. Nothing is initialized: no code of the candidate runs.
 * Budgets: the deploy's {@link Budget} (time, a waiting rollback) between classes, and metaspace: the
 * check is refused up front if the classes would not fit under {@code MaxMetaspaceSize}, and a
 * metaspace {@code OutOfMemoryError} while loading is a refusal too. The loader is then closed and
 * dropped; its classes go at the next collection that unloads classes.
 */
final class LoadCheck {
    /** Metaspace per byte of class file, as a rough upper estimate (HotSpot: about 1 to 2). */
    private static final int METASPACE_PER_CLASS_BYTE = 2;

    private final ClassLoader shell;
    private final PackageFilter filter;
    private final Budget budget;

    LoadCheck(ClassLoader shell, PackageFilter filter, Budget budget) {
        this.shell = shell;
        this.filter = filter;
        this.budget = budget;
    }

    /** Refuses with the first class, in name order, that the JVM does not define and link. */
    void check(Snapshot snapshot, JarCheck.Classes classes) throws DeployRefused {
        checkMetaspace(classes.bytes());
        List<String> names = new ArrayList<>();
        for (String internal : classes.shapes().keySet()) {
            // with outside=ignore a jar may hold other classes: a generation never loads them
            if (filter.isSwappableInternal(internal)) names.add(internal);
        }
        names.sort(null);
        GenerationClassLoader loader = new GenerationClassLoader("modulets-load-check", urls(snapshot), shell,
                filter, "the load check of " + snapshot.label());
        try {
            defineModules(loader, snapshot);
            for (String internal : names) {
                budget.check();
                load(loader, internal.replace('/', '.'), classes.jars().get(internal));
            }
        } finally {
            try {
                loader.close();
            } catch (IOException e) {
                // the jars are closed as far as they can be; nothing of the loader is used again
            }
        }
    }

    /** A modular application's generation defines its modules in a layer: one that does not resolve is refused. */
    private void defineModules(GenerationClassLoader loader, Snapshot snapshot) throws DeployRefused {
        GenerationModules modules = GenerationModules.installed();
        if (modules == null) {
            return;
        }
        try {
            modules.define(loader, urls(snapshot), false);
        } catch (IOException e) {
            throw new DeployRefused(e.getMessage(), e);
        }
    }

    private static void load(ClassLoader loader, String name, String jar) throws DeployRefused {
        try {
            Class<?> c = Class.forName(name, false, loader);
            // Reflection links the class first (HotSpot's JVM_GetClassDeclaredFields), which verifies
            // it and its supertypes; forName alone only defines it, and initializing would run its code.
            c.getDeclaredFields();
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            throw new DeployRefused(jar + ": class " + name + " does not load: " + firstLine(cause(e)), e);
        } catch (OutOfMemoryError e) {
            throw new DeployRefused(jar + ": class " + name + " does not load: out of memory loading it ("
                    + firstLine(e) + "); the current generation keeps what it has", e);
        }
    }

    /** What the JDK said: a missing class is wrapped, with the reading failure (manifest, digest) inside. */
    private static Throwable cause(Throwable e) {
        Throwable t = e;
        while ((t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError) && t.getCause() != null
                && !(t.getCause() instanceof ClassNotFoundException missing && missing.getCause() == null)) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * One line of what a throwable says. The verifier's message goes on with a dump of the bytecode
     * after its first line: of that only the location and the reason are kept.
     */
    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        String[] lines = message.split("\\R");
        StringBuilder line = new StringBuilder(e.getClass().getName());
        if (!lines[0].isBlank()) line.append(": ").append(lines[0].strip());
        for (int i = 1; i + 1 < lines.length; i++) {
            String label = lines[i].strip();
            if (label.equals("Location:")) line.append(" at ").append(lines[i + 1].strip());
            if (label.equals("Reason:")) line.append(" (").append(lines[i + 1].strip()).append(')');
        }
        return line.toString();
    }

    /**
     * Refuses before loading anything if the classes would not fit in the metaspace left under
     * {@code MaxMetaspaceSize} (no limit: nothing to judge; a metaspace error is then caught per class).
     */
    private static void checkMetaspace(long classBytes) throws DeployRefused {
        MemoryPoolMXBean pool = metaspacePool();
        if (pool != null) {
            MemoryUsage usage = pool.getUsage();
            String shortage = metaspaceShortage(classBytes, usage.getUsed(), usage.getMax());
            if (shortage != null) throw new DeployRefused(shortage);
        }
    }

    /** The JVM's metaspace pool, looked up once; null on a JVM that has none. */
    private static volatile MemoryPoolMXBean metaspace;
    /** Whether {@link #prepareAhead} has started its one lookup. */
    private static final AtomicBoolean LOOKUP_STARTED = new AtomicBoolean();

    /**
     * Looks the metaspace pool up ahead of the first load check, once per JVM, on a thread of its own: the first
     * lookup loads and starts the JDK's management classes (about 25 ms on a busy 2-core machine), which then
     * happens while the modules directory settles instead of after it (on the watcher's thread it would hold
     * back the events that restart the quiet period; docs/PERFORMANCE.md, the activation time). What fails
     * here fails again, and is reported, in the load check.
     */
    static void prepareAhead() {
        if (!LOOKUP_STARTED.compareAndSet(false, true)) {
            return;
        }
        ThreadHooks.agentThread(new Runnable() { // not a lambda: no class spun for it (docs/PERFORMANCE.md)
            @Override
            public void run() {
                try {
                    metaspacePool();
                } catch (Throwable e) {
                    // whatever it is, the load check meets it again and refuses with it in one line
                }
            }
        }, "modulets-deploy-prepare").start();
    }

    private static MemoryPoolMXBean metaspacePool() {
        MemoryPoolMXBean found = metaspace;
        if (found == null) {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getName().equals("Metaspace")) found = pool;
            }
            metaspace = found;
        }
        return found;
    }

    /** Why class files of {@code classBytes} would not fit in the metaspace left, or null (also for no limit). */
    static String metaspaceShortage(long classBytes, long used, long max) {
        long need = classBytes * METASPACE_PER_CLASS_BYTE;
        if (max <= 0 || used + need <= max) return null;
        return "its classes (" + mb(classBytes) + " of class files) would need about " + mb(need)
                + " of metaspace and " + mb(Math.max(0, max - used)) + " are left under MaxMetaspaceSize="
                + mb(max) + " (raise -XX:MaxMetaspaceSize, or let retired generations unload first)";
    }

    private static String mb(long bytes) {
        return bytes < (1 << 20) ? (bytes >> 10) + " KB" : (bytes >> 20) + " MB";
    }

    private static URL[] urls(Snapshot snapshot) throws DeployRefused {
        List<Path> paths = snapshot.paths();
        URL[] urls = new URL[paths.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = paths.get(i).toUri().toURL();
            } catch (IOException e) {
                throw new DeployRefused("bad snapshot path " + paths.get(i), e);
            }
        }
        return urls;
    }
}
