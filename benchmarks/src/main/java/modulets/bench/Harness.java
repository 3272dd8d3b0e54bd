package modulets.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.openjdk.jmh.results.RunResult;

import modulets.bench.app.SampleAppLoop;
import modulets.bench.deploy.DeployLatency;
import modulets.bench.lifecycle.GenerationMemory;
import modulets.bench.report.Row;
import modulets.bench.report.Row.Verdict;
import modulets.bench.report.Table;
import modulets.bench.startup.Startup;
import modulets.bench.startup.WebStartup;
import modulets.bench.startup.WholeProcess;

/**
 * The whole cost table in one run, on the JDK running it: task submission (JMH batches and the hooks
 * alone), throughput, boundary calls, startup, activation latency, memory and the sample app's
 * request loop, each side by side without an agent, with modulets and (where it has a counterpart)
 * with the TTL agent. Prints one table and writes it as Markdown. {@code benchmarks/run} starts it.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.Harness [--quick] [--out FILE] [--only section,...]
 * </pre>
 * Sections: {@value #SECTIONS}. JMH's own output goes to {@code FILE.jmh.<setup>}.
 */
public final class Harness {
    static final String SECTIONS = "capture,throughput,boundary,scale,process,startup,activation,memory,app";

    private final boolean quick;
    private final String jdk = System.getProperty("java.version");
    private final String jmhLog;
    private final Table table = new Table();

    private Harness(boolean quick, Path out) {
        this.quick = quick;
        this.jmhLog = out.toString() + ".jmh";
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, Harness::cli);
    }

    private static void cli(String[] args) throws Exception {
        boolean quick = false;
        Path out = null;
        Set<String> only = Set.of(SECTIONS.split(","));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(value(args, ++i, "--out needs a file"));
                case "--only" -> {
                    only = Set.of(value(args, ++i, "--only needs sections: " + SECTIONS).split(","));
                    for (String s : only) {
                        if (!List.of(SECTIONS.split(",")).contains(s)) {
                            throw new IllegalArgumentException("unknown section " + s + " (" + SECTIONS + ")");
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: [--quick] [--out FILE] [--only " + SECTIONS + "])");
            }
        }
        if (out == null) {
            out = Compare.ownJar().resolveSibling("performance-" + System.getProperty("java.version")
                    + (quick ? "-quick" : "") + ".md");
        }
        System.exit(new Harness(quick, out.toAbsolutePath()).run(only, out.toAbsolutePath()));
    }

    private static String value(String[] args, int i, String missing) {
        if (i >= args.length) {
            throw new IllegalArgumentException(missing);
        }
        return args[i];
    }

    private int run(Set<String> only, Path out) throws Exception {
        long start = System.nanoTime();
        System.out.println("modulets.bench: " + (quick ? "quick run" : "full run") + " on JDK " + jdk + " ("
                + System.getProperty("java.home") + "), sections " + String.join(",", sorted(only))
                + "; JMH output in " + jmhLog + ".<setup>");
        boolean failed = false;
        for (String section : SECTIONS.split(",")) {
            if (!only.contains(section)) {
                continue;
            }
            long t0 = System.nanoTime();
            System.out.println("modulets.bench: section " + section + " ...");
            try {
                table.addAll(section(section));
            } catch (Exception | Error e) {
                failed = true;
                table.add(new Row(section, jdk, "-", "-", "-", "failed: " + e.toString().lines().findFirst().orElse(""),
                        "-", Verdict.MISSED));
                e.printStackTrace();
            }
            System.out.printf(Locale.ROOT, "modulets.bench: section %s took %.0f s%n", section, (System.nanoTime() - t0) / 1e9);
        }
        String heading = String.format(Locale.ROOT, "%s run, JDK %s (%s), %d cores, %.1f min", quick ? "Quick" : "Full",
                jdk, System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
                (System.nanoTime() - start) / 60e9)
                + (only.size() < SECTIONS.split(",").length ? ", sections " + String.join(",", sorted(only)) : "")
                + (quick ? " — quick: proves every figure runs; neither its numbers nor its verdicts are figures to quote" : "");
        System.out.println();
        System.out.println(heading);
        System.out.print(table.text());
        table.writeMarkdown(out, heading);
        System.out.println("Markdown: " + out);
        return failed ? 1 : 0;
    }

    /** The sections in the order they run. */
    private static List<String> sorted(Set<String> sections) {
        return List.of(SECTIONS.split(",")).stream().filter(sections::contains).toList();
    }

    private List<Row> section(String section) throws Exception {
        return switch (section) {
            case "capture" -> jmh(quick ? List.of("modulets\\.bench\\.capture\\.TaskBatches\\.",
                    "modulets\\.bench\\.capture\\.CaptureHooks\\.threadPoolExecuteCallerRuns")
                    : List.of("modulets\\.bench\\.capture\\.TaskBatches\\.", "modulets\\.bench\\.capture\\.CaptureHooks\\.",
                    "modulets\\.bench\\.capture\\.RootCapture\\."), Compare.SETUPS, Map.of());
            case "throughput" -> jmh(List.of("modulets\\.bench\\.throughput\\.MillionTasks\\."), Compare.SETUPS,
                    quick ? Map.of("tasks", new String[] {"100000"}) : Map.of()); // a cold TTL path runs ~5 µs a task
            case "boundary" -> jmh(List.of(quick ? "modulets\\.bench\\.boundary\\.BoundaryCalls\\.staticCall"
                    : "modulets\\.bench\\.boundary\\.BoundaryCalls\\."), List.of("none", "modulets"),
                    quick ? Map.of("thread", new String[] {"bound"}) : Map.of());
            case "scale" -> quick
                    ? List.of(Row.skipped("boundary at scale: 5,000 static-call sites", jdk,
                            "not in --quick: the sites need ~30 s of warm-up to reach C2"))
                    : jmh(List.of("modulets\\.bench\\.boundary\\.ManySites\\."), List.of("none", "modulets"), Map.of());
            case "process" -> process();
            case "startup" -> startup();
            case "activation" -> activation();
            case "memory" -> memory();
            case "app" -> app();
            default -> throw new IllegalArgumentException(section);
        };
    }

    private List<Row> jmh(List<String> includes, List<String> setups, Map<String, String[]> params) throws Exception {
        Map<String, Map<String, RunResult>> scores = Compare.run(includes, setups, quick, params, jmhLog);
        List<Row> rows = JmhFigures.rows(scores, jdk);
        if (Runtime.version().feature() < 21 && includes.get(0).contains("TaskBatches")) {
            rows.add(Row.skipped("virtual thread started per task, 1,000, per task", jdk,
                    "JDK " + Runtime.version().feature() + " has no virtual threads (21+)"));
        }
        return rows;
    }

    /**
     * The headline of startup: the whole process of a trivial application, start to exit; then a Spring Boot web
     * application's time to its first answer and its whole process's CPU.
     */
    private List<Row> process() throws Exception {
        List<Row> rows = new ArrayList<>(trivialProcess());
        rows.addAll(webProcess());
        return rows;
    }

    private List<Row> trivialProcess() throws Exception {
        int runs = quick ? 5 : 11;
        WholeProcess.Result r = WholeProcess.measure(Compare.SETUPS, runs);
        WholeProcess.Figures none = r.medians().get("none");
        WholeProcess.Figures mod = r.medians().get("modulets");
        WholeProcess.Figures ttl = r.medians().get("ttl");
        WholeProcess.Figures modAdded = r.added().get("modulets");
        WholeProcess.Figures ttlAdded = r.added().get("ttl");
        String of = "trivial app (one thread, one swappable call), start to exit, median of " + runs
                + " interleaved runs, load " + r.loadBefore() + " → " + r.loadAfter();
        return List.of(
                new Row("whole process: wall, " + of, jdk, ms(none.wallMs()), ms(mod.wallMs()), ms(ttl.wallMs()),
                        String.format(Locale.ROOT, "%+.0f ms; TTL %+.0f ms", modAdded.wallMs(), ttlAdded.wallMs()),
                        "≤ +150 ms", Verdict.of(modAdded.wallMs() <= 150)),
                new Row("whole process: CPU (user + system), " + of, jdk, ms(none.cpuMs()), ms(mod.cpuMs()),
                        ms(ttl.cpuMs()),
                        String.format(Locale.ROOT, "%+.0f ms; TTL %+.0f ms", modAdded.cpuMs(), ttlAdded.cpuMs()),
                        "< TTL's", Verdict.of(modAdded.cpuMs() < ttlAdded.cpuMs())),
                new Row("whole process: peak RSS, " + of, jdk, mb(none.rssMb()), mb(mod.rssMb()), mb(ttl.rssMb()),
                        String.format(Locale.ROOT, "%+.1f MB; TTL %+.1f MB", modAdded.rssMb(), ttlAdded.rssMb()),
                        "≤ +20 MB", Verdict.of(modAdded.rssMb() <= 20)));
    }

    private List<Row> webProcess() throws Exception {
        int runs = quick ? 1 : 11;
        WebStartup.Result r = WebStartup.measure(Compare.SETUPS, runs);
        WebStartup.Figures none = r.medians().get("none");
        WebStartup.Figures mod = r.medians().get("modulets");
        WebStartup.Figures ttl = r.medians().get("ttl");
        String of = "a Spring Boot 4 web app (MVC on Tomcat, exploded), median of " + runs + " interleaved runs, load "
                + r.loadBefore() + " → " + r.loadAfter();
        return List.of(
                ratioRow("JVM start to the first answered request, " + of, none.firstAnswerMs(), mod.firstAnswerMs(),
                        ttl.firstAnswerMs()),
                ratioRow("whole process: CPU (user + system), " + of, none.cpuMs(), mod.cpuMs(), ttl.cpuMs()),
                new Row("whole process: peak RSS, " + of, jdk, mb(none.rssMb()), mb(mod.rssMb()), mb(ttl.rssMb()),
                        String.format(Locale.ROOT, "%+.1f MB; TTL %+.1f MB", mod.rssMb() - none.rssMb(),
                                ttl.rssMb() - none.rssMb()), "-", Verdict.NONE));
    }

    private Row ratioRow(String figure, double none, double modulets, double ttl) {
        return new Row(figure, jdk, ms(none), ms(modulets), ms(ttl),
                String.format(Locale.ROOT, "×%.2f; TTL ×%.2f", modulets / none, ttl / none), "≤ ×1.10",
                Verdict.of(modulets / none <= 1.10));
    }

    private static String mb(double value) {
        return String.format(Locale.ROOT, "%.1f MB", value);
    }

    private List<Row> startup() throws Exception {
        Map<String, Startup.Times> t = Startup.measure(Compare.SETUPS, quick ? 3 : 10);
        String runs = quick ? "median of 3" : "median of 10";
        return List.of(
                startupRow("startup: JVM start to main (" + runs + ")", t.get("none").toMain(),
                        t.get("modulets").toMain(), t.get("ttl").toMain()),
                startupRow("startup: JVM start to the first pool task calling swappable code (" + runs + ")",
                        t.get("none").toFirstTask(), t.get("modulets").toFirstTask(), t.get("ttl").toFirstTask()));
    }

    private Row startupRow(String figure, double none, double modulets, double ttl) {
        double added = modulets - none;
        double ttlAdded = ttl - none;
        return new Row(figure, jdk, ms(none), ms(modulets), ms(ttl),
                String.format(Locale.ROOT, "%+.0f ms; TTL %+.0f ms", added, ttlAdded), "≤ +150 ms, < TTL's",
                Verdict.of(added <= 150 && added < ttlAdded));
    }

    private List<Row> activation() throws Exception {
        List<Row> rows = new ArrayList<>();
        int deploys = quick ? 3 : 10;
        for (String quiet : List.of("200ms", "1ms")) {
            for (DeployLatency.Result r : DeployLatency.measure(List.of(1, 5, 10, 50), quiet, deploys)) {
                boolean judged = quiet.equals("1ms") && r.megabytes() == 5;
                double median = r.percentileMillis(50);
                rows.add(new Row(String.format(Locale.ROOT, "activation: %d MB jar, rename to first task on it, quiet=%s%s"
                                + " (median of %d)", r.megabytes(), quiet, quiet.equals("200ms") ? " (default)" : "", deploys),
                        jdk, "-", String.format(Locale.ROOT, "%.1f ms (p90 %.1f)", median, r.percentileMillis(90)), "-",
                        String.format(Locale.ROOT, "%.1f ms beyond the quiet period", median - r.quietMillis()),
                        judged ? "≤ 50 ms (5 MB)" : "-", judged ? Verdict.of(median <= 50) : Verdict.NONE));
            }
        }
        return rows;
    }

    private List<Row> memory() throws Exception {
        int held = quick ? 20 : 200;
        int activations = quick ? 50 : 1000;
        // quiet=20ms: each activation waits for the quiet period, a setting and not a cost (200 ms would
        // make 1,000 activations take minutes)
        Map<String, Map<String, String>> r = GenerationMemory.measure(List.of("none", "modulets"), held, activations,
                ",quiet=20ms");
        Map<String, String> none = r.get("none");
        Map<String, String> mod = r.get("modulets");
        List<Row> rows = new ArrayList<>();
        double noneBytes = number(none, HEAP) + number(none, META);
        double modBytes = number(mod, HEAP) + number(mod, META);
        rows.add(new Row("memory per generation after full GCs (" + held + " held at once)", jdk,
                perGeneration(none) + " (its classes in a plain loader)", perGeneration(mod), "-",
                String.format(Locale.ROOT, "%+.1f KB per generation beyond its classes", (modBytes - noneBytes) / 1024),
                "-", Verdict.NONE));
        rows.add(new Row("loaded classes per generation", jdk, none.get(CLASSES), mod.get(CLASSES), "-",
                String.format(Locale.ROOT, "%+.1f", number(mod, CLASSES) - number(none, CLASSES)), "-", Verdict.NONE));
        // Flat: over the last 60% of the activations (the first ones still load JDK and agent code),
        // metaspace and loaded classes grow by no more than without the agent (the JVM's own drift:
        // compiled code, profiles) plus two generations' worth (one current, one not yet collected).
        int from = 2 * activations / 5;
        double metaGrowth = number(mod, "after " + activations + ": metaspace bytes") - number(mod, "after " + from + ": metaspace bytes");
        double classGrowth = number(mod, "after " + activations + ": loaded classes") - number(mod, "after " + from + ": loaded classes");
        double noneMetaGrowth = number(none, "after " + activations + ": metaspace bytes") - number(none, "after " + from + ": metaspace bytes");
        double noneClassGrowth = number(none, "after " + activations + ": loaded classes") - number(none, "after " + from + ": loaded classes");
        boolean flat = metaGrowth <= Math.max(0, noneMetaGrowth) + 2 * number(mod, META)
                && classGrowth <= Math.max(0, noneClassGrowth) + 2 * number(mod, CLASSES);
        rows.add(new Row(String.format(Locale.ROOT, "memory over %d activations with a task each: metaspace / loaded classes"
                        + " growth from activation %d to %d", activations, from, activations), jdk,
                String.format(Locale.ROOT, "%+.1f KB / %+.0f", noneMetaGrowth / 1024, noneClassGrowth),
                String.format(Locale.ROOT, "%+.1f KB / %+.0f", metaGrowth / 1024, classGrowth), "-",
                String.format(Locale.ROOT, "%+.2f KB metaspace per activation (whole run: %+.1f KB / %s classes)",
                        metaGrowth / 1024 / (activations - from),
                        number(mod, "metaspace growth over " + activations + " bytes") / 1024,
                        mod.get("loaded classes growth over " + activations)),
                quick ? "flat: judged on 1,000 activations, not in --quick" : "flat (≤ none's drift + two generations)",
                quick ? Verdict.NONE : Verdict.of(flat)));
        return rows;
    }

    private static final String HEAP = "per generation: heap bytes";
    private static final String META = "per generation: metaspace bytes";
    private static final String CLASSES = "per generation: loaded classes";

    private static String perGeneration(Map<String, String> results) {
        return String.format(Locale.ROOT, "%.1f KB heap + %.1f KB metaspace", number(results, HEAP) / 1024,
                number(results, META) / 1024);
    }

    private List<Row> app() throws Exception {
        int warmup = quick ? 100 : 500;
        int jobs = quick ? 200 : 2000;
        Map<String, Double> rates = SampleAppLoop.measure(List.of("none", "modulets"), warmup, jobs);
        double none = rates.get("none");
        double mod = rates.get("modulets");
        return List.of(new Row("sample app request loop: " + jobs + " jobs (register + reply, 2 mails each), "
                + SampleAppLoop.CLIENTS + " clients", jdk, String.format(Locale.ROOT, "%.0f req/s", none),
                String.format(Locale.ROOT, "%.0f req/s", mod), "-",
                String.format(Locale.ROOT, "×%.2f", mod / none), "-", Verdict.NONE));
    }

    private static double number(Map<String, String> results, String key) {
        String value = results.get(key);
        if (value == null) {
            throw new IllegalStateException("no result '" + key + "' in " + results.keySet());
        }
        return Double.parseDouble(value);
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.0f ms", value);
    }

}
