package io.modulets.cli;

import io.modulets.manage.GenerationInfo;
import io.modulets.manage.GenerationMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code outcomes JVM [ID]}: what each generation's task runs did (DESIGN §4, "Outcomes"). */
@Command(name = "outcomes", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Show what a generation's task runs did: started, completed normally, failed (ended by an "
                + "exception), running; mean, median, 99th percentile and longest run time (the percentiles are the "
                + "top of a histogram bucket: at most 6.25%% above the true value; run times come from a sample of the "
                + "runs, counts are exact); the most frequent exception classes; exceptions its own code threw into "
                + "shell code, caught or not, and in how many runs (THROWN, THROWING), by class below; server requests "
                + "answered with a status read (REQUESTS), with a 5xx and a 4xx status, and the median and 99th "
                + "percentile of their latency from their beginning to their end (REQ P50, REQ P99); scheduler "
                + "job runs (JOBS) and those that failed (JOBS FAILED), by exception class below. "
                + "Without ID: every generation the JVM has had whose MBean it keeps.")
final class OutcomesCommand extends JvmCommand {

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "The generation's id (see generations).")
    Integer id;

    /** One generation's outcomes, as read from its MBean. */
    private record Row(int id, String state, long started, long completed, long failed, long running, long mean,
                       long p50, long p99, long max, List<String> exceptions, long thrown, long throwing,
                       List<String> thrownExceptions, long requests, long serverErrors, long clientErrors,
                       long requestsTimed, long p50Request, long p99Request, long jobs, long failedJobs,
                       List<String> jobExceptions) {
        static Row of(int id, GenerationMXBean g) {
            return new Row(id, g.getState(), g.getTasksStarted(), g.getTasksCompleted(), g.getTasksFailed(),
                    g.getTasksRunning(), g.getMeanRunNanos(), g.getP50RunNanos(), g.getP99RunNanos(),
                    g.getMaxRunNanos(), g.getExceptions(), g.getExceptionsThrown(), g.getTasksThrowing(),
                    g.getThrownExceptions(), g.getRequests(), g.getServerErrors(), g.getClientErrors(),
                    g.getRequestsTimed(), g.getP50RequestNanos(), g.getP99RequestNanos(), g.getJobRuns(),
                    g.getJobRunsFailed(), g.getJobExceptions());
        }
    }

    @Override
    void run(AgentConnection agent) {
        List<Row> rows = new ArrayList<>();
        if (id != null) {
            rows.add(Row.of(id, agent.generation(id)));
        } else {
            for (GenerationInfo g : agent.manager().getGenerations()) {
                GenerationMXBean bean;
                try {
                    bean = agent.generation(g.getId());
                } catch (CliFailure dropped) {
                    continue; // unloaded long ago: the agent keeps only the newest unloaded generations' MBeans
                }
                rows.add(Row.of(g.getId(), bean));
            }
        }
        Table table = new Table(">ID", "STATE", ">STARTED", ">COMPLETED", ">FAILED", ">RUNNING", ">MEAN", ">P50",
                ">P99", ">MAX", ">THROWN", ">THROWING", ">REQUESTS", ">5XX", ">4XX", ">REQ P50", ">REQ P99", ">JOBS",
                ">JOBS FAILED");
        StringBuilder exceptions = new StringBuilder();
        StringBuilder thrown = new StringBuilder();
        StringBuilder jobs = new StringBuilder();
        List<Object> json = new ArrayList<>();
        for (Row r : rows) {
            table.row(r.id, r.state, r.started, r.completed, r.failed, r.running, duration(r.mean, r.started),
                    duration(r.p50, r.started), duration(r.p99, r.started), duration(r.max, r.started), r.thrown,
                    r.throwing, r.requests, r.serverErrors, r.clientErrors, duration(r.p50Request, r.requestsTimed),
                    duration(r.p99Request, r.requestsTimed), r.jobs, r.failedJobs);
            for (String e : r.exceptions) {
                exceptions.append("  generation ").append(r.id).append(": ").append(e).append('\n');
            }
            for (String e : r.thrownExceptions) {
                thrown.append("  generation ").append(r.id).append(": ").append(e).append('\n');
            }
            for (String e : r.jobExceptions) {
                jobs.append("  generation ").append(r.id).append(": ").append(e).append('\n');
            }
            json.add(json(r));
        }
        String text = table.render()
                + (exceptions.isEmpty() ? "" : "failed runs by exception class (most frequent first):\n" + exceptions)
                + (thrown.isEmpty() ? "" : "thrown by its code into shell code, caught or not, by exception class"
                        + " (most frequent first):\n" + thrown)
                + (jobs.isEmpty() ? "" : "failed job runs by exception class (most frequent first):\n" + jobs);
        print(Map.of("generations", json), text);
    }

    private static Map<String, Object> json(Row r) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", r.id);
        map.put("state", r.state);
        map.put("started", r.started);
        map.put("completed", r.completed);
        map.put("failed", r.failed);
        map.put("running", r.running);
        map.put("meanRunNanos", r.mean);
        map.put("p50RunNanos", r.p50);
        map.put("p99RunNanos", r.p99);
        map.put("maxRunNanos", r.max);
        map.put("exceptions", counts(r.exceptions));
        map.put("thrown", r.thrown);
        map.put("tasksThrowing", r.throwing);
        map.put("thrownExceptions", counts(r.thrownExceptions));
        map.put("requests", r.requests);
        map.put("serverErrors", r.serverErrors);
        map.put("clientErrors", r.clientErrors);
        map.put("requestsTimed", r.requestsTimed);
        map.put("p50RequestNanos", r.p50Request);
        map.put("p99RequestNanos", r.p99Request);
        map.put("jobRuns", r.jobs);
        map.put("jobRunsFailed", r.failedJobs);
        map.put("jobExceptions", counts(r.jobExceptions));
        return map;
    }

    /** "java.lang.IllegalStateException 7" as {class, count}. */
    private static List<Object> counts(List<String> exceptions) {
        List<Object> counts = new ArrayList<>();
        for (String e : exceptions) {
            int space = e.lastIndexOf(' ');
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("class", e.substring(0, space));
            one.put("count", Long.parseLong(e.substring(space + 1)));
            counts.add(one);
        }
        return counts;
    }

    /** "850 ns", "12.3 us", "4.56 ms", "2.00 s"; "-" for a generation that ran no task (timed no request). */
    static String duration(long nanos, long started) {
        if (started == 0) {
            return "-";
        }
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return String.format(java.util.Locale.ROOT, "%.1f us", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(java.util.Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(java.util.Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
