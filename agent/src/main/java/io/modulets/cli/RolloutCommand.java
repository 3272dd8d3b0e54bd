package io.modulets.cli;

import io.modulets.config.Percent;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code rollout --jar FILE TARGET...} (or {@code --artifact G:A:V}): a version onto several JVMs, a canary first,
 * then in judged waves.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "Roll a jar out to several JVMs. First every target is checked, and none is touched if one refuses: it "
                    + "must be reachable, run the agent, have the first target's swappable packages and no canary "
                    + "in progress, and the jar must pass its own deploy checks (run without activating). Then the "
                    + "jar is a canary on the first target for --canary of new root tasks, with the agent's "
                    + "automatic abort set to --margin and --min-tasks; once the canary has --min-tasks ended "
                    + "tasks it is judged as the automatic abort judges (its failure rate, and its share of tasks "
                    + "in which its code threw, against the current generation's over the same time, within "
                    + "--margin) and promoted. The other targets follow in --waves waves; on each, the new "
                    + "generation is judged the same way over --min-tasks ended tasks against the generation it "
                    + "replaced there (that one's tasks from the check until it was replaced).",
            "A failed judgement, a refusal, a lost target, or a stage (the canary, a wave) that does not reach "
                    + "--min-tasks within --timeout stops the rollout: the canary is aborted and every target "
                    + "already moved is rolled back to the generation it had. So does Ctrl-C. One table says, per "
                    + "target, the generation before and after, the tasks judged, the failure rates and the verdict; "
                    + "progress goes to stderr.",
            "A target that is a pid reads the jar itself, at its absolute path here. To a target that is a JMX "
                    + "service URL the jar's bytes are sent over the JMX connection (checked by size and SHA-256, "
                    + "staged in the target's store) before its check, so it may be on another host with no shared "
                    + "file system. With --artifact instead of --jar the jar is fetched from a Maven repository into "
                    + "the local repository first, here, before any target is contacted, and handed over the same way.",
            "Exit codes: 0 rolled out to every target; 1 refused (nothing moved; an unreachable target is a "
                    + "refusal, as for every command) or stopped or interrupted (what moved was rolled back, the "
                    + "table says where each target is); 2 usage (nothing was contacted)."
        })
final class RolloutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    OutputOptions output;

    @Option(names = "--jar", paramLabel = "FILE", description = "The jar of the new version (or --artifact).")
    Path jar;

    @Mixin
    ArtifactOptions artifact;

    @Option(names = "--canary", paramLabel = "PERCENT", defaultValue = "5%",
            description = "The share of new root tasks the canary gets on the first target "
                    + "(default: ${DEFAULT-VALUE}).")
    String canary;

    @Option(names = "--margin", paramLabel = "PERCENT", defaultValue = "5%", description = "How much the new "
            + "generation's failure or thrown-exception rate may exceed the old one's (default: ${DEFAULT-VALUE}).")
    String margin;

    @Option(names = "--min-tasks", paramLabel = "N", defaultValue = "100",
            description = "The ended tasks judged on the canary and on each target of a wave "
                    + "(default: ${DEFAULT-VALUE}).")
    long minTasks;

    @Option(names = "--waves", paramLabel = "N", defaultValue = "3",
            description = "The waves the targets after the first are activated in (default: ${DEFAULT-VALUE}).")
    int waves;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "The time the canary, and each wave, may take to end --min-tasks tasks: 90s, 10m, 1h "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--user", paramLabel = "NAME", description = "JMX user for the targets that are service URLs;"
            + " the password comes from --password-file or $" + JvmOptions.PASSWORD_ENV + ".")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the JMX password (with --user).")
    Path passwordFile;

    @Option(names = "--insecure", description = "Allow plain-text (no TLS) JMX connections to other hosts: "
            + "credentials and calls readable on the network. Without it such a TARGET is refused.")
    boolean insecure;

    /** The jars of --artifact, fetched before any target is contacted. */
    private List<Path> fetched = List.of();

    @Parameters(arity = "1..*", paramLabel = "TARGET", converter = JvmAddress.Converter.class,
            description = "The JVMs, the canary's first: local pids or JMX service URLs.")
    List<JvmAddress> targets;

    @Override
    public Integer call() {
        double share = percent("--canary", canary, false);
        double allowed = percent("--margin", margin, true);
        if (minTasks < 1) {
            throw usage("--min-tasks must be at least 1");
        }
        if (waves < 1) {
            throw usage("--waves must be at least 1");
        }
        artifact.check();
        if ((jar == null) == !artifact.any()) {
            throw usage(jar == null ? "give the new version: --jar FILE or --artifact G:A:V"
                    : "give --jar or --artifact, not both");
        }
        if (new HashSet<>(targets).size() != targets.size()) {
            throw usage("a TARGET is given twice");
        }
        if (user != null && targets.stream().allMatch(JvmAddress::isPid)) {
            throw usage("--user applies to JMX service URLs; a local pid is reached through the Attach API"
                    + " without one");
        }
        Credentials credentials = JvmOptions.credentials(user, passwordFile, System.getenv(), this::usage)
                .withInsecure(insecure);
        PrintWriter err = spec.commandLine().getErr();
        List<Path> local = jar == null ? List.of() : List.of(local());
        fetched = artifact.fetch(main.artifactSource());
        for (int i = 0; i < fetched.size(); i++) {
            err.println("modulets: rollout: " + artifact.artifacts.get(i) + " is " + fetched.get(i));
        }
        err.flush();
        List<RolloutTarget> all = new ArrayList<>();
        for (JvmAddress address : targets) {
            all.add(new RolloutTarget(address, jar == null ? fetched : local));
        }
        Rollout rollout = new Rollout(all, main.connector(), credentials, Percent.format(share),
                Percent.format(allowed), new RolloutJudge(allowed, minTasks), waves, timeout, line -> {
                    err.println("modulets: rollout: " + line);
                    err.flush();
                }, this::report);
        return rollout.run();
    }

    /**
     * The jar as this machine reads it, absolute: a pid is handed this path, a JMX service URL its bytes; either
     * way it must be here.
     */
    private Path local() {
        if (!Files.isRegularFile(jar)) {
            throw usage("--jar " + jar + ": no such file");
        }
        return jar.toAbsolutePath().normalize();
    }

    private double percent(String option, String value, boolean zero) {
        try {
            return Percent.parse(value, zero);
        } catch (IllegalArgumentException e) {
            throw usage(option + " " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The table (or the JSON document) and the last line; on stderr the outcome when it is not a success. */
    private void report(Rollout rollout) {
        PrintWriter out = spec.commandLine().getOut();
        String summary = summary(rollout);
        if (output.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("outcome", rollout.outcome().word);
            json.put("reason", rollout.reason());
            json.put("summary", summary);
            if (jar != null) {
                json.put("jar", jar.toString());
            } else {
                json.put("artifacts", artifact.artifacts.stream().map(Object::toString).toList());
                json.put("jars", fetched.stream().map(Path::toString).toList());
            }
            json.put("targets", rollout.targets().stream().map(RolloutTarget::json).toList());
            out.println(Json.write(json));
        } else {
            Table table = new Table("TARGET", "BEFORE", "AFTER", ">TASKS JUDGED", ">FAILED", ">FAILED BEFORE",
                    "VERDICT");
            rollout.targets().forEach(t -> table.row(t.row()));
            out.print(table.render());
            out.println(summary);
        }
        out.flush();
        if (rollout.outcome() != Rollout.Outcome.ROLLED_OUT) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("modulets: rollout " + rollout.outcome().word + ": " + rollout.reason());
            err.flush();
        }
    }

    /** The last line: what happened, and where the targets are. */
    static String summary(Rollout rollout) {
        List<RolloutTarget> all = rollout.targets();
        boolean allBack = all.stream().noneMatch(t -> t.moved || t.canary != 0);
        return switch (rollout.outcome()) {
            case ROLLED_OUT -> "rolled out to " + all.size() + (all.size() == 1 ? " target" : " targets");
            case REFUSED -> "refused, no target was touched: " + rollout.reason();
            case STOPPED, INTERRUPTED -> rollout.outcome().word + ": " + rollout.reason() + "; "
                    + (allBack ? "no target is left on the new version: each is on its generation in AFTER"
                            : "NOT every target could be rolled back: see VERDICT");
        };
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    /** "90s", "10m", "1h", "500ms" (or ISO-8601, "PT10M"); more than zero. */
    static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else {
            try {
                d = Duration.parse(text.strip());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration such as 90s, 10m or 1h");
            }
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' is not a positive duration");
        }
        return d;
    }

    /** "10m", "90s", "1h", "500ms": as short as the duration allows. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** picocli's converter: a bad duration is a usage error (exit code 2). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
