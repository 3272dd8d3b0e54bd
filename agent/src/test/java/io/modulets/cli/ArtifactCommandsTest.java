package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modulets.resolve.ArtifactSource;
import io.modulets.resolve.Coordinates;
import io.modulets.resolve.Repository;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --artifact} on {@code activate} and {@code rollout}, with a fake repository: what is fetched and handed over,
 * and the usage errors.
 */
class ArtifactCommandsTest {
    final FakeAgent agent = new FakeAgent();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    /** What was asked of the repository: coordinates, repository, settings. */
    final List<String> asked = new ArrayList<>();
    boolean opened;

    /** Knows com.acme:jobs at any version, as /m2/com/acme/jobs/V/jobs-V.jar; refuses anything else. */
    final ArtifactSource repository = (artifact, repo, settings) -> {
        asked.add(artifact + " " + repo + " " + settings);
        if (!artifact.artifactId().equals("jobs")) {
            throw new IllegalStateException("cannot fetch " + artifact + ": not found (Could not find artifact)");
        }
        return Path.of("/m2/com/acme/jobs", artifact.version(), "jobs-" + artifact.version() + ".jar");
    };

    int run(String... args) {
        Main main = new Main(agent, () -> {
            opened = true;
            return repository;
        });
        return Main.commandLine(main).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void activateHandsTheFetchedJarOver() {
        assertEquals(0, run("activate", "1234", "--artifact", "com.acme:jobs:1.2", "--repository",
                "team::https://repo.example/maven", "--settings", "/etc/m2.xml"), err.toString());
        assertEquals(List.of("com.acme:jobs:1.2 Repository[id=team, url=https://repo.example/maven] /etc/m2.xml"),
                asked);
        assertEquals(List.of(List.of("/m2/com/acme/jobs/1.2/jobs-1.2.jar")), agent.activated);
        assertEquals("", err.toString());
    }

    @Test
    void artifactsFollowTheJarsGiven() {
        assertEquals(0, run("activate", "1234", "/srv/extra.jar", "--artifact", "com.acme:jobs:1.2"), err.toString());
        assertEquals(List.of(List.of("/srv/extra.jar", "/m2/com/acme/jobs/1.2/jobs-1.2.jar")), agent.activated);
    }

    @Test
    void aFailedFetchIsOneLineAndNothingIsContacted() {
        assertEquals(1, run("activate", "1234", "--artifact", "com.acme:mail:1.0"));
        assertAll(err.toString(),
                () -> assertEquals("modulets: cannot fetch com.acme:mail:1.0: not found (Could not find artifact)\n",
                        err.toString()),
                () -> assertEquals(null, agent.openedWith, "no JVM contacted"),
                () -> assertEquals(List.of(), agent.activated));
    }

    @Test
    void badCoordinatesAndMisusedOptionsAreUsageErrorsBeforeAnyFetch() {
        assertAll(
                () -> assertEquals(2, run("activate", "1234", "--artifact", "com.acme:jobs")),
                () -> assertEquals(2, run("activate", "1234", "--artifact", "com.acme:jobs:[1.0,2.0)")),
                () -> assertEquals(2, run("activate", "1234", "--artifact", "com.acme:jobs:war:1.0")),
                () -> assertEquals(2, run("activate", "1234", "--artifact", "com.acme:jobs:1",
                        "--repository", "ftp://x/")),
                () -> assertEquals(2, run("activate", "1234", "/a.jar", "--repository", "https://repo.example/")),
                () -> assertEquals(2, run("activate", "1234", "/a.jar", "--settings", "/etc/m2.xml")),
                () -> assertEquals(2, run("rollout", "--jar", "/a.jar", "--artifact", "com.acme:jobs:1", "1234")),
                () -> assertEquals(2, run("rollout", "--repository", "https://repo.example/", "1234")));
        assertAll(err.toString(),
                () -> assertTrue(err.toString()
                                .contains("'com.acme:jobs' is not an artifact: give GROUP:ARTIFACT:VERSION"),
                        "names the form"),
                () -> assertTrue(err.toString().contains("modulets: --repository needs --artifact\n")),
                () -> assertTrue(err.toString().contains("modulets: give --jar or --artifact, not both\n")),
                () -> assertEquals(false, opened, "the repository was never opened"),
                () -> assertEquals(null, agent.openedWith, "no JVM contacted"));
    }

    @Test
    void rolloutChecksEveryTargetWithTheFetchedJar() {
        // the fake's check refuses a path containing "refused": the fetched path reaches the target's check
        assertEquals(1, run("rollout", "--artifact", "com.acme:jobs:refused", "1234"));
        assertTrue(err.toString().startsWith("modulets: rollout: com.acme:jobs:refused is "
                + "/m2/com/acme/jobs/refused/jobs-refused.jar\n"), err.toString());
        assertTrue(err.toString().contains("check of [/m2/com/acme/jobs/refused/jobs-refused.jar] refused"),
                err.toString());
        assertEquals(List.of(), agent.activated, "nothing activated");
    }

    @Test
    void coordinates() {
        assertEquals(new Coordinates("com.acme", "jobs", "", "1.2"), Coordinates.parse(" com.acme:jobs:1.2 "));
        assertEquals(new Coordinates("com.acme", "jobs", "", "1.2-SNAPSHOT"),
                Coordinates.parse("com.acme:jobs:jar:1.2-SNAPSHOT"));
        assertEquals(new Coordinates("com.acme", "jobs", "all", "1.2"), Coordinates.parse("com.acme:jobs:jar:all:1.2"));
        assertEquals("com.acme:jobs:jar:all:1.2", Coordinates.parse("com.acme:jobs:jar:all:1.2").toString());
        for (String bad : List.of("", "jobs", "com.acme:jobs", "com.acme:jobs:", ":jobs:1", "com.acme::1",
                "com.acme:jobs:pom:1", "com/acme:jobs:1", "com.acme:jobs:1:2:3:4", "com.acme:jobs:(,1]",
                "com.acme:jobs:../1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Coordinates.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "' is not an artifact: "), e.getMessage());
        }
    }

    @Test
    void repositories() {
        assertEquals(new Repository("modulets", "https://repo.example/maven"),
                Repository.parse("https://repo.example/maven"));
        assertEquals(new Repository("corp", "file:/srv/m2"), Repository.parse("corp::file:/srv/m2"));
        for (String bad : List.of("repo.example/maven", "ftp://repo.example/", "https:///maven", "a b::https://x/",
                "::https://x/")) {
            assertThrows(IllegalArgumentException.class, () -> Repository.parse(bad), bad);
        }
    }
}
