package lc.mod;

import lc.Holder;

/** A thread body that swappable code starts and does not stop before the program ends. */
public final class Spinner implements Runnable {
    @Override
    public void run() {
        try {
            // Resolving a name through the system loader reads this thread's binding.
            ClassLoader.getSystemClassLoader().loadClass("lc.mod.Version");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        Holder.mark("spinner started version=" + Version.VERSION);
        Holder.await("spinner");
    }
}
