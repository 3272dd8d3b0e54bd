package capture.mod;

public final class Magic {
    private Magic() {
    }

    public static int magic() {
        return MAGIC;
    }
}
