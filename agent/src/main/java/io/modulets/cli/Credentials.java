package io.modulets.cli;

import java.util.Arrays;

/** A JMX user and password for a {@code service:jmx:} URL; {@link #NONE} when the server asks for none. */
record Credentials(String user, char[] password) {
    static final Credentials NONE = new Credentials(null, null);

    boolean isNone() {
        return user == null;
    }

    /** What {@code JMXConnector.CREDENTIALS} expects: {@code {user, password}}. */
    String[] forJmx() {
        return new String[] {user, new String(password)};
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return isNone() ? "no credentials" : "user " + user;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Credentials c && java.util.Objects.equals(user, c.user) && Arrays.equals(password, c.password);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(user) * 31 + Arrays.hashCode(password);
    }
}
