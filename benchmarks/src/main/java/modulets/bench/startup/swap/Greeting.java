package modulets.bench.startup.swap;

/** The startup application's swappable code: its own generation 1 with the agent. */
public final class Greeting {
    private Greeting() {
    }

    public static String text() {
        return "hello";
    }
}
