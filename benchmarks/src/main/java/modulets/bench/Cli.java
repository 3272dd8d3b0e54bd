package modulets.bench;

/**
 * The entry points' handling of bad input: an {@code IllegalArgumentException} from parsing the
 * arguments becomes one line on stderr and exit code 2, not a stack trace.
 */
public final class Cli {
    private Cli() {
    }

    /** A main method's body. */
    public interface Body {
        void run(String[] args) throws Exception;
    }

    public static void main(String[] args, Body body) throws Exception {
        try {
            body.run(args);
        } catch (IllegalArgumentException bad) {
            System.err.println("modulets.bench: " + bad.getMessage());
            System.exit(2);
        }
    }
}
