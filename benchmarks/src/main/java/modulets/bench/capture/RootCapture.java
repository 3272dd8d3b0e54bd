package modulets.bench.capture;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.TestSeams;
import io.modulets.bootstrap.CanaryDraw;

/**
 * What a root task's capture costs without and with a canary (DESIGN §2.1): the binding of a task
 * submitted by a thread that runs no task is the current generation, or, while a canary runs, a
 * thread-local random draw against the canary's threshold. Measured as {@code execute} of a task on a
 * saturated pool whose CallerRunsPolicy runs it here (capture, rejection hook, bind, run, release), and
 * as the bare choice ({@link Bindings#rootBinding()}), from a thread unbound for the measurement.
 *
 * <p>{@code canary=5%} installs a draw whose canary is the current generation itself: the draw is paid
 * as with a real canary, while the task still runs the same generation (a second live generation would
 * add boundary costs this benchmark is not about; those are the boundary benchmarks'). Without the
 * agent (setup "none") the parameter does nothing and nothing here touches the agent's classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RootCapture {
    private static final boolean AGENT = System.getProperty("modulets.bench.modules") != null;

    @Param({"none", "5%"})
    public String canary;

    private final Runnable task = () -> { };
    private SaturatedPool saturated;
    private Runnable executeOne;

    @Setup
    public void setUp() throws InterruptedException {
        saturated = new SaturatedPool();
        executeOne = () -> saturated.execute(task);
        if (AGENT && canary.equals("5%")) {
            TestSeams.setCanary(new CanaryDraw(Bindings.current(), 0.05));
        }
    }

    @TearDown
    public void tearDown() {
        if (AGENT) {
            TestSeams.setCanary(null);
        }
        saturated.close();
    }

    /** A root task: the JMH thread may itself be bound (it is a task of the harness), so it runs unbound here. */
    @Benchmark
    public void executeCallerRunsAsRoot() {
        if (AGENT) {
            TestSeams.runUnbound(executeOne);
        } else {
            executeOne.run();
        }
    }

    /** The choice alone: one volatile read without a canary; the draw with one. */
    @Benchmark
    public Object rootBinding() {
        return AGENT ? Bindings.rootBinding() : null;
    }
}
