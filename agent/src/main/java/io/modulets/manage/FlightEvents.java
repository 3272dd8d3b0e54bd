package io.modulets.manage;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The agent's JFR events (DESIGN §4), in category "modulets". Loaded only on the manage thread and
 * on a thread bound while a recording asks for {@link TaskBinding}: never on premain's path.
 */
final class FlightEvents {
    private FlightEvents() {
    }

    @Name("modulets.Activation")
    @Label("Generation Activation")
    @Category("modulets")
    @Description("A generation became current (activation, rescan, rollback or the modules watcher)")
    @StackTrace(false)
    public static final class Activation extends Event {
        @Label("Generation")
        int generation;
        @Label("Previous Generation")
        @Description("The generation that was current before; 0 for the first")
        int previousGeneration;
        @Label("Label")
        String label;
        @Label("Hash")
        String hash;
        @Label("Reason")
        @Description("activation, rollback or promotion (of a canary)")
        String reason;
    }

    @Name("modulets.Rejection")
    @Label("Deploy Rejection")
    @Category("modulets")
    @Description("A deploy was refused; nothing changed")
    @StackTrace(false)
    public static final class Rejection extends Event {
        @Label("Generation")
        @Description("The generation that stays current")
        int generation;
        @Label("Label")
        String label;
        @Label("Hash")
        String hash;
        @Label("Reason")
        @Description("The refusal, one line")
        String reason;
    }

    @Name("modulets.Retirement")
    @Label("Generation Retirement")
    @Category("modulets")
    @Description("A generation retired: no task needs it any more")
    @StackTrace(false)
    public static final class Retirement extends Event {
        @Label("Generation")
        int generation;
        @Label("Label")
        String label;
        @Label("Hash")
        String hash;
        @Label("Reason")
        String reason;
    }

    @Name("modulets.Unloading")
    @Label("Generation Unloading")
    @Category("modulets")
    @Description("A retired generation's class loader was collected: its classes are gone")
    @StackTrace(false)
    public static final class Unloading extends Event {
        @Label("Generation")
        int generation;
        @Label("Label")
        String label;
        @Label("Hash")
        String hash;
        @Label("Reason")
        String reason;
    }

    @Name("modulets.CanaryStart")
    @Label("Canary Start")
    @Category("modulets")
    @Description("A generation became a canary: a fraction of new root tasks get it, the current generation stays")
    @StackTrace(false)
    public static final class CanaryStart extends Event {
        @Label("Generation")
        @Description("The canary")
        int generation;
        @Label("Current Generation")
        int currentGeneration;
        @Label("Label")
        String label;
        @Label("Hash")
        String hash;
        @Label("Fraction")
        @Description("The share of new root tasks that get the canary")
        @jdk.jfr.Percentage
        double fraction;
    }

    @Name("modulets.CanaryAbort")
    @Label("Canary Abort")
    @Category("modulets")
    @Description("A canary was aborted (by the operator or automatically): no new task gets it, it drains")
    @StackTrace(false)
    public static final class CanaryAbort extends Event {
        @Label("Generation")
        @Description("The canary")
        int generation;
        @Label("Current Generation")
        @Description("The generation that stays current")
        int currentGeneration;
        @Label("Label")
        String label;
        @Label("Hash")
        String hash;
        @Label("Reason")
        @Description("by the operator, or what the automatic abort measured, one line")
        String reason;
    }

    @Name("modulets.TaskBinding")
    @Label("Task Binding")
    @Category("modulets")
    @Description("A thread was bound to a generation to run a task; off by default (one per task)")
    @Enabled(false)
    @StackTrace(false)
    public static final class TaskBinding extends Event {
        @Label("Generation")
        int generation;
    }

    @Name("modulets.GenerationOutcomes")
    @Label("Generation Outcomes")
    @Category("modulets")
    @Description("What a loaded generation's task runs did so far (totals since it was created); one per loaded"
            + " generation per period")
    @Period("5 s")
    @StackTrace(false)
    public static final class GenerationOutcomes extends Event {
        @Label("Generation")
        int generation;
        @Label("State")
        String state;
        @Label("Started")
        @Description("Task runs bound to it that began")
        long started;
        @Label("Completed")
        @Description("Task runs that ended normally")
        long completed;
        @Label("Failed")
        @Description("Task runs that ended by an exception")
        long failed;
        @Label("Running")
        long running;
        @Label("Mean Run Time")
        @Timespan(Timespan.NANOSECONDS)
        long meanRun;
        @Label("Max Run Time")
        @Timespan(Timespan.NANOSECONDS)
        long maxRun;
        @Label("Median Run Time")
        @Description("The top of the histogram bucket the median falls in (at most 6.25% above the true value),"
                + " estimated from a sample of the runs")
        @Timespan(Timespan.NANOSECONDS)
        long p50Run;
        @Label("99th Percentile Run Time")
        @Description("The top of the histogram bucket the percentile falls in (at most 6.25% above the true value),"
                + " estimated from a sample of the runs")
        @Timespan(Timespan.NANOSECONDS)
        long p99Run;
        @Label("Exceptions Thrown")
        @Description("Exceptions its own code threw into shell code, caught by the application or not (once per task"
                + " run and exception)")
        long thrown;
        @Label("Tasks Throwing")
        @Description("Task runs that ended in which its own code threw into shell code")
        long tasksThrowing;
        @Label("Requests")
        @Description("Server requests that ended with a response status read")
        long requests;
        @Label("5xx Responses")
        @Description("Requests answered with a 5xx status")
        long serverErrors;
        @Label("4xx Responses")
        @Description("Requests answered with a 4xx status")
        long clientErrors;
        @Label("Requests Timed")
        @Description("Requests timed from their beginning to their end as the agent sees them")
        long requestsTimed;
        @Label("Median Request Latency")
        @Description("The top of the histogram bucket the median falls in (at most 6.25% above the true value)")
        @Timespan(Timespan.NANOSECONDS)
        long p50Request;
        @Label("99th Percentile Request Latency")
        @Description("The top of the histogram bucket the percentile falls in (at most 6.25% above the true value)")
        @Timespan(Timespan.NANOSECONDS)
        long p99Request;
        @Label("Job Runs")
        @Description("Scheduler job runs that ended")
        long jobRuns;
        @Label("Job Runs Failed")
        @Description("Job runs whose job threw, caught by the scheduler")
        long jobRunsFailed;
    }
}
