package io.modulets.boundary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.modulets.bootstrap.Bindings;
import io.modulets.config.PackageFilter;

/** A stand-in for the shell loader plus the transformer: defines shell classes rewritten. */
final class RewritingLoader extends ClassLoader {
    private final Path classes;
    private final PackageFilter filter;
    private final BoundaryTransformer transformer;

    RewritingLoader(Path classes, PackageFilter filter, Erasure erasure) {
        super("test-shell", RewritingLoader.class.getClassLoader());
        this.classes = classes;
        this.filter = filter;
        this.transformer = new BoundaryTransformer(filter, erasure, null);
    }

    /** Class files of the shell are resources too: the rewriter reads javac's $SwitchMap classes. */
    @Override
    protected java.net.URL findResource(String name) {
        Path file = classes.resolve(name);
        try {
            return Files.exists(file) ? file.toUri().toURL() : null;
        } catch (java.net.MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (filter.isSwappable(name)) {
            return Bindings.effective().loadClass(name);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c != null) {
                return c;
            }
            Path file = classes.resolve(name.replace('.', '/') + ".class");
            if (!Files.exists(file)) {
                return super.loadClass(name, resolve);
            }
            try {
                byte[] bytes = Files.readAllBytes(file);
                byte[] rewritten = transformer.rewrite(this, name.replace('.', '/'), bytes);
                return defineClass(name, rewritten, 0, rewritten.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
