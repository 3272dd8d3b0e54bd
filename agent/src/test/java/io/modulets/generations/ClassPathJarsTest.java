package io.modulets.generations;

import static io.modulets.generations.TestJars.jar;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.config.PackageFilter;

class ClassPathJarsTest {

    @TempDir
    Path tmp;

    /** packages=com.acme, shared=com.acme.api: the carve-out a library under the swappable prefix needs. */
    private final PackageFilter filter = PackageFilter.of(List.of("com.acme"), List.of("com.acme.api"));

    @Test
    void aJarOfASharedPackageUnderASwappableOneHoldsNothingSwappableThoughItsDirectoriesAreUnderIt()
            throws IOException {
        // as jar tools write them: an entry for each directory, com/acme/ among them (found with Truth's jar,
        // com.google.truth beside a swappable com.google.common)
        Path api = jar(tmp.resolve("api.jar"), null,
                Map.of("com/", "", "com/acme/", "", "com/acme/api/", "", "com/acme/api/Job.class", "x"));
        Path jobs = jar(tmp.resolve("jobs.jar"), null,
                Map.of("com/", "", "com/acme/", "", "com/acme/jobs/", "", "com/acme/jobs/Mail.class", "x"));

        assertEquals(List.of(jobs), ClassPathJars.jarsHoldingSwappable(List.of(api, jobs), filter));
        assertEquals(List.of(jobs), ClassPathJars.swappable(List.of(api, jobs), filter));
    }
}
