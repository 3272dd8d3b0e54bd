package modulets.bench.boundary;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

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
 * The boundary at scale (docs/JVM-NOTES.md: one site is not the question): {@link #CLASSES} shell classes
 * of {@link #METHODS} methods each, every method one static call into swappable code, so
 * {@code CLASSES × METHODS} hot sites. The classes are generated and compiled in setup and loaded
 * by an application class loader below the system loader (a shell loader: the agent rewrites
 * them). One invocation calls every site once; scores are per site call, with one live
 * generation or two (generation 1 stays live, the thread is bound to it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// 5,000 sites take long to reach C2 on 2 cores: a short warm-up measures the interpreter
@Warmup(iterations = 30, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ManySites {
    static final int CLASSES = 200;
    static final int METHODS = 25;

    @Param({"1", "2"})
    public int generations;

    private IntUnaryOperator[] shells;
    private ClassLoader binding;
    private int sink;
    private final Runnable all = this::callAll;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        binding = AgentControl.current();
        shells = load(compile());
        if (generations == 2) {
            callAll(); // every site links generation 1 first, as in a server before a deploy
            AgentControl.deploySecondGeneration();
        }
    }

    @Benchmark
    @OperationsPerInvocation(CLASSES * METHODS)
    public int everySiteOnce() {
        AgentControl.run(binding, all);
        return sink;
    }

    private void callAll() {
        int s = sink;
        for (IntUnaryOperator shell : shells) {
            s = shell.applyAsInt(s);
        }
        sink = s;
    }

    static Path compile() throws IOException, URISyntaxException {
        Path dir = Files.createTempDirectory("modulets-bench-sites");
        Path sources = Files.createDirectories(dir.resolve("src/modulets/bench/boundary/gen"));
        List<String> files = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) {
            StringBuilder src = new StringBuilder("package modulets.bench.boundary.gen;\n"
                    + "public final class Shell" + c + " implements java.util.function.IntUnaryOperator {\n"
                    + "  public int applyAsInt(int x) {\n");
            for (int m = 0; m < METHODS; m++) {
                src.append("    x = m").append(m).append("(x);\n");
            }
            src.append("    return x;\n  }\n");
            for (int m = 0; m < METHODS; m++) {
                src.append("  private static int m").append(m).append("(int x) { return x + ")
                        .append(Work.class.getName()).append(".next(); }\n");
            }
            src.append("}\n");
            Path file = sources.resolve("Shell" + c + ".java");
            Files.writeString(file, src);
            files.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("ManySites compiles its shell classes: run it on a JDK");
        }
        Path classes = Files.createDirectories(dir.resolve("classes"));
        String classPath = Path.of(Work.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", classPath, "-nowarn"));
        args.addAll(files);
        if (javac.run(null, null, null, args.toArray(new String[0])) != 0) {
            throw new IllegalStateException("compiling the generated shell classes failed");
        }
        return classes;
    }

    static IntUnaryOperator[] load(Path classes) throws Exception {
        URLClassLoader loader = new URLClassLoader("bench-shell", new URL[] {classes.toUri().toURL()},
                ClassLoader.getSystemClassLoader());
        IntUnaryOperator[] shells = new IntUnaryOperator[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            shells[c] = (IntUnaryOperator) loader.loadClass("modulets.bench.boundary.gen.Shell" + c)
                    .getDeclaredConstructor().newInstance();
        }
        return shells;
    }
}
