package org.example.jobs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.example.jobs.demo.JobStory.Mail;
import org.example.jobs.demo.JobStory.Outcome;
import org.junit.jupiter.api.Test;

/** The demo's judgement: what counts as a mixed, a wrong, an incomplete job. */
class VerdictTest {
    private static final String PLAIN = JobStory.PLAIN_RETURN_PATH;

    @Test
    void oldJobsPlainAndNewJobsWithTheirOwnVerpKeepThePromise() {
        List<Mail> mails = new ArrayList<>();
        both(mails, 1, PLAIN);
        both(mails, 2, verp(2));
        Verdict verdict = Verdict.of(outcome(1, 1, mails));
        assertTrue(verdict.promiseKept(), verdict::toString);
    }

    @Test
    void eachWayOfBreakingThePromiseIsNamedByJob() {
        List<Mail> mails = new ArrayList<>();
        mails.add(mail(1, JobStory.CONFIRMATION, PLAIN));
        mails.add(mail(1, JobStory.WELCOME, verp(1)));          // mixed: plain, then VERP
        both(mails, 2, PLAIN);                                   // wrong: started after the deploy, sent plain
        mails.add(mail(3, JobStory.CONFIRMATION, verp(3)));     // incomplete: no welcome
        both(mails, 4, verp(99));                                // VERP, but of another recipient
        Verdict verdict = Verdict.of(outcome(1, 3, mails));
        assertFalse(verdict.promiseKept());
        assertEquals(List.of(1), verdict.mixed());
        assertEquals(List.of(2), verdict.wrongVersion());
        assertEquals(List.of(3), verdict.incomplete());
        assertEquals(List.of(4), verdict.badVerp());
    }

    @Test
    void aJobStartedBeforeTheDeployThatSendsVerpIsWrong() {
        List<Mail> mails = new ArrayList<>();
        both(mails, 1, verp(1));
        assertEquals(List.of(1), Verdict.of(outcome(1, 0, mails)).wrongVersion());
    }

    @Test
    void rangesNameConsecutiveJobsOnce() {
        assertEquals("1-3, 5, 7-8", JobDemo.ranges(List.of(1, 2, 3, 5, 7, 8)));
        assertEquals("", JobDemo.ranges(List.of()));
    }

    private static Outcome outcome(int early, int late, List<Mail> mails) {
        return new Outcome(List.of("java"), early, late, null, null, -1, mails, List.of(), 0, "");
    }

    private static void both(List<Mail> mails, int job, String returnPath) {
        mails.add(mail(job, JobStory.CONFIRMATION, returnPath));
        mails.add(mail(job, JobStory.WELCOME, returnPath));
    }

    private static Mail mail(int job, String subject, String returnPath) {
        return new Mail(job, subject, recipient(job), returnPath);
    }

    private static String recipient(int job) {
        return String.format("user%03d@example.org", job);
    }

    private static String verp(int job) {
        return "bounces+" + recipient(job).replace('@', '=') + "@jobs.example.org";
    }
}
