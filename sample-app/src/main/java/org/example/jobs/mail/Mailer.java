package org.example.jobs.mail;

/**
 * Compile-time stand-in only, like {@code org.example.magic.MagicModule}. The job server (the
 * shell) calls the mail module by name, as a real application would, so the module's signatures
 * must exist when the shell is compiled. The real versions live in {@code src/mail/v1} and
 * {@code src/mail/v2}; {@link org.example.jobs.demo.MailVersions} compiles them into jars that
 * are deployed into the modules directory. This class is excluded from modulets-sample.jar (see
 * the pom): if it ever runs, the class path is wrong, and it says so.
 */
public final class Mailer {
    private Mailer() {
    }

    public static String version() {
        throw stub();
    }

    public static void send(String host, int port, String job, String to, String subject, String text)
            throws jakarta.mail.MessagingException {
        throw stub();
    }

    private static IllegalStateException stub() {
        return new IllegalStateException("compile-time stub of org.example.jobs.mail.Mailer: the real one comes "
                + "from the modules jar (is target/classes on the class path instead of the jar?)");
    }
}
