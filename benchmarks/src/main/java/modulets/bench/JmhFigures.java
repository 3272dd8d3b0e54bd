package modulets.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import modulets.bench.report.Row;
import modulets.bench.report.Row.Verdict;

/**
 * Turns the JMH results of {@link Compare#run} into rows of the cost table: a readable name per
 * benchmark, the target it is held to (the issue's), and whether it was met. Point estimates decide;
 * the errors (99.9% confidence half-widths, as JMH prints them) are shown beside them.
 */
final class JmhFigures {
    /** "Not measurable": at most this many ns added. */
    static final double NOT_MEASURABLE_NS = 0.2;
    /** A score whose error exceeds this fraction of it decides nothing: the verdict is "noisy". */
    static final double NOISY = 0.5;

    private JmhFigures() {
    }

    /** What a benchmark is called in the table and what it is held to. */
    enum Target {
        /** Per submitted task: at most +20 ns, and no more than the TTL agent. */
        TASK("≤ +20 ns, ≤ TTL"),
        /** Per task where TTL instruments nothing: at most +20 ns. */
        TASK_NO_TTL("≤ +20 ns"),
        /** One live generation: no measurable cost. */
        NOTHING("not measurable"),
        /** Generations overlap: at most +2 ns per call. */
        OVERLAP("≤ +2 ns"),
        /** Information, no target. */
        NONE("-");

        final String text;

        Target(String text) {
            this.text = text;
        }
    }

    private record Name(String figure, Target target) {
    }

    private static Name name(String key) {
        String k = key.replace("capture.", "").replace("boundary.", "").replace("throughput.", "");
        return switch (k) {
            case "TaskBatches.threadPoolExecute" -> new Name("ThreadPoolExecutor.execute(lambda), 1,000 per batch, per task", Target.TASK);
            case "TaskBatches.threadPoolSubmit" -> new Name("ThreadPoolExecutor.submit, 1,000 per batch, per task", Target.TASK);
            case "TaskBatches.forkJoinSubmit" -> new Name("ForkJoinPool.submit from outside, 1,000 per batch, per task", Target.TASK);
            case "TaskBatches.forkJoinFork" -> new Name("ForkJoinTask.fork + join inside the pool, 1,000, per task", Target.TASK);
            case "TaskBatches.completableFutureChain" -> new Name("CompletableFuture supplyAsync + 3 thenApply, 1,000 chains, per chain", Target.TASK);
            case "TaskBatches.virtualThreads" -> new Name("virtual thread started per task, 1,000, per task", Target.TASK);
            case "CaptureHooks.threadPoolExecuteCallerRuns" -> new Name("hooks alone: execute(lambda) run here by CallerRunsPolicy", Target.TASK);
            case "CaptureHooks.threadPoolExecuteFreshTaskCallerRuns" -> new Name("hooks alone: execute(new task object each call) run here by CallerRunsPolicy", Target.TASK);
            case "CaptureHooks.forkJoinInvokeHere" -> new Name("hooks alone: ForkJoinTask.invoke on this thread", Target.TASK);
            case "CaptureHooks.futureTaskRunHere" -> new Name("hooks alone: FutureTask run on this thread", Target.TASK_NO_TTL);
            case "CaptureHooks.dependentStage" -> new Name("hooks alone: CompletableFuture dependent stage", Target.TASK_NO_TTL);
            default -> k.startsWith("MillionTasks.fixedPool")
                    ? new Name(String.format(Locale.ROOT, "throughput: %,d tasks through a fixed pool of 2",
                            Integer.parseInt(param(k.split(" "), "tasks"))), Target.NONE)
                    : boundary(k);
        };
    }

    private static Name boundary(String k) {
        String[] parts = k.split(" ");
        String generations = param(parts, "generations");
        Target target = "1".equals(generations) ? Target.NOTHING : Target.OVERLAP;
        String gens = "1".equals(generations) ? "1 generation" : generations + " generations";
        if (parts[0].startsWith("BoundaryCalls.")) {
            String call = switch (parts[0].substring("BoundaryCalls.".length())) {
                case "staticCall" -> "static call";
                case "instanceCall" -> "instance call";
                case "newObject" -> "new";
                case "lambdaCapture" -> "capturing lambda of a swappable interface";
                default -> parts[0];
            };
            return new Name("boundary " + call + ", " + gens + ", " + param(parts, "thread") + " thread, per call", target);
        }
        if (parts[0].startsWith("ManySites.")) {
            return new Name("boundary at scale: 5,000 static-call sites, " + gens + ", per call", target);
        }
        return new Name(k, Target.NONE);
    }

    private static String param(String[] parts, String name) {
        for (String p : parts) {
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return "?";
    }

    /** The order of the table: batches as the issue lists them, then the hooks; others after, by name. */
    private static final List<String> ORDER = List.of("TaskBatches.threadPoolExecute", "TaskBatches.threadPoolSubmit",
            "TaskBatches.forkJoinSubmit", "TaskBatches.forkJoinFork", "TaskBatches.completableFutureChain",
            "TaskBatches.virtualThreads", "CaptureHooks.threadPoolExecuteCallerRuns",
            "CaptureHooks.threadPoolExecuteFreshTaskCallerRuns", "CaptureHooks.forkJoinInvokeHere",
            "CaptureHooks.futureTaskRunHere", "CaptureHooks.dependentStage");

    static List<Row> rows(Map<String, Map<String, RunResult>> scores, String jdk) {
        List<String> keys = new ArrayList<>(scores.keySet());
        keys.sort(Comparator.comparingInt(JmhFigures::rank).thenComparing(Comparator.naturalOrder()));
        List<Row> rows = new ArrayList<>();
        keys.forEach(key -> rows.add(row(key, scores.get(key), jdk)));
        return rows;
    }

    private static int rank(String key) {
        String method = key.split(" ")[0];
        for (int i = 0; i < ORDER.size(); i++) {
            if (method.endsWith(ORDER.get(i))) {
                return i;
            }
        }
        return ORDER.size();
    }

    private static Row row(String key, Map<String, RunResult> bySetup, String jdk) {
        Name name = name(key);
        Result none = primary(bySetup.get("none"));
        Result modulets = primary(bySetup.get("modulets"));
        Result ttl = primary(bySetup.get("ttl"));
        if (none == null || modulets == null) {
            return new Row(name.figure(), jdk, cell(none), cell(modulets), cell(ttl), "a setup failed: see the JMH output",
                    name.target().text, Verdict.MISSED);
        }
        // A benchmark without a name of its own gets a plain row (no verdict), not a throughput row.
        if (key.split(" ")[0].endsWith("MillionTasks.fixedPool")) {
            return throughputRow(name, Integer.parseInt(param(key.split(" "), "tasks")), none, modulets, ttl, jdk);
        }
        double added = modulets.getScore() - none.getScore();
        StringBuilder addedText = new StringBuilder(String.format(Locale.ROOT, "%+.2f ns (×%.2f)", added,
                modulets.getScore() / none.getScore()));
        if (ttl != null) {
            addedText.append(String.format(Locale.ROOT, "; TTL %+.2f ns", ttl.getScore() - none.getScore()));
        }
        return new Row(name.figure(), jdk, cell(none), cell(modulets), cell(ttl), addedText.toString(),
                name.target().text, verdict(name.target(), score(none), score(modulets), score(ttl)));
    }

    /** A score and its error (JMH's 99.9% half-width; 0 if unknown). */
    record Score(double value, double error) {
        boolean noisy() {
            return error > NOISY * value;
        }
    }

    private static Score score(Result r) {
        return r == null ? null : new Score(r.getScore(), error(r));
    }

    /** The verdict of a time per operation against its target; {@code ttl} may be null. */
    static Verdict verdict(Target target, Score none, Score modulets, Score ttl) {
        double added = modulets.value() - none.value();
        boolean met = switch (target) {
            case TASK -> added <= 20 && (ttl == null || modulets.value() <= ttl.value());
            case TASK_NO_TTL -> added <= 20;
            case NOTHING -> added <= NOT_MEASURABLE_NS;
            case OVERLAP -> added <= 2;
            case NONE -> true;
        };
        if (target == Target.NONE) {
            return Verdict.NONE;
        }
        boolean noisy = none.noisy() || modulets.noisy() || (target == Target.TASK && ttl != null && ttl.noisy());
        return noisy ? Verdict.NOISY : Verdict.of(met);
    }

    /** A batch of {@code tasks} in milliseconds per batch, shown as tasks per second. */
    private static Row throughputRow(Name name, int tasks, Result none, Result modulets, Result ttl, String jdk) {
        double noneRate = rate(tasks, none);
        double modRate = rate(tasks, modulets);
        String added = String.format(Locale.ROOT, "×%.2f, %+.1f ns per task", modRate / noneRate,
                1e9 / modRate - 1e9 / noneRate);
        if (ttl != null) {
            added += String.format(Locale.ROOT, "; TTL ×%.2f", rate(tasks, ttl) / noneRate);
        }
        return new Row(name.figure(), jdk, rateCell(tasks, none), rateCell(tasks, modulets), rateCell(tasks, ttl),
                added, "-", Verdict.NONE);
    }

    private static double rate(int tasks, Result millisPerBatch) {
        return tasks * 1000.0 / millisPerBatch.getScore();
    }

    private static String rateCell(int tasks, Result millisPerBatch) {
        if (millisPerBatch == null) {
            return "-";
        }
        double relativeError = error(millisPerBatch) / millisPerBatch.getScore();
        return String.format(Locale.ROOT, "%,.0f tasks/s ± %.0f%%", rate(tasks, millisPerBatch), 100 * relativeError);
    }

    private static Result primary(RunResult r) {
        return r == null ? null : r.getPrimaryResult();
    }

    private static double error(Result r) {
        double e = r.getScoreError();
        return Double.isNaN(e) ? 0 : e;
    }

    private static String cell(Result r) {
        if (r == null) {
            return "-";
        }
        String unit = r.getScoreUnit().replace("ns/op", "ns");
        if (r.getScore() >= 10_000) {
            return String.format(Locale.ROOT, "%,.0f ± %,.0f %s", r.getScore(), error(r), unit);
        }
        return String.format(Locale.ROOT, "%.2f ± %.2f %s", r.getScore(), error(r), unit);
    }
}
