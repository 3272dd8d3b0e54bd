package org.example.jobs.mail;

/**
 * Version 2: VERP (variable envelope return path). {@code alice@example.org} gets the return
 * path {@code bounces+alice=example.org@jobs.example.org}; a bounce to it names its recipient.
 */
final class ReturnPath {
    private ReturnPath() {
    }

    static String of(String recipient) {
        return "bounces+" + recipient.replace('@', '=') + "@jobs.example.org";
    }
}
