package io.modulets.manage;

import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;

import io.modulets.bootstrap.Bindings;
import io.modulets.config.Log;
import io.modulets.generations.Canary;
import io.modulets.generations.Generation;
import io.modulets.generations.Outcomes;
import io.modulets.generations.Registry;
import io.modulets.loader.GenerationClassLoader;

/**
 * JFR output (DESIGN §4): one event per activation, rejection, retirement and unloading, committed
 * on the manage thread; and {@code modulets.TaskBinding}, disabled by default, committed on the
 * thread being bound; {@code modulets.GenerationOutcomes}, periodic, from JFR's periodic thread. The
 * bootstrap's binding hook reads one flag; a {@link FlightRecorderListener}
 * sets it whenever a recording starts or stops, to whether any running recording enables the event.
 *
 * <p>If the runtime lacks the {@code jdk.jfr} module, {@link #start} logs it once and the other
 * methods do nothing.
 */
final class Flight implements Transitions.Output {
    /** Whether the recorder is up: before, no recording exists and nothing is committed (nor loaded). */
    private volatile boolean recording;
    private final Registry registry;
    private final EventThread thread;

    Flight(Registry registry, EventThread thread) {
        this.registry = registry;
        this.thread = thread;
    }

    /**
     * The first JFR job on the manage thread: only a listener, because initialising JFR (what
     * registering an event class does) costs hundreds of milliseconds of CPU; the recorder is
     * initialised when a recording starts ({@code jcmd JFR.start}, {@code -XX:StartFlightRecording}),
     * and the listener hears it.
     */
    void start() {
        try {
            Bindings.taskBound = new java.util.function.Consumer<>() { // a class, not a method reference: at start-up
                @Override
                public void accept(ClassLoader binding) {
                    bound(binding);
                }
            };
            FlightRecorder.addListener(new FlightRecorderListener() {
                @Override
                public void recorderInitialized(FlightRecorder recorder) {
                    recording = true;
                    follow();
                    // Not here: the recorder calls this under its initialisation lock.
                    thread.submit(Flight.this::addPeriodic);
                }

                @Override
                public void recordingStateChanged(Recording changed) {
                    follow();
                }
            });
        } catch (LinkageError | RuntimeException e) {
            Log.debug("no JFR events: %s", e);
        }
    }

    /** Registers GenerationOutcomes once the recorder is up: registering an event class initialises JFR. */
    private void addPeriodic() {
        try {
            FlightRecorder.addPeriodicEvent(FlightEvents.GenerationOutcomes.class, this::outcomes);
        } catch (LinkageError | RuntimeException e) {
            Log.debug("JFR: no GenerationOutcomes events: %s", e);
        }
    }

    /** One GenerationOutcomes event per loaded generation (JFR's periodic thread calls it each period). */
    private void outcomes() {
        for (Generation g : registry.all()) {
            if (!g.isLoaded()) {
                continue;
            }
            FlightEvents.GenerationOutcomes event = new FlightEvents.GenerationOutcomes();
            if (!event.shouldCommit()) {
                return;
            }
            Outcomes o = g.outcomes();
            event.generation = g.sequence();
            event.state = g.state().word();
            event.started = o.started();
            event.completed = o.completed();
            event.failed = o.failed();
            event.running = o.running();
            event.meanRun = o.meanRunNanos();
            event.maxRun = o.maxRunNanos();
            event.p50Run = o.runNanosAtMost(0.5);
            event.p99Run = o.runNanosAtMost(0.99);
            event.thrown = o.thrown();
            event.tasksThrowing = o.threwIn();
            event.requests = o.requests();
            event.serverErrors = o.serverErrors();
            event.clientErrors = o.clientErrors();
            event.requestsTimed = o.timedRequests();
            event.p50Request = o.requestNanosAtMost(0.5);
            event.p99Request = o.requestNanosAtMost(0.99);
            event.jobRuns = o.jobs();
            event.jobRunsFailed = o.failedJobs();
            event.commit();
        }
    }

    /** Sets the binding hook's flag to whether a running recording enables TaskBinding now. */
    private void follow() {
        try {
            Bindings.taskBindingEvents = EventType.getEventType(FlightEvents.TaskBinding.class).isEnabled();
        } catch (LinkageError | RuntimeException e) {
            Log.debug("JFR: %s", e);
        }
    }

    private static void bound(ClassLoader binding) {
        FlightEvents.TaskBinding event = new FlightEvents.TaskBinding();
        if (event.shouldCommit()) {
            event.generation = binding instanceof GenerationClassLoader loader
                    && loader.generation() instanceof Generation g ? g.sequence() : 0;
            event.commit();
        }
    }

    @Override
    public void activated(Generation now, Generation before, String what, String message) {
        if (!recording) {
            return;
        }
        FlightEvents.Activation event = new FlightEvents.Activation();
        if (event.shouldCommit()) {
            event.generation = now.sequence();
            event.previousGeneration = before == null ? 0 : before.sequence();
            event.label = now.label();
            event.hash = now.hash();
            event.reason = what;
            event.commit();
        }
    }

    @Override
    public void rejected(Generation current, String message) {
        if (!recording) {
            return;
        }
        FlightEvents.Rejection event = new FlightEvents.Rejection();
        if (event.shouldCommit()) {
            event.generation = current == null ? 0 : current.sequence();
            event.label = current == null ? null : current.label();
            event.hash = current == null ? null : current.hash();
            event.reason = message;
            event.commit();
        }
    }

    @Override
    public void canaryStarted(Canary canary, String message) {
        if (!recording) {
            return;
        }
        FlightEvents.CanaryStart event = new FlightEvents.CanaryStart();
        if (event.shouldCommit()) {
            Generation g = canary.generation();
            event.generation = g.sequence();
            event.currentGeneration = canary.against().sequence();
            event.label = g.label();
            event.hash = g.hash();
            event.fraction = canary.fraction();
            event.commit();
        }
    }

    @Override
    public void canaryAborted(Canary canary, String reason, String message) {
        if (!recording) {
            return;
        }
        FlightEvents.CanaryAbort event = new FlightEvents.CanaryAbort();
        if (event.shouldCommit()) {
            Generation g = canary.generation();
            event.generation = g.sequence();
            event.currentGeneration = canary.against().sequence();
            event.label = g.label();
            event.hash = g.hash();
            event.reason = reason;
            event.commit();
        }
    }

    @Override
    public void retired(Generation g, String message) {
        if (!recording) {
            return;
        }
        FlightEvents.Retirement event = new FlightEvents.Retirement();
        if (event.shouldCommit()) {
            event.generation = g.sequence();
            event.label = g.label();
            event.hash = g.hash();
            event.reason = "no live task";
            event.commit();
        }
    }

    @Override
    public void unloaded(Generation g, String message) {
        if (!recording) {
            return;
        }
        FlightEvents.Unloading event = new FlightEvents.Unloading();
        if (event.shouldCommit()) {
            event.generation = g.sequence();
            event.label = g.label();
            event.hash = g.hash();
            event.reason = "its class loader was collected";
            event.commit();
        }
    }
}
