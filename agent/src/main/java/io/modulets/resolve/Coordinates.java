package io.modulets.resolve;

import java.util.regex.Pattern;

/**
 * A Maven artifact named as {@code GROUP:ARTIFACT:VERSION}, or with its extension and classifier as
 * the resolver writes them, {@code GROUP:ARTIFACT:jar[:CLASSIFIER]:VERSION}. Only jars: a generation is
 * made of jars. Only one version: a range ({@code [1.0,2.0)}) would make the CLI choose what to deploy.
 */
public record Coordinates(String groupId, String artifactId, String classifier, String version) {
    /** What Maven allows in a group, artifact or classifier (its model validator's pattern). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]+");
    /** A version: no range or list characters, no path separators, nothing a file name would trip on. */
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_.+-]+");

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with the one line a person reads
     */
    public static Coordinates parse(String text) {
        String t = text == null ? "" : text.strip();
        String[] parts = t.split(":", -1);
        if (parts.length < 3 || parts.length > 5) {
            throw bad(text, "give GROUP:ARTIFACT:VERSION (or GROUP:ARTIFACT:jar:CLASSIFIER:VERSION)");
        }
        String version = parts[parts.length - 1];
        if (parts.length >= 4 && !"jar".equals(parts[2])) {
            throw bad(text, "the extension must be jar (a generation is made of jars), not '" + parts[2] + "'");
        }
        String classifier = parts.length == 5 ? parts[3] : "";
        for (int i = 0; i < parts.length - 1; i++) {
            if (i == 2 && parts.length >= 4) {
                continue; // "jar", checked above
            }
            if (!ID.matcher(parts[i]).matches()) {
                throw bad(text, (i == 0 ? "group" : i == 1 ? "artifact" : "classifier")
                        + " '" + parts[i] + "' is empty or has characters other than A-Z a-z 0-9 _ . -");
            }
        }
        if (version.isEmpty()) {
            throw bad(text, "the version is empty");
        }
        if (!VERSION.matcher(version).matches()) {
            throw bad(text, "version '" + version + "' is not one version (no ranges such as [1.0,2.0))");
        }
        return new Coordinates(parts[0], parts[1], classifier, version);
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not an artifact: " + why);
    }

    /** {@code GROUP:ARTIFACT:VERSION}, or with {@code jar:CLASSIFIER} when there is a classifier. */
    @Override
    public String toString() {
        return groupId + ":" + artifactId + (classifier.isEmpty() ? "" : ":jar:" + classifier) + ":" + version;
    }
}
