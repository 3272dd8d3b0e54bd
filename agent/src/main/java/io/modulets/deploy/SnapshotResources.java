package io.modulets.deploy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

import io.modulets.generations.Snapshot;

/**
 * The resources a snapshot would give its generation, before it has one: swappable class files
 * from the snapshot only, everything else from the shell. Used to read class bytes for
 * validation; it never defines a class.
 */
final class SnapshotResources extends URLClassLoader {
    private final Predicate<String> swappablePath;

    private SnapshotResources(URL[] jars, ClassLoader shell, Predicate<String> swappablePath) {
        super("modulets-validation", jars, shell);
        this.swappablePath = swappablePath;
    }

    static SnapshotResources of(Snapshot snapshot, ClassLoader shell, Predicate<String> swappablePath)
            throws IOException {
        List<Path> paths = snapshot.paths();
        URL[] urls = new URL[paths.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = paths.get(i).toUri().toURL();
        }
        return new SnapshotResources(urls, shell, swappablePath);
    }

    @Override
    public URL getResource(String name) {
        return swappablePath.test(name) ? findResource(name) : super.getResource(name);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        throw new ClassNotFoundException("modulets: validation reads class bytes and loads no class (" + name + ")");
    }
}
