package bnd.mod;

/** A swappable resource for try-with-resources in shell code. */
public class Res implements AutoCloseable {
    public static int closed;

    public String name() {
        return "res-VERSION";
    }

    @Override
    public void close() {
        closed++;
    }
}
