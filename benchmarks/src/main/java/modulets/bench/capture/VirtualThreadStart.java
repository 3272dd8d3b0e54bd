package modulets.bench.capture;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import modulets.bench.TtlValue;

/**
 * Start a virtual thread with a trivial body and join it: the capture at start, the binding read on the
 * new thread, the release at its end. Needs JDK 21+ (the module is compiled for 17, so the API is
 * reached through a method handle); on 17 the setup fails and JMH reports this benchmark as failed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VirtualThreadStart {
    private MethodHandle startVirtualThread;
    private final Runnable task = () -> { };

    /** The "ttl" setup's value in the submitting thread (nothing in the other setups). */
    @Setup(Level.Iteration)
    public void context() {
        TtlValue.holdInThisThread();
    }

    @Setup
    public void find() throws ReflectiveOperationException {
        startVirtualThread = MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
                MethodType.methodType(Thread.class, Runnable.class));
    }

    @Benchmark
    public Thread startAndJoin() throws Throwable {
        Thread thread = (Thread) startVirtualThread.invokeExact(task);
        thread.join();
        return thread;
    }
}
