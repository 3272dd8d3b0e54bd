package io.modulets.cli;

import java.util.Arrays;
import java.util.Objects;

/**
 * How the CLI may log in to a {@code service:jmx:} URL: a JMX user and password ({@link #NONE} when the server
 * asks for none), and whether a plain-text connection to another host is allowed ({@code --insecure}, see
 * {@link RemoteJmx}).
 */
record Credentials(String user, char[] password, boolean insecure) {
    static final Credentials NONE = new Credentials(null, null, false);

    Credentials(String user, char[] password) {
        this(user, password, false);
    }

    boolean isNone() {
        return user == null;
    }

    /** These credentials, with plain text to another host allowed or not. */
    Credentials withInsecure(boolean allowed) {
        return new Credentials(user, password, allowed);
    }

    /** What {@code JMXConnector.CREDENTIALS} expects: {@code {user, password}}. */
    String[] forJmx() {
        return new String[] {user, new String(password)};
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return (isNone() ? "no credentials" : "user " + user) + (insecure ? ", plain text allowed" : "");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Credentials c && Objects.equals(user, c.user) && Arrays.equals(password, c.password)
                && insecure == c.insecure;
    }

    @Override
    public int hashCode() {
        return (Objects.hashCode(user) * 31 + Arrays.hashCode(password)) * 31 + Boolean.hashCode(insecure);
    }
}
