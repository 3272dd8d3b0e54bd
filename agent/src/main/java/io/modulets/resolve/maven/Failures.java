package io.modulets.resolve.maven;

import io.modulets.resolve.Coordinates;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.transfer.ChecksumFailureException;

/** The one line a failed resolution becomes: what was looked for, and per repository what went wrong. */
final class Failures {

    private Failures() {
    }

    static String line(Coordinates artifact, ArtifactResolutionException e) {
        Set<String> reasons = new LinkedHashSet<>();
        ArtifactResult result = e.getResult();
        if (result != null) {
            for (Exception cause : result.getExceptions()) {
                reasons.add(reason(cause));
            }
        }
        if (reasons.isEmpty()) {
            reasons.add(firstLine(e.getMessage()));
        }
        return "cannot fetch " + artifact + ": " + String.join("; ", reasons);
    }

    private static String reason(Exception e) {
        ChecksumFailureException checksum = find(e, ChecksumFailureException.class);
        if (checksum != null) {
            return "bad checksum, the jar was not used (" + firstLine(checksum.getMessage()) + ")";
        }
        if (e instanceof ArtifactNotFoundException) {
            return "not found (" + firstLine(e.getMessage()) + ")";
        }
        // A transfer failure: the deepest cause says it best (UnknownHostException, connection refused, 401).
        Throwable deepest = e;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String first = firstLine(e.getMessage());
        return deepest == e ? first : first + " (" + deepest.getClass().getSimpleName() + ": "
                + firstLine(deepest.getMessage()) + ")";
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("").strip();
    }
}
