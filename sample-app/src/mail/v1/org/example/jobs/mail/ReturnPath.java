package org.example.jobs.mail;

/** Version 1: one bounce address for every mail. */
final class ReturnPath {
    private ReturnPath() {
    }

    static String of(String recipient) {
        return "bounces@jobs.example.org";
    }
}
