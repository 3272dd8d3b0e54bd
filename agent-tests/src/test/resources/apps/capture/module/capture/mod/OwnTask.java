package capture.mod;

import capture.Probe;

/** A task whose own class is swappable: it runs bound to the generation that defined it. */
public final class OwnTask implements Runnable {
    private final String key;

    public OwnTask(String key) {
        this.key = key;
    }

    @Override
    public void run() {
        Probe.print(key, Probe.magicSeenByShell() + " own=" + Magic.magic());
    }
}
