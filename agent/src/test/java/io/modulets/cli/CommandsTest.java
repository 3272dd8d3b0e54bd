package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The commands against a {@link FakeAgent}: arguments, output, exit codes. */
class CommandsTest {
    final FakeAgent agent = new FakeAgent();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        return Main.run(agent, new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    @Test
    void statusIsAnAlignedList() {
        agent.newGeneration("2.0", "7aa8ebdc0553ffeeddcc", 3);
        assertEquals(0, run("status", "1234"), err());
        assertEquals(""
                + "JVM 1234\n"
                + "agent           0.1.0-TEST\n"
                + "current         generation 2 (2.0, 7aa8ebdc0553) since 2026-11-26T02:42:00Z\n"
                + "canary          none\n"
                + "loaded          2 generations (1 current, 1 draining)\n"
                + "activations     2\n"
                + "rejections      0\n"
                + "last rejection  none\n"
                + "drain warning   none\n"
                + "modules         /srv/jobs\n"
                + "store           /home/u/.cache/modulets/store\n"
                + "swappable       com.acme.jobs\n"
                + "shared          none\n", out());
        assertEquals(JvmAddress.ofPid(1234), agent.openedWith);
        assertTrue(agent.closed, "the connection is closed");
    }

    @Test
    void statusShowsTheLastRejectionWithoutTheAgentsPrefix() {
        assertEquals(1, run("rollback", "1234"));
        assertEquals(0, run("status", "1234"), err());
        assertTrue(out().contains("\nrejections      1\nlast rejection  rollback refused: generation 1 has no previous generation\n"),
                out());
    }

    @Test
    void statusShowsTheLastDrainWarningWithoutTheAgentsPrefix() {
        agent.lastDrainWarning = "modulets: generation 1 (1.0, 9d9688116356) has been draining for more than 1 min: 1"
                + " thread is bound to it: thread 'poller'";
        assertEquals(0, run("status", "1234"), err());
        assertTrue(out().contains("\ndrain warning   generation 1 (1.0, 9d9688116356) has been draining for more than"
                + " 1 min: 1 thread is bound to it: thread 'poller'\n"), out());
    }

    @Test
    void statusAsJson() {
        assertEquals(0, run("status", "1234", "--json"), err());
        assertEquals("{\n"
                + "  \"jvm\": \"JVM 1234\",\n"
                + "  \"agentVersion\": \"0.1.0-TEST\",\n"
                + "  \"currentGeneration\": {\n"
                + "    \"id\": 1,\n"
                + "    \"state\": \"current\",\n"
                + "    \"label\": \"1.0\",\n"
                + "    \"hash\": \"9d9688116356aabbccdd\",\n"
                + "    \"liveTasks\": 0,\n"
                + "    \"since\": \"2026-11-26T02:41:07Z\",\n"
                + "    \"tasksStarted\": 0,\n"
                + "    \"tasksCompleted\": 0,\n"
                + "    \"tasksFailed\": 0\n"
                + "  },\n"
                + "  \"canary\": null,\n"
                + "  \"loadedGenerations\": 1,\n"
                + "  \"activations\": 1,\n"
                + "  \"rejections\": 0,\n"
                + "  \"lastRejection\": null,\n"
                + "  \"lastDrainWarning\": null,\n"
                + "  \"modulesDirectory\": \"/srv/jobs\",\n"
                + "  \"storeDirectory\": \"/home/u/.cache/modulets/store\",\n"
                + "  \"swappablePackages\": [\n"
                + "    \"com.acme.jobs\"\n"
                + "  ],\n"
                + "  \"sharedPackages\": []\n"
                + "}\n", out());
    }

    @Test
    void generationsIsATable() {
        agent.newGeneration("2.0", "7aa8ebdc0553ffeeddcc", 3);
        agent.outcomes(1, 120, 110, 7);
        assertEquals(0, run("generations", "service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi"), err());
        assertEquals(""
                + "ID  STATE     LABEL  HASH          LIVE TASKS  STARTED  COMPLETED  FAILED  SINCE\n"
                + " 1  draining  1.0    9d9688116356           3      120        110       7  2026-11-26T02:42:00Z\n"
                + " 2  current   2.0    7aa8ebdc0553           0        0          0       0  2026-11-26T02:42:00Z\n", out());
        assertTrue(agent.credentialsGiven.isNone());
    }

    @Test
    void generationsAsJsonCarryTheFullHash() {
        assertEquals(0, run("generations", "--json", "7"), err());
        assertTrue(out().contains("\"current\": 1,"), out());
        assertTrue(out().contains("\"hash\": \"9d9688116356aabbccdd\""), out());
    }

    @Test
    void outcomesIsATableWithTheExceptionsBelow() {
        agent.newGeneration("2.0", "7aa8ebdc0553ffeeddcc", 3);
        agent.outcomes(1, 120, 110, 7);
        assertEquals(0, run("outcomes", "1234"), err());
        assertEquals(""
                + "ID  STATE     STARTED  COMPLETED  FAILED  RUNNING    MEAN     P50      P99     MAX"
                + "  THROWN  THROWING  REQUESTS  5XX  4XX  REQ P50   REQ P99  JOBS  JOBS FAILED\n"
                + " 1  draining      120        110       7        3  1.5 us  1.0 us  4.19 ms  2.50 s"
                + "      14         7       110    7    3  1.21 ms  31.20 ms     7            1\n"
                + " 2  current         0          0       0        0       -       -        -       -"
                + "       0         0         0    0    0        -         -     0            0\n"
                + "failed runs by exception class (most frequent first):\n"
                + "  generation 1: java.lang.IllegalStateException 7\n"
                + "thrown by its code into shell code, caught or not, by exception class (most frequent first):\n"
                + "  generation 1: java.lang.IllegalStateException 7\n"
                + "  generation 1: java.io.UncheckedIOException 7\n"
                + "failed job runs by exception class (most frequent first):\n"
                + "  generation 1: org.quartz.JobExecutionException 1\n", out());
    }

    @Test
    void outcomesOfOneGenerationAsJson() {
        agent.outcomes(1, 12, 9, 2);
        assertEquals(0, run("outcomes", "1234", "1", "--json"), err());
        assertEquals("{\n"
                + "  \"generations\": [\n"
                + "    {\n"
                + "      \"id\": 1,\n"
                + "      \"state\": \"current\",\n"
                + "      \"started\": 12,\n"
                + "      \"completed\": 9,\n"
                + "      \"failed\": 2,\n"
                + "      \"running\": 1,\n"
                + "      \"meanRunNanos\": 1500,\n"
                + "      \"p50RunNanos\": 1023,\n"
                + "      \"p99RunNanos\": 4194303,\n"
                + "      \"maxRunNanos\": 2500000000,\n"
                + "      \"exceptions\": [\n"
                + "        {\n"
                + "          \"class\": \"java.lang.IllegalStateException\",\n"
                + "          \"count\": 2\n"
                + "        }\n"
                + "      ],\n"
                + "      \"thrown\": 4,\n"
                + "      \"tasksThrowing\": 2,\n"
                + "      \"thrownExceptions\": [\n"
                + "        {\n"
                + "          \"class\": \"java.lang.IllegalStateException\",\n"
                + "          \"count\": 2\n"
                + "        },\n"
                + "        {\n"
                + "          \"class\": \"java.io.UncheckedIOException\",\n"
                + "          \"count\": 2\n"
                + "        }\n"
                + "      ],\n"
                + "      \"requests\": 9,\n"
                + "      \"serverErrors\": 2,\n"
                + "      \"clientErrors\": 1,\n"
                + "      \"requestsTimed\": 9,\n"
                + "      \"p50RequestNanos\": 1212415,\n"
                + "      \"p99RequestNanos\": 31195135,\n"
                + "      \"jobRuns\": 2,\n"
                + "      \"jobRunsFailed\": 1,\n"
                + "      \"jobExceptions\": [\n"
                + "        {\n"
                + "          \"class\": \"org.quartz.JobExecutionException\",\n"
                + "          \"count\": 1\n"
                + "        }\n"
                + "      ]\n"
                + "    }\n"
                + "  ]\n"
                + "}\n", out());
    }

    @Test
    void outcomesOfAnUnknownGenerationIsOneLine() {
        assertEquals(1, run("outcomes", "1234", "9"));
        assertEquals("modulets: JVM 1234 has no MBean for generation 9\n", err());
    }

    @Test
    void activateSendsAbsolutePathsForAPid() {
        assertEquals(0, run("activate", "1234", "build/mail.jar", "/abs/../srv/other.jar"), err());
        String cwd = Path.of("").toAbsolutePath().toString();
        assertEquals(List.of(List.of(cwd + "/build/mail.jar", "/srv/other.jar")), agent.activated);
        assertEquals("generation 2 (2.0, 7aa8ebdc0553) is current (was 1)\n", out());
        assertEquals("", err());
    }

    @Test
    void activateSendsAUrlTargetTheJarsBytesAndActivatesTheStagedCopy(@TempDir Path dir) throws Exception {
        byte[] content = new byte[JarUpload.CHUNK * 2 + 7]; // three chunks, the last a short one
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Path jar = Files.write(dir.resolve("mail.jar"), content);
        String sha256 = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(content));

        assertEquals(0, run("activate", "service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi", jar.toString()), err());

        String staged = "/store/received/" + sha256 + "/mail.jar";
        assertEquals(List.of(List.of(staged)), agent.activated, "the agent's staged copy, not this machine's path");
        assertTrue(java.util.Arrays.equals(content, agent.staged.get(staged)), "every byte, in order");
    }

    @Test
    void anAgentThatCannotReceiveBytesIsOneLineAndNothingIsActivated(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("mail.jar"), new byte[] {1, 2, 3});
        agent.withoutReceiveJar = true;

        assertEquals(1, run("activate", "service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi", jar.toString()));

        assertEquals("modulets: the agent (version 0.1.0-TEST) cannot receive a jar over JMX: it predates receiveJar;"
                + " upgrade it, or run this command on its host and give the pid\n", err());
        assertEquals(List.of(), agent.activated);
    }

    @Test
    void aJarThatIsNotHereForAUrlIsAUsageErrorAndNothingIsSent() {
        assertEquals(2, run("activate", "service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi", "/srv/none/mail.jar"));
        assertTrue(err().startsWith("modulets: JAR /srv/none/mail.jar: no such file here (for a JMX service URL the"
                + " CLI reads the jar and sends its bytes)"), err());
        assertEquals(List.of(), agent.activated);
        assertEquals(null, agent.openedWith, "not even connected");
    }

    @Test
    void activateAsJson() {
        assertEquals(0, run("activate", "--json", "1234", "/a.jar"), err());
        assertTrue(out().startsWith("{\n  \"current\": {\n    \"id\": 2,"), out());
        assertTrue(out().endsWith("  \"previous\": 1,\n  \"changed\": true\n}\n"), out());
    }

    @Test
    void aRefusalIsOneLineOnStderrAndExitCodeOne() {
        assertEquals(1, run("activate", "1234", "/srv/refused.jar"));
        assertEquals("", out());
        List<String> lines = err().lines().toList();
        assertEquals(1, lines.size(), err());
        assertEquals("modulets: deploy of [refused.jar] refused, generation 1 (1.0, 9d9688116356) stays current: link check:"
                + " static method com.acme.jobs.Mail.send()V is missing, used by shell com.acme.Server.handle", lines.get(0));
        assertEquals(1, agent.current);
        assertTrue(agent.closed, "the connection is closed after a refusal too");
    }

    @Test
    void activateCanarySaysSoAndSetsThePolicy() {
        assertEquals(0, run("activate", "1234", "--canary", "5%", "--abort-margin", "2%", "--abort-min-tasks", "50",
                "/srv/mail.jar"), err());
        assertEquals("generation 2 (2.0, 7aa8ebdc0553) is a canary for 5% of new root tasks (generation 1 stays current;"
                + " abort above the current generation's failure, thrown-exception, 5xx or failed-job rate + 2%"
                + " (99% confidence) after 50 ended tasks)\n", out());
        assertEquals(1, agent.current);
        out.getBuffer().setLength(0);
        assertEquals(0, run("status", "1234"), err());
        assertTrue(out().contains("\ncanary          generation 2 (2.0, 7aa8ebdc0553) for 5% of new root tasks since"
                + " 2026-11-26T02:42:00Z; abort above the current generation's failure, thrown-exception, 5xx or"
                + " failed-job rate + 2% (99% confidence) after 50 ended tasks\n"),
                out());
    }

    @Test
    void aSecondCanaryIsRefusedInOneLine() {
        assertEquals(0, run("activate", "1234", "--canary", "5%", "/srv/mail.jar"), err());
        assertEquals(1, run("activate", "1234", "--canary", "5%", "/srv/mail.jar"));
        assertEquals("modulets: deploy of [mail.jar] refused, generation 1 (1.0, 9d9688116356) stays current:"
                + " generation 2 (2.0, 7aa8ebdc0553) is a canary: promote or abort it first\n", err());
    }

    @Test
    void abortMarginWithoutCanaryIsAUsageError() {
        assertEquals(2, run("activate", "1234", "--abort-margin", "5%", "/srv/mail.jar"));
        assertTrue(err().startsWith("modulets: --abort-margin needs --canary"), err());
        assertEquals(List.of(), agent.activated);
    }

    @Test
    void promoteMakesTheCanaryCurrent() {
        assertEquals(0, run("activate", "1234", "--canary", "5%", "/srv/mail.jar"), err());
        out.getBuffer().setLength(0);
        assertEquals(0, run("promote", "1234"), err());
        assertEquals("generation 2 (2.0, 7aa8ebdc0553) is current (was 1)\n", out());
    }

    @Test
    void abortSaysWhichStaysCurrent() {
        assertEquals(0, run("activate", "1234", "--canary", "5%", "/srv/mail.jar"), err());
        out.getBuffer().setLength(0);
        assertEquals(0, run("abort", "1234"), err());
        assertEquals("canary generation 2 (2.0, 7aa8ebdc0553) aborted (generation 1 (1.0, 9d9688116356) stays current)\n",
                out());
        assertEquals(1, agent.current);
    }

    @Test
    void canaryPolicyChangesTheRunningCanarysAutomaticAbort() {
        assertEquals(1, run("canary-policy", "1234", "5%"));
        assertEquals("modulets: setCanaryPolicy refused: no canary is in progress\n", err());
        assertEquals(0, run("activate", "1234", "--canary", "5%", "/srv/mail.jar"), err());
        out.getBuffer().setLength(0);
        assertEquals(0, run("canary-policy", "1234", "2%", "--min-tasks", "30"), err());
        assertEquals("canary generation 2 (2.0, 7aa8ebdc0553): abort above the current generation's failure,"
                + " thrown-exception, 5xx or failed-job rate + 2% (99% confidence) after 30 ended tasks\n", out());
        assertEquals(2, run("canary-policy", "1234", "2%", "--min-tasks", "0"));
        out.getBuffer().setLength(0);
        assertEquals(0, run("canary-policy", "1234", "2%", "--latency", "1.5x"), err());
        assertEquals("canary generation 2 (2.0, 7aa8ebdc0553): abort above the current generation's failure,"
                + " thrown-exception, 5xx or failed-job rate + 2% (99% confidence) after 100 ended tasks, or at a p99"
                + " latency above 1.5x the current generation's\n", out());
    }

    @Test
    void promoteOrAbortWithoutACanaryIsRefused() {
        assertEquals(1, run("promote", "1234"));
        assertEquals(1, run("abort", "1234"));
        assertEquals("modulets: promote refused: no canary is in progress (current: generation 1)\n"
                + "modulets: abort refused: no canary is in progress (current: generation 1)\n", err());
    }

    @Test
    void rollbackSaysWhichGenerationIsCurrent() {
        agent.newGeneration("2.0", "7aa8ebdc0553ffeeddcc", 3);
        assertEquals(0, run("rollback", "1234"), err());
        assertEquals("generation 1 (1.0, 9d9688116356) is current (was 2)\n", out());
    }

    @Test
    void aRollbackSaysWhatItReplacedWhenADeployFinishedDuringTheCall() {
        // Read before the call: generation 1; a deploy makes 2 current; the rollback returns to 1.
        agent.duringRollback = () -> agent.newGeneration("2.0", "7aa8ebdc0553ffeeddcc", 0);
        assertEquals(0, run("rollback", "1234"), err());
        assertEquals("generation 1 (1.0, 9d9688116356) is current (was 2)\n", out(),
                "not '(unchanged: it was already)'");
    }

    @Test
    void aRollbackSaysInJsonThatItChangedTheGenerationWhenADeployFinishedDuringTheCall() {
        agent.duringRollback = () -> agent.newGeneration("2.0", "7aa8ebdc0553ffeeddcc", 0);
        assertEquals(0, run("rollback", "1234", "--json"), err());
        assertTrue(out().contains("\n  \"previous\": 2,\n  \"changed\": true\n}"), out());
    }

    @Test
    void aRollbackFollowedByAnotherDeploySaysSo() {
        agent.newGeneration("2.0", "7aa8ebdc0553ffeeddcc", 0);
        agent.afterRollback = () -> agent.newGeneration("3.0", "1bb8ebdc0553ffeeddcc", 0);
        assertEquals(0, run("rollback", "1234"), err());
        assertEquals("generation 1 (1.0, 9d9688116356) was made current; a deploy finished since, and generation 3"
                + " is current now\n", out());
    }

    @Test
    void rollbackWithNothingToRollBackToIsRefused() {
        assertEquals(1, run("rollback", "1234"));
        assertEquals("modulets: rollback refused: generation 1 has no previous generation\n", err());
    }

    @Test
    void rescanRefusedWithoutModules() {
        assertEquals(1, run("rescan", "1234"));
        assertEquals("modulets: rescan refused: no modules=DIR was given; activate jars instead\n", err());
    }

    @Test
    void packagesLists() {
        assertEquals(0, run("packages", "1234"), err());
        assertEquals("swappable  com.acme.jobs\nshared     none\n", out());
    }

    @Test
    void packagesChangesOneList() {
        assertEquals(0, run("packages", "1234", "--add-shared", "com.acme.util"), err());
        assertEquals("added shared package com.acme.util\nswappable  com.acme.jobs\nshared     com.acme.util\n", out());
    }

    @Test
    void packagesAsJson() {
        assertEquals(0, run("packages", "1234", "--add-swappable", "com.acme.mail", "--json"), err());
        assertEquals("{\n  \"swappablePackages\": [\n    \"com.acme.jobs\",\n    \"com.acme.mail\"\n  ],\n"
                + "  \"sharedPackages\": []\n}\n", out());
    }

    @Test
    void packagesRefusalIsOneLine() {
        assertEquals(1, run("packages", "1234", "--add-swappable", "com.acme.loaded"));
        assertEquals("modulets: cannot make com.acme.loaded swappable: class com.acme.loaded.X is loaded by the app loader;"
                + " restart with packages=com.acme.loaded\n", err());
        assertEquals(List.of("com.acme.jobs"), agent.swappable);
    }

    @Test
    void twoPackageChangesAtOnceAreAUsageError() {
        assertEquals(2, run("packages", "1234", "--add-shared", "a", "--remove-shared", "b"));
        assertTrue(err().startsWith("modulets: Error: --add-shared=PREFIX, --remove-shared=PREFIX are mutually exclusive"), err());
        assertEquals(List.of(), agent.shared);
    }

    @Test
    void pinsOfEveryNonCurrentLoadedGeneration() {
        agent.newGeneration("2.0", "7aa8ebdc0553ffeeddcc", 3);
        agent.newGeneration("3.0", "5d0c6e1f2a3bffeeddcc", 1);
        agent.replace(1, "unloaded", 0);
        agent.pins.put(2, List.of("thread-local: pool-1-thread-1 holds com.acme.jobs.Cache"));
        assertEquals(0, run("pins", "1234"), err());
        assertEquals(""
                + "generation 2 (2.0, 7aa8ebdc0553) is draining, 1 live task\n"
                + "  thread-local: pool-1-thread-1 holds com.acme.jobs.Cache\n"
                + "  not looked at: threads' stacks in native code\n", out());
    }

    @Test
    void pinsOfOneGeneration() {
        agent.newGeneration("2.0", "7aa8ebdc0553ffeeddcc", 0);
        agent.replace(1, "retired", 0);
        assertEquals(0, run("pins", "1234", "1"), err());
        assertEquals(""
                + "generation 1 (1.0, 9d9688116356) is retired, 0 live tasks\n"
                + "  held by nothing the agent can see\n"
                + "  not looked at: threads' stacks in native code\n", out());
    }

    @Test
    void pinsWithOnlyTheCurrentGeneration() {
        assertEquals(0, run("pins", "1234", "--json"), err());
        assertEquals("{\n  \"generations\": []\n}\n", out());
    }

    @Test
    void pinsOfAnUnknownGenerationFails() {
        assertEquals(1, run("pins", "1234", "9"));
        assertEquals("modulets: JVM 1234 has no MBean for generation 9\n", err());
    }

    @Test
    void aBadJvmIsAUsageError() {
        assertEquals(2, run("status", "my-server"));
        assertTrue(err().startsWith("modulets: Invalid value for positional parameter at index 0 (JVM): 'my-server' is neither"
                + " a pid (1234) nor a JMX service URL"), err());
        assertTrue(err().contains("Try 'modulets status --help' for more information."), err());
    }

    @Test
    void aMissingJvmIsAUsageError() {
        assertEquals(2, run("generations"));
        assertTrue(err().contains("Missing required parameter: 'JVM'"), err());
    }

    @Test
    void activateNeedsAJar() {
        assertEquals(2, run("activate", "1234"));
        assertTrue(err().startsWith("modulets: give the new generation's jars: JAR... or --artifact G:A:V\n"), err());
    }

    @Test
    void aUserIsOnlyForAUrl() {
        assertEquals(2, run("status", "1234", "--user", "ops"));
        assertTrue(err().startsWith("modulets: --user applies to a JMX service URL"), err());
    }

    @Test
    void aUserNeedsAPassword() {
        assertEquals(2, run("status", "service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi", "--user", "ops"));
        assertTrue(err().startsWith("modulets: --user ops needs a password"), err());
    }

    @Test
    void thePasswordComesFromAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "s3cret\nignored\n", StandardCharsets.UTF_8);
        assertEquals(0, run("status", "service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi", "--user", "ops",
                "--password-file", file.toString()), err());
        assertEquals(new Credentials("ops", "s3cret".toCharArray()), agent.credentialsGiven);
        assertEquals("user ops", agent.credentialsGiven.toString(), "never prints the password");
    }

    @Test
    void rolloutRefusesBadArgumentsAsUsageErrorsBeforeContactingAnyTarget(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("v2.jar"), new byte[] {1});
        assertAll(
                () -> assertEquals(2, run("rollout", "1234")), // no --jar
                () -> assertEquals(2, run("rollout", "--jar", jar.toString(), "--canary", "0%", "1234")),
                () -> assertEquals(2, run("rollout", "--jar", jar.toString(), "--margin", "five", "1234")),
                () -> assertEquals(2, run("rollout", "--jar", jar.toString(), "--min-tasks", "0", "1234")),
                () -> assertEquals(2, run("rollout", "--jar", jar.toString(), "--waves", "0", "1234")),
                () -> assertEquals(2, run("rollout", "--jar", jar.toString(), "--timeout", "soon", "1234")),
                () -> assertEquals(2, run("rollout", "--jar", jar.toString(), "1234", "1234")),
                () -> assertEquals(2, run("rollout", "--jar", dir.resolve("none.jar").toString(), "1234")),
                () -> assertEquals(2, run("rollout", "--jar", dir.resolve("none.jar").toString(),
                        "service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi")));
        assertEquals(null, agent.openedWith, "no target was contacted");
        assertTrue(err().contains("modulets: a TARGET is given twice\n"), err());
    }

    @Test
    void aRolloutThatATargetRefusesTouchesNoTarget(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("v2-refused.jar"), new byte[] {1});
        assertEquals(1, run("rollout", "--jar", jar.toString(), "1234", "5678"));
        assertAll(err(),
                () -> assertEquals(List.of(), agent.activated, "nothing activated"),
                () -> assertEquals(0, agent.getCanary(), "no canary"),
                () -> assertEquals(1, agent.getCurrentGeneration()),
                () -> assertTrue(out().startsWith("TARGET    BEFORE   AFTER    TASKS JUDGED  FAILED  FAILED BEFORE"
                        + "  VERDICT\nJVM 1234  1 (1.0)  1 (1.0)"), out()),
                () -> assertTrue(out().contains("refused, no target was touched: JVM 1234: check of ["), out()),
                () -> assertTrue(err().endsWith("modulets: rollout refused: JVM 1234: check of [" + jar.toAbsolutePath()
                        + "] refused, generation 1 stays current: link: no; JVM 5678: check of [" + jar.toAbsolutePath()
                        + "] refused, generation 1 stays current: link: no\n"), err()));
    }

    @Test
    void rolloutLogsInToServiceUrlsWithTheGivenUser(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        Path refused = Files.write(dir.resolve("v2-refused.jar"), new byte[] {1});
        assertEquals(1, run("rollout", "--jar", refused.toString(), "--user", "ops", "--password-file",
                password.toString(), "service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi"), err());
        assertEquals(new Credentials("ops", "s3cret".toCharArray()), agent.credentialsGiven);
        String sha256 = "4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a"; // of the byte 1
        assertTrue(agent.staged.containsKey("/store/received/" + sha256 + "/v2-refused.jar"),
                "the jar was sent before its check: " + agent.staged.keySet());
        assertEquals(2, run("rollout", "--jar", refused.toString(), "--user", "ops", "--password-file",
                password.toString(), "1234"), "--user with pids only is a usage error");
        assertEquals(2, run("rollout", "--jar", refused.toString(), "--password-file", password.toString(),
                "service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi"), "--password-file without --user");
    }

    @Test
    void aConnectionFailureIsOneLine() {
        int code = Main.run((jvm, credentials) -> {
            throw new CliFailure("cannot connect to " + jvm + ": ConnectException: Connection refused");
        }, new PrintWriter(out, true), new PrintWriter(err, true), "status", "service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi");
        assertEquals(1, code);
        assertEquals("modulets: cannot connect to service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi: ConnectException:"
                + " Connection refused\n", err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "status", "generations", "activate", "rescan", "rollback", "promote", "abort",
        "canary-policy", "packages", "pins", "outcomes", "rollout", "completion"})
    void everyCommandHasHelp(String command) {
        assertEquals(0, run(command, "--help"));
        assertTrue(out().startsWith("Usage: modulets " + command), out());
        assertEquals(0, run("help", command));
    }

    @Test
    void completionIsABashScriptThatKnowsTheCommands() {
        assertEquals(0, run("completion"));
        assertAll(
                () -> assertTrue(out().startsWith("#!/usr/bin/env bash"), out()),
                () -> assertTrue(out().contains("complete -F _complete_modulets"), "registers the function"),
                () -> assertTrue(out().contains("generations"), "knows the commands"),
                () -> assertTrue(out().contains("--add-swappable"), "knows the options"));
    }
}
