package bnd.mod;

public class Thrower {
    public static void fail(String kind) {
        if (kind.equals("oops")) {
            throw new Oops("VERSION");
        }
        throw new Other("VERSION");
    }

    public void raise() {
        throw new Oops("VERSION");
    }
}
