package capture;

import capture.mod.Magic;

/** Shell code that swappable code calls back: it resolves in the binding of the task that runs it. */
public final class Probe {
    private Probe() {
    }

    public static int magicSeenByShell() {
        return Magic.magic();
    }

    public static synchronized void print(String key, Object value) {
        System.out.println(key + " " + value);
        System.out.flush();
    }
}
