package org.example.jobs.mail;

import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The swappable mail module, version 1: plain mail. Every bounce comes back to one postmaster
 * box, so nobody can tell which recipient's address bounced.
 */
public final class Mailer {
    static final String FROM = "jobs@jobs.example.org";

    private Mailer() {
    }

    /** What this version does, for people (the job server's {@code /status}). */
    public static String version() {
        return "1 (plain)";
    }

    /** Sends one mail through a real SMTP conversation with {@code host:port}. */
    public static void send(String host, int port, String job, String to, String subject, String text)
            throws MessagingException {
        Properties smtp = new Properties();
        smtp.setProperty("mail.smtp.host", host);
        smtp.setProperty("mail.smtp.port", Integer.toString(port));
        smtp.setProperty("mail.smtp.connectiontimeout", "10000");
        smtp.setProperty("mail.smtp.timeout", "10000");
        // The name for HELO/EHLO: without it every connection asks the resolver for this host's name.
        smtp.setProperty("mail.smtp.localhost", "jobs.example.org");
        // The envelope sender (SMTP MAIL FROM): where bounces go. The receiving server records it
        // as the Return-Path.
        smtp.setProperty("mail.smtp.from", ReturnPath.of(to));
        MimeMessage message = new MimeMessage(Session.getInstance(smtp));
        message.setFrom(new InternetAddress(FROM));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setHeader("X-Job", job);
        message.setText(text);
        Transport.send(message);
    }
}
