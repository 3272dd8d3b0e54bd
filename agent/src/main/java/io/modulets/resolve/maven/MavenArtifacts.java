package io.modulets.resolve.maven;

import io.modulets.resolve.ArtifactSource;
import io.modulets.resolve.Coordinates;
import io.modulets.resolve.Repository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.aether.ConfigurationProperties;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.RepositorySystemSession.CloseableSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;

/**
 * {@link ArtifactSource} with Maven Resolver, configured as Maven would be from the user's settings.xml
 * ({@link UserSettings}): its local repository, offline flag, mirrors, proxies and servers' credentials.
 * Checksums must be there and match (the session's checksum policy is {@code fail}, whatever a
 * repository's own policy says); a jar already in the local repository is used as Maven uses it,
 * without fetching it again. Only the jar is fetched, not its dependencies: a generation is the jars
 * that are named.
 */
public final class MavenArtifacts implements ArtifactSource {
    /** An idle connection's read time-out: a stalled repository is a failure, not a wait of half an hour. */
    private static final int READ_TIMEOUT_MS = 60_000;

    @Override
    public Path fetch(Coordinates artifact, Repository repository, Path settingsFile) {
        UserSettings settings = UserSettings.read(settingsFile);
        RepositorySystem system = new RepositorySystemSupplier().get();
        try (CloseableSession session = session(system, settings)) {
            List<RemoteRepository> remotes = new ArrayList<>();
            if (repository != null) {
                remotes.add(new RemoteRepository.Builder(repository.id(), "default", repository.url()).build());
            } else {
                remotes.add(UserSettings.central());
                remotes.addAll(settings.profileRepositories());
            }
            // mirrors, proxies and credentials applied, as Maven applies them
            List<RemoteRepository> resolved = system.newResolutionRepositories(session, remotes);
            ArtifactRequest request = new ArtifactRequest(new DefaultArtifact(artifact.groupId(),
                    artifact.artifactId(), artifact.classifier(), "jar", artifact.version()), resolved, null);
            ArtifactResult result = system.resolveArtifact(session, request);
            return result.getArtifact().getPath();
        } catch (ArtifactResolutionException e) {
            throw new IllegalStateException(Failures.line(artifact, e), e);
        } finally {
            system.shutdown();
        }
    }

    private static CloseableSession session(RepositorySystem system, UserSettings settings) {
        RepositorySystemSession.SessionBuilder builder = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(settings.localRepository())
                .setOffline(settings.offline())
                .setChecksumPolicy(RepositoryPolicy.CHECKSUM_POLICY_FAIL)
                .setMirrorSelector(settings.mirrors())
                .setProxySelector(settings.proxies())
                .setAuthenticationSelector(settings.credentials())
                .setSystemProperties(System.getProperties())
                .setConfigProperty(ConfigurationProperties.REQUEST_TIMEOUT, READ_TIMEOUT_MS);
        return builder.build();
    }
}
