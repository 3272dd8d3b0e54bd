package capture.mod;

/** A task whose own class is swappable: it runs bound to the generation that defined it (DESIGN §2.1). */
public final class Recorder implements Runnable {
    private final String key;

    public Recorder(String key) {
        this.key = key;
    }

    @Override
    public void run() {
        matrix.Own.ran(key, Magic.magic());
    }
}
