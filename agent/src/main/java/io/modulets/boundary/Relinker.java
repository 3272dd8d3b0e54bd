package io.modulets.boundary;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.ThreadHooks;
import io.modulets.config.Log;

/**
 * Runs {@link BoundaryLinks}' catch-up pass after a publish or a retirement on a thread of its
 * own: it links every site in the new epoch (while it runs, calls on a site whose epoch ended are
 * made from the site's cache without linking it, so that a request thread does not pay for
 * thousands of links in one round), and re-targets every method's
 * {@link TokenSite} when the phase changed. A re-target of a token site that compiled code
 * inlined is a handshake with every thread, so thousands of them take a second or more: not on
 * the publishing thread, which holds the registry, and not on a task's thread. Until a token site
 * is re-targeted its stale target is still correct: it only costs time. Requests that arrive
 * during a pass are served by one more pass.
 */
final class Relinker implements Runnable {
    private static Relinker instance;
    /** A pass is asked for or under way. */
    private static volatile boolean busy;

    private final Runnable pass;
    /** Guarded by this. */
    private boolean requested;

    private Relinker(Runnable pass) {
        this.pass = pass;
    }

    /** Asks for a run of {@code pass} (always the same one), starting the thread on the first request. */
    static synchronized void request(Runnable pass) {
        if (instance == null) {
            instance = new Relinker(pass);
            ThreadHooks.agentThread(instance, "modulets-relinker").start();
        }
        instance.ask();
    }

    /**
     * Whether a pass is asked for or under way: a site whose epoch ended then leaves its linking to
     * the pass (see InlineCacheSite#awaitsRelinker).
     */
    static boolean busy() {
        return busy;
    }

    private synchronized void ask() {
        requested = true;
        busy = true;
        notifyAll();
    }

    /** Waits at most {@code millis} until no pass is asked for or under way; whether that came. */
    static boolean awaitIdle(long millis) throws InterruptedException {
        Relinker relinker;
        synchronized (Relinker.class) {
            relinker = instance;
        }
        if (relinker == null) {
            return true;
        }
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (relinker) {
            for (long left = millis; busy && left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
                relinker.wait(left);
            }
        }
        return !busy;
    }

    private synchronized void awaitRequest() throws InterruptedException {
        if (!requested) {
            busy = false;
            notifyAll();
        }
        while (!requested) {
            wait();
        }
        requested = false;
    }

    @Override
    public void run() {
        try {
            while (true) {
                awaitRequest();
                runPass();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped("interrupted");
        } catch (Throwable e) {
            stopped(e.getClass().getName());
        }
    }

    /** One pass; whatever it throws, an Error or a checked exception thrown sneakily included, ends only the pass. */
    private void runPass() {
        try {
            pass.run();
        } catch (Throwable e) {
            try {
                Log.warn("the boundary's relinking pass failed (sites relink at their next call): %s",
                        Log.oneLine(e));
            } catch (Throwable logging) {
                // out of memory even for the line: the pass is over all the same, and the thread goes on
            }
        }
    }

    /**
     * The last resort: the thread ends (interrupted, or something beyond one pass failed). Sites no longer
     * wait for it, and the next request starts another.
     */
    private void stopped(String why) {
        synchronized (Relinker.class) {
            if (instance == this) instance = null;
        }
        synchronized (this) {
            busy = false;
            notifyAll();
        }
        try {
            Log.error("the boundary's relinker thread stopped (%s): sites link at their next call until the next"
                    + " publish starts another; tasks and deploys are not affected", why);
        } catch (Throwable e) {
            // nothing is left to tell it with
        }
    }
}
