package org.example.jobs.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.example.jobs.demo.JobStory.Mail;
import org.example.jobs.demo.JobStory.Outcome;
import org.example.jobs.demo.JobStory.Setup;

/**
 * The one-command demo: {@code java -jar sample-app/target/modulets-sample.jar [--jobs N]}.
 *
 * <p>Compiles the two versions of the mail module, starts an SMTP server on loopback, and tells
 * the job server's story ({@link JobStory}) twice: to a job server started with the modulets agent,
 * then to the same command line without it. Prints which job sent which kind of mail, whether
 * any job mixed the versions, and the generations. Exit code 0 when the run with the agent kept
 * the promise and the run without it did not; 1 otherwise; 2 on bad usage.
 */
public final class JobDemo {
    private static final int DEFAULT_JOBS = 100;
    /** Each waiting job holds a thread of the server: keep it a demo. */
    private static final int MAX_JOBS = 500;
    private static final PrintStream OUT = System.out;

    private JobDemo() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = jobs(args);
        Path sampleJar = runningJar();
        Path agentJar = agentJar(sampleJar);
        if (!Files.isRegularFile(agentJar)) {
            usage("agent jar not found at " + agentJar
                    + ": build it first with mvn -q -DskipTests package (or set -Dmodulets.agent.jar=...)");
        }
        Path work = Files.createTempDirectory("modulets-jobs-demo-");
        Path versions = MailVersions.writeAll(work.resolve("versions"));
        String java = javaCommand();
        Consumer<String> narrate = line -> {
            OUT.println(line.replace(work.toString(), "$WORK"));
            OUT.flush();
        };
        OUT.println("(WORK=" + work + ")");

        OUT.println("== with modulets: " + jobs + " users register, mail module 2 is deployed while their jobs wait, "
                + jobs + " more register ==");
        Outcome with = story(new Setup(java, agentJar, sampleJar, versions, work.resolve("with-agent"),
                jobs, jobs, Duration.ofSeconds(20)), narrate, work);
        Verdict withVerdict = print(with, true);

        OUT.println();
        OUT.println("== without the agent: the same command line, less -javaagent ==");
        Outcome without = story(new Setup(java, null, sampleJar, versions, work.resolve("without-agent"),
                jobs, jobs, Duration.ofSeconds(2)), narrate, work);
        Verdict withoutVerdict = print(without, false);

        OUT.println();
        boolean withKept = withVerdict.promiseKept() && with.exitCode() == 0;
        boolean withoutBroken = !withoutVerdict.promiseKept();
        if (withKept && withoutBroken) {
            OUT.println("Summary: with modulets every job kept the mail module it started with, and new jobs used VERP; "
                    + "without the agent " + (withoutVerdict.wrongVersion().size() + withoutVerdict.mixed().size())
                    + " of " + (2 * jobs) + " jobs got the wrong version.");
            MailVersions.deleteTree(work);
            System.exit(0);
        }
        OUT.println("Summary: FAILED: " + (withKept ? "" : "with modulets the promise was broken (exit " + with.exitCode() + "); ")
                + (withoutBroken ? "" : "without the agent the story came out right, so the demo shows nothing; ")
                + "files kept in " + work);
        System.exit(1);
    }

    /** Runs the story; if it cannot be told to its end (a time-out, a server that died), says why and exits 1. */
    private static Outcome story(Setup setup, Consumer<String> narrate, Path work) throws InterruptedException {
        try {
            return JobStory.run(setup, narrate);
        } catch (IOException e) {
            OUT.println(e.getMessage());
            OUT.println();
            OUT.println("Summary: FAILED: the story stopped half-way (above); files kept in " + work);
            System.exit(1);
            return null;
        }
    }

    /**
     * The transcript of one run; returns its verdict. Without the agent, jobs that kept the old mail
     * module are what the demo sets out to show, so that line reads as expected, not as a failure.
     */
    private static Verdict print(Outcome outcome, boolean withAgent) {
        OUT.println("what the SMTP server received (the envelope sender, Return-Path, of each job's two mails):");
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        Map<String, Mail> examples = new LinkedHashMap<>();
        for (int job = 1; job <= outcome.early() + outcome.late(); job++) {
            List<Mail> mails = outcome.mailsOf(job);
            Mail confirmation = Verdict.only(mails, JobStory.CONFIRMATION);
            Mail welcome = Verdict.only(mails, JobStory.WELCOME);
            String key = (outcome.startedAfterDeploy(job) ? "registered after the deploy:  " : "registered before the deploy: ")
                    + "confirmation " + kind(confirmation) + ", welcome " + kind(welcome);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(job);
            examples.putIfAbsent(key, welcome != null ? welcome : confirmation);
        }
        groups.forEach((key, jobs) -> {
            Mail example = examples.get(key);
            OUT.printf("  jobs %-9s %s%s%n", ranges(jobs), key,
                    example == null ? "" : "   (job " + example.job() + ": " + example.returnPath() + ")");
        });
        Verdict verdict = Verdict.of(outcome);
        OUT.println(verdict.mixed().isEmpty() ? "no job mixed the versions"
                : verdict.mixed().size() + " jobs MIXED the versions: " + ranges(verdict.mixed()));
        if (!verdict.wrongVersion().isEmpty() && withAgent) {
            OUT.println("WRONG: jobs " + ranges(verdict.wrongVersion())
                    + " did not use the mail module that was current when they were registered");
        } else if (!verdict.wrongVersion().isEmpty()) {
            OUT.println("as expected without the agent: jobs " + ranges(verdict.wrongVersion())
                    + " still used mail module 1, although module 2 was deployed before they registered");
        }
        if (!verdict.incomplete().isEmpty()) {
            OUT.println("WRONG: jobs " + ranges(verdict.incomplete()) + " did not send exactly one confirmation and one welcome");
        }
        if (!verdict.badVerp().isEmpty()) {
            OUT.println("WRONG: jobs " + ranges(verdict.badVerp()) + " sent a VERP return path that does not encode their recipient");
        }
        // The CLI will show the generations; until it exists, JobStory collects the agent's log lines.
        OUT.println("generations (as the agent logged them):");
        if (outcome.generations().isEmpty()) {
            OUT.println("  none: no agent");
        }
        outcome.generations().forEach(line -> OUT.println("  " + line));
        if (outcome.exitCode() != 0) {
            OUT.println("the job server exited with " + outcome.exitCode() + ":");
            OUT.println(outcome.serverOutput());
        }
        return verdict;
    }

    private static String kind(Mail mail) {
        return mail == null ? "MISSING" : mail.verp() ? "VERP" : "plain";
    }

    /** 1-100, 104, 110-120 */
    static String ranges(List<Integer> numbers) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < numbers.size()) {
            int j = i;
            while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
                j++;
            }
            text.append(text.length() == 0 ? "" : ", ").append(numbers.get(i));
            if (j > i) {
                text.append('-').append(numbers.get(j));
            }
            i = j + 1;
        }
        return text.toString();
    }

    private static int jobs(String[] args) {
        if (args.length == 0) {
            return DEFAULT_JOBS;
        }
        if (args.length == 2 && args[0].equals("--jobs") && args[1].matches("\\d{1,3}")) {
            int jobs = Integer.parseInt(args[1]);
            if (jobs >= 1 && jobs <= MAX_JOBS) {
                return jobs;
            }
        }
        usage("usage: java -jar modulets-sample.jar [--jobs N]   (N users register before the deploy and N after; 1-"
                + MAX_JOBS + ", default " + DEFAULT_JOBS + ")");
        return -1;
    }

    private static void usage(String line) {
        System.err.println(line.startsWith("usage") ? line : "modulets demo: " + line);
        System.exit(2);
    }

    /** The jar this class runs from; its lib/ folder holds Jakarta Mail and GreenMail. */
    private static Path runningJar() throws URISyntaxException {
        Path here = Path.of(JobDemo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(here)) {
            usage("run it from the jar: java -jar sample-app/target/modulets-sample.jar (not from " + here + ")");
        }
        return here;
    }

    private static Path agentJar(Path sampleJar) {
        String configured = System.getProperty("modulets.agent.jar");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return sampleJar.getParent().resolve("../../agent/target/modulets-agent.jar").normalize();
    }

    /** The same java as the demo's. */
    static String javaCommand() {
        Path java = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name").startsWith("Windows") ? "java.exe" : "java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }
}
