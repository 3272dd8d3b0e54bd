package io.modulets.generations;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.ThreadHooks;
import io.modulets.config.Log;

/**
 * The drain warning (DESIGN §6): a generation that is still draining {@code after} it stopped being
 * current is named once, in one line, with the threads bound to it. A thread a server or scheduler
 * started at boot and that stays bound keeps a generation live for the JVM's life; a request that runs
 * for minutes is worth knowing of too. The agent's {@code modulets-drains} thread starts at the first
 * draining and looks every second (or sooner for a shorter setting), off every task path.
 */
final class DrainWatch implements Runnable {
    /** Threads named in the line; the pin report has them all. */
    private static final int NAMED = 5;

    private final Registry registry;
    private final Duration after;

    private DrainWatch(Registry registry, Duration after) {
        this.registry = registry;
        this.after = after;
    }

    static void start(Registry registry, Duration after) {
        Thread thread = ThreadHooks.agentThread(new DrainWatch(registry, after), "modulets-drains");
        thread.setContextClassLoader(null);
        thread.start();
    }

    @Override
    public void run() {
        long period = Math.max(10, Math.min(1_000, after.toMillis() / 4));
        try {
            while (true) {
                TimeUnit.MILLISECONDS.sleep(period);
                for (Generation g : registry.drainingSince(Instant.now().minus(after))) {
                    String line = line(g, Pins.report(g), after);
                    registry.drainWarned(line);
                    Log.warn("%s", line);
                }
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }

    /** The warning for {@code g}, from its pin report. */
    static String line(Generation g, PinReport report, Duration after) {
        List<String> bound = report.pins().stream().filter(pin -> pin.kind() == PinReport.Kind.BOUND_THREAD)
                .map(PinReport.Pin::what).toList();
        StringBuilder line = new StringBuilder().append(g).append(" has been draining for more than ")
                .append(words(after)).append(": ");
        if (bound.isEmpty()) {
            List<String> queued = report.pins().stream().filter(pin -> pin.kind() == PinReport.Kind.QUEUED_TASK)
                    .map(PinReport.Pin::what).toList();
            return line.append(g.liveTasks()).append(" live tasks, none of them running on a thread now (queued,"
                    + " scheduled or waiting tasks").append(queued.isEmpty() ? "" : ": " + String.join(", ", queued))
                    .append("; `pins` lists what holds it)").toString();
        }
        line.append(bound.size()).append(bound.size() == 1 ? " thread is" : " threads are").append(" bound to it: ")
                .append(String.join(", ", bound.subList(0, Math.min(NAMED, bound.size()))));
        if (bound.size() > NAMED) {
            line.append(" and ").append(bound.size() - NAMED).append(" more");
        }
        return line.append("; a thread that only loops and hands out work must not be bound: name its class or its"
                + " Runnable's in loops=, and the method where each request or job starts in requests="
                + " (a request or job that runs this long ends on its own)").toString();
    }

    private static String words(Duration duration) {
        long millis = duration.toMillis();
        return millis % 60_000 == 0 ? millis / 60_000 + " min" : millis % 1_000 == 0 ? millis / 1_000 + " s"
                : millis + " ms";
    }
}
