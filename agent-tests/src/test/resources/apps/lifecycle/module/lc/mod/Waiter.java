package lc.mod;

import lc.Holder;

/** A task that runs until the latch named by its thread's name is released. */
public final class Waiter implements Runnable {
    @Override
    public void run() {
        String latch = Thread.currentThread().getName().startsWith("pool") ? "worker" : "running";
        Holder.mark("waiting " + latch + " version=" + Version.VERSION);
        Holder.await(latch);
    }
}
