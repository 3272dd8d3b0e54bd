package modulets.bench.capture;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.Connections;
import io.modulets.bootstrap.TestSeams;

/**
 * What Netty's connection hooks cost an event loop, run with the agent only ({@code --setups modulets}; the agent's
 * classes are not there without it): an event of a connection with no request in flight (a read that decodes
 * nothing, a write's completion), entered and exited on an unbound thread; and one HTTP/1 request, its head decoded
 * in one event and its response written in full in another (begun, bound, counted and timed, released). Each runs
 * inside {@code TestSeams.runUnbound}, since JMH's threads run bound (their tasks were captured), as an event loop
 * does not; {@link #unboundOnly} is that wrapper alone, to subtract.
 * Compare across agent builds with {@code -Dmodulets.agent.jar=...}:
 *
 * <pre>
 * java -Dmodulets.agent.jar=JAR -jar benchmarks/target/benchmarks.jar --setups modulets 'ConnectionEvents'
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConnectionEvents {
    /** A connection's key, as Netty's channel pipeline is: one object per connection. */
    private final Object idle = new Object();
    private final Object serving = new Object();
    private final Runnable event = this::event;
    private final Runnable request = this::request;
    private final Runnable empty = () -> { };

    @Setup
    public void agent() {
        if (Bindings.current() == null) {
            throw new IllegalStateException("ConnectionEvents needs the agent: run it with --setups modulets");
        }
    }

    @Benchmark
    public void eventWithoutRequest() {
        TestSeams.runUnbound(event);
    }

    @Benchmark
    public void http1Request() {
        TestSeams.runUnbound(request);
    }

    /** The unbinding around each, to subtract. */
    @Benchmark
    public void unboundOnly() {
        TestSeams.runUnbound(empty);
    }

    private void event() {
        Connections.exit(Connections.enter(idle));
    }

    private void request() {
        http1Request(serving);
    }

    /** One HTTP/1 request of {@code connection} as Netty's hooks see it: its head's event, then its response's. */
    static void http1Request(Object connection) {
        Object read = Connections.enter(connection);
        Connections.begin(true);
        Connections.exit(read);
        Object write = Connections.enter(connection);
        Connections.written(200, true, connection);
        Connections.exit(write);
    }
}
