package modulets.bench.boundary;

import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A research prototype, run without the agent: what the activation wave of {@link ActivationWave} would be if a
 * boundary site were a plain virtual call on a dispatcher object per shell class and generation instead of a chain
 * of method handles (docs/PERFORMANCE.md, "What the wave of new tasks is made of"). {@link ManySites}' shape:
 * {@code 200} shell classes whose one method makes {@code 25} calls; site {@code k} of shell class {@code c} is
 * {@code x = d.sk(x)}, where {@code d} (a static field of the shell class) is generation {@code g}'s dispatcher
 * {@code DcGg}, whose {@code sk} calls member {@code k} of generation {@code g}'s class {@code Wg}. A deploy sets
 * every shell class's dispatcher to the next generation's, as the calls of new tasks would see it.
 * <ul>
 *   <li>{@code direct}: the shell calls generation 1's members itself: no dispatch, no deploy has any effect;</li>
 *   <li>{@code virtual}: generation 1's dispatcher from the start; a deploy after the warm-up (and with
 *       {@code deploys} 2, the most it takes, another halfway through the rest of the run);</li>
 *   <li>{@code virtual-megamorphic}: every site called with three other generations' dispatchers first, so that its
 *       profile has seen three classes before generation 1's.</li>
 * </ul>
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar modulets.bench.boundary.DispatchWave MODE [warmupSeconds] [afterSeconds] [deploys]
 * </pre>
 */
public final class DispatchWave {
    private static final int CLASSES = ManySites.CLASSES;
    private static final int SITES = ManySites.METHODS;
    /** Generations 1, 2 and 3 (the deploys), 4 to 6 the megamorphic mode's other receivers. */
    private static final int GENERATIONS = 6;

    private DispatchWave() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "virtual";
        if (!List.of("direct", "virtual", "virtual-megamorphic").contains(mode)) {
            throw new IllegalArgumentException("mode: direct, virtual or virtual-megamorphic, not " + mode);
        }
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int after = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        int deploys = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        URLClassLoader loader = new URLClassLoader(new URL[] {compile(mode.equals("direct")).toUri().toURL()});
        IntUnaryOperator[] shells = new IntUnaryOperator[CLASSES];
        Field[] dispatchers = new Field[CLASSES];
        Object[][] generations = new Object[CLASSES][GENERATIONS + 1];
        for (int c = 0; c < CLASSES; c++) {
            Class<?> shell = loader.loadClass("dispatch.S" + c);
            shells[c] = (IntUnaryOperator) shell.getDeclaredConstructor().newInstance();
            dispatchers[c] = shell.getField("d");
            for (int g = 1; g <= GENERATIONS; g++) {
                generations[c][g] = loader.loadClass("dispatch.D" + c + "G" + g).getDeclaredConstructor().newInstance();
            }
        }
        int sink = 0;
        if (mode.equals("virtual-megamorphic")) {
            for (int g = 4; g <= 6; g++) {
                deploy(dispatchers, generations, g);
                for (int round = 0; round < 300; round++) {
                    for (IntUnaryOperator shell : shells) {
                        sink = shell.applyAsInt(sink);
                    }
                }
            }
        }
        deploy(dispatchers, generations, 1);
        long start = System.nanoTime();
        long publish = start + warmup * 1_000_000_000L;
        long end = publish + after * 1_000_000_000L;
        long second = deploys > 1 ? publish + after * 500_000_000L : Long.MAX_VALUE;
        RoundTimes times = new RoundTimes(start, end - start);
        int deployed = 1;
        for (long now = start; now < end; ) {
            if (deployed == 1 && now >= publish || deployed == 2 && now >= second) {
                deploy(dispatchers, generations, ++deployed);
            }
            for (IntUnaryOperator shell : shells) {
                sink = shell.applyAsInt(sink);
            }
            long t = System.nanoTime();
            times.add(now, t);
            now = t;
        }
        int published = times.bucketOf(publish);
        int perSecond = RoundTimes.PER_SECOND;
        System.out.printf(Locale.ROOT, "%s, %d sites: round before the deploy %.2f ns/site (median of the last 5 s)%s;"
                        + " sink %d%n", mode, CLASSES * SITES,
                perSite(times.median(published - 5 * perSecond, published)),
                deploys > 1 ? ", another deploy at " + after / 2.0 + " s" : "", sink);
        System.out.println("after the deploy: window, median round per site, longest round, rounds");
        int tenth = perSecond / 10;
        for (int w = 0; w < 10; w++) {
            String window = String.format(Locale.ROOT, "%.1f s", w / 10.0);
            row(times, published + tenth * w, published + tenth * (w + 1), window);
        }
        for (int s = 1; s < after; s++) {
            row(times, published + perSecond * s, published + perSecond * (s + 1), s + " s");
        }
    }

    /** Every shell class's dispatcher becomes generation {@code g}'s. */
    private static void deploy(Field[] dispatchers, Object[][] generations, int g) throws IllegalAccessException {
        for (int c = 0; c < CLASSES; c++) {
            dispatchers[c].set(null, generations[c][g]);
        }
    }

    private static Path compile(boolean direct) throws Exception {
        Path dir = Files.createTempDirectory("modulets-bench-dispatch");
        Path sources = Files.createDirectories(dir.resolve("src/dispatch"));
        List<String> files = new ArrayList<>();
        for (int g = 1; g <= GENERATIONS; g++) {
            StringBuilder members = new StringBuilder("package dispatch;\npublic final class W" + g
                    + " {\n  static int counter;\n");
            for (int k = 0; k < SITES; k++) {
                members.append("  public static int n").append(k).append("() { return ++counter + ").append(k)
                        .append("; }\n");
            }
            files.add(write(sources, "W" + g, members.append("}\n")));
        }
        for (int c = 0; c < CLASSES; c++) {
            StringBuilder dispatcher = new StringBuilder("package dispatch;\npublic abstract class D" + c + " {\n");
            for (int k = 0; k < SITES; k++) {
                dispatcher.append("  public abstract int s").append(k).append("(int x);\n");
            }
            files.add(write(sources, "D" + c, dispatcher.append("}\n")));
            for (int g = 1; g <= GENERATIONS; g++) {
                StringBuilder of = new StringBuilder("package dispatch;\npublic final class D" + c + "G" + g
                        + " extends D" + c + " {\n");
                for (int k = 0; k < SITES; k++) {
                    of.append("  public int s").append(k).append("(int x) { return x + W").append(g).append(".n")
                            .append(k).append("(); }\n");
                }
                files.add(write(sources, "D" + c + "G" + g, of.append("}\n")));
            }
            StringBuilder shell = new StringBuilder("package dispatch;\npublic final class S" + c
                    + " implements java.util.function.IntUnaryOperator {\n  public static D" + c + " d;\n"
                    + "  public int applyAsInt(int x) {\n");
            for (int k = 0; k < SITES; k++) {
                shell.append(direct ? "    x = x + W1.n" + k + "();\n" : "    x = d.s" + k + "(x);\n");
            }
            files.add(write(sources, "S" + c, shell.append("    return x;\n  }\n}\n")));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("DispatchWave compiles its classes: run it on a JDK");
        }
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-nowarn"));
        args.addAll(files);
        if (javac.run(null, null, null, args.toArray(new String[0])) != 0) {
            throw new IllegalStateException("compiling the generated classes failed");
        }
        return classes;
    }

    private static String write(Path dir, String name, CharSequence text) throws Exception {
        Path file = dir.resolve(name + ".java");
        Files.writeString(file, text);
        return file.toString();
    }

    private static void row(RoundTimes times, int from, int to, String window) {
        long longest = 0;
        long rounds = 0;
        for (int b = from; b < to && b < times.count(); b++) {
            longest = Math.max(longest, times.longest(b));
            rounds += times.rounds(b);
        }
        System.out.printf(Locale.ROOT, "  %-6s %9.2f ns/site %8.2f ms %8d%n", window, perSite(times.median(from, to)),
                longest / 1e6, rounds);
    }

    /** A median round as ns per site; NaN for none. */
    private static double perSite(long round) {
        return round == Long.MAX_VALUE ? Double.NaN : (double) round / (CLASSES * SITES);
    }
}
