package deploy.mod;

public final class Magic {
    private Magic() {
    }

    public static String NAME = "magic";

    public static int get() { return MAGIC; }
}
