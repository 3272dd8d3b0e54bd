package io.modulets.resolve;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The repository of {@code --repository [ID::]URL}: its id is the {@code <server>} of settings.xml
 * whose credentials it gets (and what a {@code <mirrorOf>} names); {@value #DEFAULT_ID} when none is given.
 */
public record Repository(String id, String url) {
    public static final String DEFAULT_ID = "modulets";

    /**
     * Parses {@code text}: an http, https or file URL, optionally after {@code ID::}.
     *
     * @throws IllegalArgumentException with the one line a person reads
     */
    public static Repository parse(String text) {
        String t = text == null ? "" : text.strip();
        String id = DEFAULT_ID;
        int sep = t.indexOf("::");
        if (sep >= 0) {
            id = t.substring(0, sep);
            t = t.substring(sep + 2);
            if (!id.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("'" + text + "': the repository id '" + id
                        + "' is empty or has characters other than A-Z a-z 0-9 _ . -");
            }
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a repository URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") && !scheme.equals("file")) {
            throw new IllegalArgumentException("'" + text + "' is not a repository URL: give [ID::]URL with https://,"
                    + " http:// or file:");
        }
        if (!scheme.equals("file") && (uri.getHost() == null || uri.getHost().isEmpty())) {
            throw new IllegalArgumentException("'" + text + "' is not a repository URL: it names no host");
        }
        return new Repository(id, t);
    }
}
