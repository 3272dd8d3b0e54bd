package lc.mod;

import lc.Holder;

/** A short task: says which version ran it. */
public final class Work implements Runnable {
    @Override
    public void run() {
        String name = Thread.currentThread().getName();
        if (name.startsWith("quiet-")) {
            return;
        }
        Holder.mark("work " + name + " version=" + Version.VERSION);
    }
}
