package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.example.jobs.demo.JobStory;
import org.example.jobs.demo.JobStory.Mail;
import org.example.jobs.demo.JobStory.Outcome;
import org.example.jobs.demo.MailVersions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WithoutTheAgent;
import io.modulets.testkit.WorkDirs;

/**
 * The demo's job server (sample-app's {@code org.example.jobs.JobServer}) in a child JVM, told
 * the demo's story by {@link JobStory}: users register, version 2 of the swappable mail module
 * (VERP) is deployed while their jobs wait for replies, more users register, every job gets its
 * reply and sends a welcome mail. What is asserted is what a real SMTP server (GreenMail, in
 * this JVM) received: the envelope sender of each job's two mails.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobServerIT {
    private static final int EARLY = 8;
    private static final int LATE = 8;
    private static final String PLAIN = JobStory.PLAIN_RETURN_PATH;

    private static Path versions;

    @BeforeAll
    static void compileMailVersions() throws IOException {
        versions = MailVersions.writeAll(WorkDirs.forClass(JobServerIT.class).resolve("versions"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void withAgent_waitingJobsKeepPlainMailAndNewJobsUseVerp(Jdk jdk, TestInfo info) throws Exception {
        Outcome o = story(jdk, Artifacts.agentJar(), info, Duration.ofSeconds(20));
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals("1 (plain)", o.atStart().mail(), "the server starts on mail module 1"));
        checks.add(() -> assertEquals("2 (VERP)", o.afterDeploy().mail(),
                "renaming mail-2.jar over mail.jar must make version 2 current for new requests"));
        checks.add(() -> assertTrue(o.generations().stream().anyMatch(l -> l.matches("modulets: generation 2 \\(2\\.0, \\w+\\) is current \\(was 1\\)")),
                () -> "the agent logs the activation of generation 2: " + o.generations()));
        checks.add(() -> assertEquals(2 * (EARLY + LATE), o.mails().size(), "every job sends two mails, nothing else is sent"));
        for (int job = 1; job <= EARLY + LATE; job++) {
            int j = job;
            // Jobs 1..EARLY send their welcome after the deploy: it must still be version 1's.
            String expected = o.startedAfterDeploy(j) ? "VERP with its own recipient" : PLAIN;
            checks.add(() -> assertEquals(List.of(JobStory.CONFIRMATION + " " + expected, JobStory.WELCOME + " " + expected),
                    o.mailsOf(j).stream().map(m -> m.subject() + " " + kind(m)).sorted().toList(),
                    () -> "job " + j + " (registered " + (o.startedAfterDeploy(j) ? "after" : "before")
                            + " the deploy) must send both its mails with the mail module current when it was registered"));
        }
        checks.add(() -> assertEquals(0, o.exitCode(), "the job server exits 0 when no job failed"));
        assertAll(o.serverOutput(), checks.stream());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    @WithoutTheAgent
    void withoutAgent_theSameServerSendsPlainMailForever(Jdk jdk, TestInfo info) throws Exception {
        Outcome o = story(jdk, null, info, Duration.ofSeconds(1));
        assertAll(o.serverOutput(),
                () -> assertEquals(-1, o.swapMillis(), "without the agent nothing activates the new jar"),
                () -> assertEquals(2 * (EARLY + LATE), o.mails().size(), "every job sends two mails"),
                () -> assertTrue(o.mails().stream().noneMatch(Mail::verp),
                        "without the agent the jobs registered after the deploy still send plain mail: the story can fail"),
                () -> assertEquals(List.of(), o.generations(), "no agent, no generations"),
                () -> assertEquals(0, o.exitCode(), "the job server exits 0 when no job failed"));
    }

    /** {@code java -jar modulets-sample.jar}, the README's demo command, with fewer jobs. */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void theDemoShowsThePromiseKeptWithTheAgentAndBrokenWithout(Jdk jdk, TestInfo info) {
        Path work = WorkDirs.forTest(info);
        ChildJvm.Result r = ChildJvm.on(jdk).fullJit()
                .jvmOptions("-Dmodulets.agent.jar=" + Artifacts.agentJar(), "-Djava.io.tmpdir=" + work)
                .jar(Artifacts.sampleJar())
                .args("--jobs", 5)
                .timeout(Duration.ofSeconds(100))
                .outputIn(work)
                .name("demo")
                .run();
        List<String> lines = r.lines();
        assertAll(r.describe(),
                () -> assertTrue(lines.stream().anyMatch(l -> l.matches("  jobs 1-5 +registered before the deploy: confirmation plain, welcome plain .*")),
                        "with the agent and without it, the waiting jobs send plain mail"),
                () -> assertTrue(lines.stream().anyMatch(l -> l.matches("  jobs 6-10 +registered after the deploy: +confirmation VERP, welcome VERP .*")),
                        "with the agent the jobs registered after the deploy send VERP"),
                () -> assertTrue(lines.stream().anyMatch(l -> l.matches("  jobs 6-10 +registered after the deploy: +confirmation plain, welcome plain .*")),
                        "without the agent they still send plain mail"),
                () -> assertTrue(lines.stream().anyMatch(l -> l.startsWith("Summary: with modulets every job kept the mail module it started with")),
                        "the summary says the promise was kept with the agent and broken without"),
                () -> assertEquals(0, r.exitCode(), "the demo exits 0 when it showed what it should"));
    }

    private static Outcome story(Jdk jdk, Path agentJar, TestInfo info, Duration swapWait) throws Exception {
        Path work = WorkDirs.forTest(info);
        return JobStory.run(new JobStory.Setup(jdk.java().toString(), agentJar, Artifacts.sampleJar(), versions, work,
                EARLY, LATE, swapWait), line -> { });
    }

    private static String kind(Mail mail) {
        if (!mail.verp()) {
            return PLAIN;
        }
        return mail.returnPath().equals(mail.ownVerpReturnPath()) ? "VERP with its own recipient" : "VERP " + mail.returnPath();
    }
}
