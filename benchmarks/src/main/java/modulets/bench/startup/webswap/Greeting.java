package modulets.bench.startup.webswap;

/** The web application's swappable code: its generation 1 with the agent, on the class path without it. */
public final class Greeting {
    private Greeting() {
    }

    public static String to(String name) {
        return "hello " + name;
    }
}
