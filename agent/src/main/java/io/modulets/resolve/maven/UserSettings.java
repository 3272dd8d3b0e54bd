package io.modulets.resolve.maven;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.maven.model.Model;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.apache.maven.settings.Mirror;
import org.apache.maven.settings.Profile;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.DefaultSettingsBuilderFactory;
import org.apache.maven.settings.building.DefaultSettingsBuildingRequest;
import org.apache.maven.settings.building.SettingsBuildingException;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.eclipse.aether.repository.Authentication;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultAuthenticationSelector;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

/**
 * The user's settings.xml as Maven reads it (interpolated, {@code {…}} passwords decrypted with
 * {@code ~/.m2/settings-security.xml}), and what the resolver takes from it. Maven's global settings
 * (in its installation) are not read: the CLI has no Maven installation.
 */
final class UserSettings {
    private final Settings settings;

    private UserSettings(Settings settings) {
        this.settings = settings;
    }

    /** {@code file}, or {@code ~/.m2/settings.xml} when null (no settings when that does not exist). */
    static UserSettings read(Path file) {
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        Path source = file != null ? file : m2.resolve("settings.xml");
        if (file != null && !Files.isRegularFile(file)) {
            throw new IllegalStateException("no settings file " + file);
        }
        DefaultSettingsBuildingRequest request = new DefaultSettingsBuildingRequest()
                .setSystemProperties(System.getProperties());
        if (Files.isRegularFile(source)) {
            request.setUserSettingsFile(source.toFile());
        }
        Settings effective;
        try {
            effective = new DefaultSettingsBuilderFactory().newInstance().build(request).getEffectiveSettings();
        } catch (SettingsBuildingException e) {
            SettingsProblem first = e.getProblems().get(0);
            throw new IllegalStateException("cannot read " + source + ": " + first.getMessage()
                    + (first.getLineNumber() > 0 ? " (line " + first.getLineNumber() + ")" : ""), e);
        }
        String security = System.getProperty("settings.security", m2.resolve("settings-security.xml").toString());
        SettingsDecryptionResult decrypted = new DefaultSettingsDecrypter(
                new DefaultSecDispatcher(new DefaultPlexusCipher(), Map.of(), security))
                .decrypt(new DefaultSettingsDecryptionRequest(effective));
        if (!decrypted.getProblems().isEmpty()) {
            throw new IllegalStateException("cannot read " + source + ": "
                    + decrypted.getProblems().get(0).getMessage());
        }
        effective.setServers(decrypted.getServers());
        effective.setProxies(decrypted.getProxies());
        return new UserSettings(effective);
    }

    Path localRepository() {
        String configured = settings.getLocalRepository();
        return configured == null || configured.isBlank()
                ? Path.of(System.getProperty("user.home"), ".m2", "repository")
                : Path.of(configured);
    }

    boolean offline() {
        return settings.isOffline();
    }

    DefaultMirrorSelector mirrors() {
        DefaultMirrorSelector selector = new DefaultMirrorSelector();
        for (Mirror m : settings.getMirrors()) {
            selector.add(m.getId(), m.getUrl(), m.getLayout(), false, m.isBlocked(), m.getMirrorOf(),
                    m.getMirrorOfLayouts());
        }
        return selector;
    }

    DefaultProxySelector proxies() {
        DefaultProxySelector selector = new DefaultProxySelector();
        for (Proxy p : settings.getProxies()) {
            if (p.isActive()) {
                Authentication auth = p.getUsername() == null ? null : new AuthenticationBuilder()
                        .addUsername(p.getUsername()).addPassword(p.getPassword()).build();
                selector.add(new org.eclipse.aether.repository.Proxy(p.getProtocol(), p.getHost(), p.getPort(), auth),
                        p.getNonProxyHosts());
            }
        }
        return selector;
    }

    /** The servers' credentials, by the id of the repository or mirror they are for. */
    DefaultAuthenticationSelector credentials() {
        DefaultAuthenticationSelector selector = new DefaultAuthenticationSelector();
        for (Server s : settings.getServers()) {
            AuthenticationBuilder auth = new AuthenticationBuilder()
                    .addUsername(s.getUsername()).addPassword(s.getPassword());
            if (s.getPrivateKey() != null) {
                auth.addPrivateKey(s.getPrivateKey(), s.getPassphrase());
            }
            selector.add(s.getId(), auth.build());
        }
        return selector;
    }

    /** The repositories of the profiles that are active: listed in activeProfiles, or active by default. */
    List<RemoteRepository> profileRepositories() {
        Set<String> active = new HashSet<>(settings.getActiveProfiles());
        List<RemoteRepository> repositories = new ArrayList<>();
        for (Profile profile : settings.getProfiles()) {
            boolean byDefault = profile.getActivation() != null && profile.getActivation().isActiveByDefault();
            if (!active.contains(profile.getId()) && !byDefault) {
                continue;
            }
            for (org.apache.maven.settings.Repository r : profile.getRepositories()) {
                repositories.add(new RemoteRepository.Builder(r.getId(), "default", r.getUrl())
                        .setReleasePolicy(policy(r.getReleases()))
                        .setSnapshotPolicy(policy(r.getSnapshots()))
                        .build());
            }
        }
        return repositories;
    }

    private static RepositoryPolicy policy(org.apache.maven.settings.RepositoryPolicy p) {
        if (p == null) {
            return new RepositoryPolicy();
        }
        return new RepositoryPolicy(p.isEnabled(), p.getUpdatePolicy(), p.getChecksumPolicy());
    }

    /** Maven Central, as Maven's own super POM (in maven-model-builder) declares it. */
    static RemoteRepository central() {
        try (InputStream in = UserSettings.class.getResourceAsStream("/org/apache/maven/model/pom-4.0.0.xml")) {
            Model superPom = new MavenXpp3Reader().read(in);
            org.apache.maven.model.Repository central = superPom.getRepositories().get(0);
            return new RemoteRepository.Builder(central.getId(), "default", central.getUrl())
                    .setSnapshotPolicy(new RepositoryPolicy(false, null, null)).build();
        } catch (IOException | org.codehaus.plexus.util.xml.pull.XmlPullParserException | RuntimeException e) {
            throw new IllegalStateException("cannot read Maven Central's address from Maven's super POM: " + e, e);
        }
    }
}
