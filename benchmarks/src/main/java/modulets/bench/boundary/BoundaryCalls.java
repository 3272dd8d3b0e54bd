package modulets.bench.boundary;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import modulets.bench.swappable.Work;

/**
 * One boundary site, called from shell code: a static call, an instance call, {@code new} of
 * swappable code and a capturing lambda of a swappable interface handed to it, on a thread bound to
 * generation 1 or on an unbound one (current generation), with
 * one live generation or two (a second one deployed in setup, after each site linked generation 1;
 * generation 1 stays live). Each
 * invocation makes {@link #CALLS} calls through the same site; scores are per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BoundaryCalls {
    static final int CALLS = 100;

    @Param({"1", "2"})
    public int generations;

    @Param({"bound", "unbound"})
    public String thread;

    private ClassLoader binding;
    private Work work;
    private int sink;
    private final Runnable statics = this::statics;
    private final Runnable instances = this::instances;
    private final Runnable news = this::news;
    private final Runnable lambdas = this::lambdas;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ClassLoader first = AgentControl.current();
        work = new Work(7);
        if (generations == 2) {
            // every site links generation 1 first, as in a server before a deploy
            for (Runnable body : new Runnable[] {statics, instances, news, lambdas}) {
                AgentControl.run(first, body);
                AgentControl.run(null, body);
            }
            AgentControl.deploySecondGeneration();
        }
        binding = thread.equals("bound") ? first : null;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int staticCall() {
        AgentControl.run(binding, statics);
        return sink;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int instanceCall() {
        AgentControl.run(binding, instances);
        return sink;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int newObject() {
        AgentControl.run(binding, news);
        return sink;
    }

    /** A capturing lambda of a swappable functional interface, made and called once per call. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int lambdaCapture() {
        AgentControl.run(binding, lambdas);
        return sink;
    }

    private void lambdas() {
        int s = sink;
        for (int i = 0; i < CALLS; i++) {
            int k = s;
            s = Work.applyTo(x -> x * 31 + k, i);
        }
        sink = s;
    }

    private void statics() {
        int s = sink;
        for (int i = 0; i < CALLS; i++) {
            s += Work.next();
        }
        sink = s;
    }

    private void instances() {
        int s = sink;
        Work w = work;
        for (int i = 0; i < CALLS; i++) {
            s = w.mix(s);
        }
        sink = s;
    }

    private void news() {
        int s = sink;
        for (int i = 0; i < CALLS; i++) {
            s += new Work(i).mix(1);
        }
        sink = s;
    }
}
