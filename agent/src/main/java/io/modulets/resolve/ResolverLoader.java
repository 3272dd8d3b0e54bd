package io.modulets.resolve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Opens {@link ArtifactSource#NESTED_JAR}: copies it out of the agent jar into a temporary file (a
 * class loader reads a file, not an entry of another jar) and loads the implementation from it. Its
 * parent is the CLI's loader, which has no resolver classes: the nested jar's own are the ones used.
 * Without the nested jar (the unit tests, which run from the classes directory) the implementation
 * comes from the class path, where the build puts the resolver for them.
 */
final class ResolverLoader {

    private ResolverLoader() {
    }

    static ArtifactSource open() {
        ClassLoader own = ResolverLoader.class.getClassLoader();
        URL nested = own.getResource(ArtifactSource.NESTED_JAR);
        ClassLoader loader = own;
        if (nested != null) {
            try {
                Path copy = Files.createTempFile("modulets-resolver-", ".jar");
                copy.toFile().deleteOnExit();
                try (InputStream in = nested.openStream()) {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                }
                loader = new URLClassLoader("modulets-resolver", new URL[] {copy.toUri().toURL()}, own);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the Maven resolver out of the agent jar: " + e, e);
            }
        }
        try {
            return (ArtifactSource) Class.forName(ArtifactSource.IMPLEMENTATION, true, loader)
                    .getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("this build of modulets has no Maven resolver (" + e + ")", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot start the Maven resolver: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the Maven resolver: " + e, e);
        }
    }
}
