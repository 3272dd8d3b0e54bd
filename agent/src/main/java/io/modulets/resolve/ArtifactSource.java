package io.modulets.resolve;

import java.nio.file.Path;

/**
 * Where the CLI's {@code --artifact} gets its jar: a Maven repository, through Maven Resolver. The
 * implementation ({@value #IMPLEMENTATION}) and the resolver's libraries are not in the agent jar's own
 * classes: they are the nested {@value #NESTED_JAR}, which only {@link #open()} reads, so that an
 * application started with the agent neither opens nor sees them.
 */
public interface ArtifactSource {
    String IMPLEMENTATION = "io.modulets.resolve.maven.MavenArtifacts";
    String NESTED_JAR = "META-INF/modulets/resolver.jar";

    /**
     * Fetches the artifact's jar into the local repository (or finds it there) and returns its path.
     *
     * @param repository the one remote repository, or null for Maven Central and settings.xml's
     *                   active profiles' repositories (mirrors apply either way)
     * @param settings the settings.xml file, or null for the user's ({@code ~/.m2/settings.xml}, if any)
     * @throws IllegalStateException with the one line a person reads: unknown artifact, unreachable
     *                               repository, bad checksum, unreadable settings
     */
    Path fetch(Coordinates artifact, Repository repository, Path settings);

    /** The implementation, in a class loader of its own over the nested jar. */
    static ArtifactSource open() {
        return ResolverLoader.open();
    }
}
