package io.modulets.cli;

import io.modulets.resolve.ArtifactSource;
import io.modulets.resolve.Coordinates;
import io.modulets.resolve.Repository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --artifact G:A:V [--repository [ID::]URL] [--settings FILE]}, mixed into {@code activate} and
 * {@code rollout}: the jar comes from a Maven repository, fetched here by Maven Resolver into the local
 * repository (resolve.ArtifactSource), and its path is handed to the JVM as a {@code JAR} argument's is.
 * Nothing new runs or connects inside the target JVM.
 */
final class ArtifactOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--artifact", paramLabel = "G:A:V", converter = CoordinatesConverter.class,
            description = "A jar from a Maven repository: GROUP:ARTIFACT:VERSION (or GROUP:ARTIFACT:jar:CLASSIFIER:"
                    + "VERSION), fetched into the local repository with the mirrors, credentials and local repository "
                    + "of ~/.m2/settings.xml; checksums must match.")
    List<Coordinates> artifacts = new ArrayList<>();

    @Option(names = "--repository", paramLabel = "[ID::]URL", converter = RepositoryConverter.class,
            description = "With --artifact: the repository (https, http or file URL) instead of Maven Central and "
                    + "settings.xml's active profiles; ID names its <server> in settings.xml for credentials.")
    Repository repository;

    @Option(names = "--settings", paramLabel = "FILE",
            description = "With --artifact: this settings.xml instead of ~/.m2/settings.xml.")
    Path settings;

    boolean any() {
        return !artifacts.isEmpty();
    }

    /** --repository and --settings need --artifact: a usage error otherwise. */
    void check() {
        if (artifacts.isEmpty() && (repository != null || settings != null)) {
            throw new ParameterException(mixee.commandLine(),
                    (repository != null ? "--repository" : "--settings") + " needs --artifact");
        }
    }

    /**
     * Fetches every {@code --artifact} (none is fetched twice by Maven: a jar in the local repository is used
     * as it is) and returns their absolute paths, in order; the first failure is a {@link CliFailure}.
     */
    List<Path> fetch(Supplier<ArtifactSource> source) {
        if (artifacts.isEmpty()) {
            return List.of();
        }
        ArtifactSource maven;
        try {
            maven = source.get();
        } catch (RuntimeException e) {
            throw new CliFailure(Errors.oneLine(e), e);
        }
        List<Path> jars = new ArrayList<>();
        for (Coordinates artifact : artifacts) {
            try {
                jars.add(maven.fetch(artifact, repository, settings).toAbsolutePath());
            } catch (RuntimeException e) {
                throw new CliFailure(Errors.oneLine(e), e);
            }
        }
        return jars;
    }

    /** picocli's converter: bad coordinates are a usage error (exit code 2). */
    static final class CoordinatesConverter implements ITypeConverter<Coordinates> {
        @Override
        public Coordinates convert(String value) {
            try {
                return Coordinates.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** picocli's converter: a bad repository is a usage error (exit code 2). */
    static final class RepositoryConverter implements ITypeConverter<Repository> {
        @Override
        public Repository convert(String value) {
            try {
                return Repository.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
