package org.example.jobs.demo;

import java.util.ArrayList;
import java.util.List;

import org.example.jobs.demo.JobStory.Mail;
import org.example.jobs.demo.JobStory.Outcome;

/**
 * The promise, judged on what the SMTP server received: every job sent one confirmation and one
 * welcome; no job mixed plain and VERP; jobs registered before the deploy sent plain mail, those
 * registered after it VERP that encodes their own recipient.
 */
record Verdict(List<Integer> incomplete, List<Integer> mixed, List<Integer> wrongVersion, List<Integer> badVerp) {

    static Verdict of(Outcome outcome) {
        List<Integer> incomplete = new ArrayList<>();
        List<Integer> mixed = new ArrayList<>();
        List<Integer> wrongVersion = new ArrayList<>();
        List<Integer> badVerp = new ArrayList<>();
        for (int job = 1; job <= outcome.early() + outcome.late(); job++) {
            List<Mail> mails = outcome.mailsOf(job);
            Mail confirmation = only(mails, JobStory.CONFIRMATION);
            Mail welcome = only(mails, JobStory.WELCOME);
            if (mails.size() != 2 || confirmation == null || welcome == null) {
                incomplete.add(job);
                continue;
            }
            if (confirmation.verp() != welcome.verp()) {
                mixed.add(job);
            } else if (confirmation.verp() != outcome.startedAfterDeploy(job)) {
                wrongVersion.add(job);
            }
            for (Mail mail : mails) {
                if (mail.verp() && !mail.returnPath().equals(mail.ownVerpReturnPath()) && !badVerp.contains(job)) {
                    badVerp.add(job);
                }
            }
        }
        return new Verdict(incomplete, mixed, wrongVersion, badVerp);
    }

    boolean promiseKept() {
        return incomplete.isEmpty() && mixed.isEmpty() && wrongVersion.isEmpty() && badVerp.isEmpty();
    }

    static Mail only(List<Mail> mails, String subject) {
        List<Mail> matching = mails.stream().filter(m -> subject.equals(m.subject())).toList();
        return matching.size() == 1 ? matching.get(0) : null;
    }
}
