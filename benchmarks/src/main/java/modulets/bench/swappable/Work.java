package modulets.bench.swappable;

/** Swappable code for the benchmarks: generation 1 with the agent, plain class-path code without it. */
public final class Work {
    private static int counter;

    private final int seed;

    public Work(int seed) {
        this.seed = seed;
    }

    public static int next() {
        return ++counter;
    }

    public static int applyTo(IntFn f, int x) {
        return f.apply(x);
    }

    public int mix(int x) {
        return x * 31 + seed;
    }
}
